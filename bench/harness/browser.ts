/**
 * Node side of the latency harness: bundles the harness pages with esbuild, serves them on 127.0.0.1 (a secure
 * context, so getUserMedia works) for Chromium (launched by ../lib/chromium.ts), and does the WHIP/WHEP
 * signalling itself so the pages never see a token.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { z } from 'zod';
import { serveBundle, type BundleServer } from '../../testkit/bundle-server.js';
import { deleteSession, postOffer } from '../../testkit/webrtc/signaling.js';

const here = dirname(fileURLToPath(import.meta.url));

export type HarnessServer = BundleServer;

/** Bundles bench/harness/pages/*.ts and serves them with one HTML shell per page. */
export function startHarnessServer(): Promise<HarnessServer> {
  return serveBundle({ publisher: join(here, 'pages/publisher.ts'), viewer: join(here, 'pages/viewer.ts') });
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[harness page error] ${e.message}\n`));
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window, null, { timeout: 30_000 });
  return page;
}

export interface PublisherOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly audio: boolean;
  readonly maxBitrateKbps: number;
}

const PublisherStats = z.object({
  state: z.string(),
  framesDrawn: z.number(),
  bytesSent: z.number(),
  framesEncoded: z.number(),
  qualityLimitation: z.string(),
});

export class HarnessPublisher {
  private constructor(
    private readonly page: Page,
    private readonly token: string,
    readonly location: string,
  ) {}

  static async start(browser: Browser, harnessUrl: string, whipUrl: string, token: string, options: PublisherOptions): Promise<HarnessPublisher> {
    const page = await openPage(browser, `${harnessUrl}/publisher.html`);
    const offer = await page.evaluate((o) => (window as unknown as { bench: { offer(o: PublisherOptions): Promise<string> } }).bench.offer(o), options);
    const { sdp: answer, sessionUrl: location } = await postOffer(whipUrl, offer, { token });
    await page.evaluate((sdp) => (window as unknown as { bench: { answer(s: string): Promise<void> } }).bench.answer(sdp), answer);
    return new HarnessPublisher(page, token, location);
  }

  async stats(): Promise<z.infer<typeof PublisherStats>> {
    return PublisherStats.parse(await this.page.evaluate(() => (window as unknown as { bench: { stats(): Promise<unknown> } }).bench.stats()));
  }

  async close(): Promise<void> {
    await deleteSession(this.location, this.token).catch(() => undefined);
    await this.page.context().close().catch(() => undefined);
  }
}

const Taken = z.object({
  latencies: z.array(z.number()),
  stampErrors: z.number().int(),
  frames: z.number().int(),
  firstFrameMs: z.number().nullable(),
  width: z.number(),
  height: z.number(),
  bytesReceived: z.number(),
  packetsReceived: z.number(),
  codec: z.string(),
  state: z.string(),
});
export type ViewerSamples = z.infer<typeof Taken>;

export class HarnessViewer {
  private constructor(
    private readonly page: Page,
    private readonly token: string,
    readonly location: string,
  ) {}

  static async start(browser: Browser, harnessUrl: string, whepUrl: string, token: string, audio: boolean): Promise<HarnessViewer> {
    const page = await openPage(browser, `${harnessUrl}/viewer.html`);
    const offer = await page.evaluate((a) => (window as unknown as { bench: { offer(a: boolean): Promise<string> } }).bench.offer(a), audio);
    const { sdp: answer, sessionUrl: location } = await postOffer(whepUrl, offer, { token });
    await page.evaluate((sdp) => (window as unknown as { bench: { answer(s: string): Promise<void> } }).bench.answer(sdp), answer);
    return new HarnessViewer(page, token, location);
  }

  /** Samples since the last call (latencies in ms, frames, stamp errors, bytes, packets) and first-frame time. */
  async take(): Promise<ViewerSamples> {
    return Taken.parse(await this.page.evaluate(() => (window as unknown as { bench: { take(): Promise<unknown> } }).bench.take()));
  }

  /** Resolves with time-to-first-frame (ms from offer creation) once a frame is decoded, or null on timeout. */
  async firstFrame(timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const t = await this.page.evaluate(() => (window as unknown as { bench: { peekFirstFrame(): number | null } }).bench.peekFirstFrame());
      if (t !== null) return t;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }

  async close(): Promise<void> {
    await deleteSession(this.location, this.token).catch(() => undefined);
    await this.page.context().close().catch(() => undefined);
  }
}
