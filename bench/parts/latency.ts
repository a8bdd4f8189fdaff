/**
 * Glass-to-glass latency against the sandbox: a Chromium publisher stamps each frame with its capture time, one
 * Chromium viewer decodes every frame and reads the stamp, while a fleet of non-decoding Node subscribers (separate
 * process) is grown through the phases (0, 50, 100, 200 extra). For each phase the window records the viewer's
 * latency, the sandbox process's CPU and RSS, and the packets the SFU forwarded (what all subscribers received).
 */
import { Fleet } from '../lib/fleet.js';
import { histogram, linearFit, summarize } from '../../web/src/measure/percentiles.js';
import { systemCpu, UsageMonitor } from '../lib/proc.js';
import type { LatencyPhase, LatencySection } from '../lib/schema.js';
import { sandboxIvsClient, participantToken } from '../lib/ivs.js';
import { HarnessPublisher, HarnessViewer, startHarnessServer } from '../harness/browser.js';
import { publish, type Publisher } from '../../testkit/webrtc/publisher.js';
import { startChromium, type OwnedChromium } from '../../testkit/chromium.js';

export interface LatencyOptions {
  readonly sandboxUrl: string;
  readonly sandboxPid: number;
  readonly stageArn: string;
  readonly phases: readonly number[];
  readonly windowSeconds: number;
  readonly settleSeconds: number;
  readonly ttffJoins: number;
  readonly audio: boolean;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly maxBitrateKbps: number;
  /** Subscribers started per second when growing the fleet. */
  readonly rampPerSec: number;
  readonly fleetWorkers: number;
  /**
   * 'chromium': a Chromium publisher stamps frames and a Chromium viewer reads them (latency and SFU cost).
   * 'synthetic': no browser; the synthetic werift publisher (testkit/webrtc/publisher.ts) and the fleet only, so
   * the SFU's cost is still measured when Chromium cannot connect (latency is then not measured).
   */
  readonly mode: 'chromium' | 'synthetic';
  readonly log: (line: string) => void;
}

export interface LatencyOutcome {
  readonly section: LatencySection;
  readonly sfu: { cpuPercentPerSubscriber: number | null; rssMiBPerSubscriber: number | null; marginalCpuUsPerPacket: number | null };
  /** Latency samples of each phase, for charts. */
  readonly samples: ReadonlyMap<number, readonly number[]>;
  readonly notes: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Chromium could not get media through the SFU: the caller may fall back to the synthetic mode. */
export class ChromiumMediaError extends Error {
  override readonly name = 'ChromiumMediaError';
}

/** The test kit's synthetic werift publisher, connected. */
async function startSyntheticPublisher(whipUrl: string, token: string, bitrateKbps: number, fps: number): Promise<Publisher> {
  const p = await publish({ whipUrl, token, bitrateKbps, fps });
  try {
    await p.connected(20_000);
  } catch (error) {
    await p.close().catch(() => undefined);
    throw error;
  }
  return p;
}

export async function benchLatency(o: LatencyOptions): Promise<LatencyOutcome> {
  const client = sandboxIvsClient(o.sandboxUrl);
  const notes: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    let viewer: HarnessViewer | null = null;
    let publisher: HarnessPublisher | null = null;
    const pub = await participantToken(client, o.stageArn, ['PUBLISH'], 'bench-publisher');
    const whepUrl = `${o.sandboxUrl}/whip/subscribe/${pub.participantId}`;
    const ttff: number[] = [];
    if (o.mode === 'chromium') {
      const harness = await startHarnessServer();
      cleanups.push(() => harness.close());
      const browser: OwnedChromium = await startChromium({ timeoutMs: 60_000 });
      cleanups.push(() => browser.close());
      const p = await HarnessPublisher.start(browser.browser, harness.url, `${o.sandboxUrl}/whip/publish/${pub.participantId}`, pub.token, {
        width: o.width,
        height: o.height,
        fps: o.fps,
        audio: o.audio,
        maxBitrateKbps: o.maxBitrateKbps,
      });
      publisher = p;
      cleanups.push(() => p.close());
      o.log(`Chromium publisher on ${o.sandboxUrl}/whip/publish/${pub.participantId} as ${pub.participantId}`);

      const vt = await participantToken(client, o.stageArn, ['SUBSCRIBE'], 'bench-viewer');
      const v = await HarnessViewer.start(browser.browser, harness.url, whepUrl, vt.token, o.audio);
      cleanups.push(() => v.close());
      if ((await v.firstFrame(15_000)) === null) {
        const ps = await p.stats().catch(() => null);
        throw new ChromiumMediaError(
          `the Chromium latency viewer received no frame within 15 s (publisher connection ${ps?.state ?? 'unknown'}, ${ps?.bytesSent ?? 0} bytes sent)`,
        );
      }
      viewer = v;

      // Time to first frame: fresh viewers joining one after another while the stream runs.
      for (let i = 0; i < o.ttffJoins; i++) {
        const t = await participantToken(client, o.stageArn, ['SUBSCRIBE'], `bench-ttff-${i}`);
        const fresh = await HarnessViewer.start(browser.browser, harness.url, whepUrl, t.token, o.audio);
        const ms = await fresh.firstFrame(10_000);
        await fresh.close();
        if (ms === null) notes.push(`time-to-first-frame join ${i + 1} saw no frame within 10 s`);
        else ttff.push(ms);
      }
      o.log(`time to first frame over ${ttff.length} joins: ${ttff.map((x) => x.toFixed(0)).join(', ')} ms`);
    } else {
      const synthetic = await startSyntheticPublisher(`${o.sandboxUrl}/whip/publish/${pub.participantId}`, pub.token, o.maxBitrateKbps, o.fps);
      cleanups.push(() => synthetic.close());
      o.log(`synthetic werift publisher (${o.maxBitrateKbps} kbit/s VP8-shaped RTP) as ${pub.participantId}; no browser, latency not measured`);
      notes.push('SFU cost measured with the synthetic werift publisher (no browser): latency and time-to-first-frame not measured in this run');
    }

    const fleet = await Fleet.start({
      workers: o.fleetWorkers,
      config: { sandboxUrl: o.sandboxUrl, stageArn: o.stageArn, whepUrl, audio: o.audio, joinTimeoutMs: 20_000 },
    });
    cleanups.push(() => fleet.stop());
    const server = new UsageMonitor(() => [o.sandboxPid]);
    const clients = new UsageMonitor(() => fleet.pids());
    cleanups.push(async () => {
      server.stop();
      clients.stop();
    });

    const phases: LatencyPhase[] = [];
    const samples = new Map<number, number[]>();
    let bitrateKbps: number | null = null;
    let resolution = `${o.width}x${o.height}`;
    let codec = 'unknown';
    for (const target of o.phases) {
      const more = target - fleet.size;
      if (more > 0) {
        o.log(`adding ${more} subscribers (→ ${target})`);
        const s = await fleet.add(more, (more / o.rampPerSec) * 1000, 32);
        o.log(`  connected ${s.connected}, failed ${s.failed}`);
      }
      await sleep(o.settleSeconds * 1000);
      await viewer?.take();
      const before = await fleet.stats();
      server.mark();
      clients.mark();
      const sys0 = systemCpu();
      const t0 = performance.now();
      await sleep(o.windowSeconds * 1000);
      const taken = viewer ? await viewer.take() : null;
      const after = await fleet.stats();
      const wall = (performance.now() - t0) / 1000;
      const sys1 = systemCpu();
      const systemBusy = sys0 && sys1 && sys1.total > sys0.total ? ((sys1.busy - sys0.busy) / (sys1.total - sys0.total)) * 100 : null;
      const serverUse = server.window();
      const clientUse = target > 0 ? clients.window() : null;
      const fleetPackets = after.packets - before.packets;
      const viewerPackets = taken?.packetsReceived ?? 0;
      const forwarded = fleetPackets + viewerPackets;
      const forwardedPerSec = forwarded / wall;
      const lost = after.lost - before.lost;
      if (taken) {
        bitrateKbps = (taken.bytesReceived * 8) / 1000 / wall;
        resolution = `${taken.width}x${taken.height}`;
        codec = taken.codec.replace(/^video\//, '');
      } else {
        bitrateKbps = o.maxBitrateKbps;
        codec = 'VP8 (synthetic)';
      }
      const lat = taken?.latencies ?? [];
      samples.set(target, lat);
      const summary = summarize(lat);
      phases.push({
        extraSubscribers: target,
        extraConnected: after.connected,
        windowSeconds: wall,
        latencyMs: summary,
        latencyHistogram: histogram(lat, { binWidth: 5 }),
        framesDecoded: taken?.frames ?? 0,
        stampErrors: taken?.stampErrors ?? 0,
        server: serverUse,
        forwardedPacketsPerSec: forwardedPerSec,
        cpuUsPerPacket: serverUse && forwarded > 0 ? (serverUse.cpuSeconds * 1e6) / forwarded : null,
        clients: clientUse,
        subscriberPacketLossPercent: target > 0 && fleetPackets + lost > 0 ? (lost / (fleetPackets + lost)) * 100 : null,
        systemCpuBusyPercent: systemBusy,
      });
      o.log(
        `phase ${target}: p50 ${summary?.p50.toFixed(1) ?? '—'} ms, p95 ${summary?.p95.toFixed(1) ?? '—'} ms over ${taken?.frames ?? 0} frames; ` +
          `SFU ${serverUse?.cpuPercent.toFixed(1) ?? '—'} % CPU, ${serverUse?.rssMiB.toFixed(0) ?? '—'} MiB, ${forwardedPerSec.toFixed(0)} pkt/s, ` +
          `${after.connected} of ${target} extra connected; machine ${systemBusy?.toFixed(0) ?? '—'} % busy`,
      );
    }
    const pubStats = publisher ? await publisher.stats().catch(() => null) : null;
    if (pubStats && pubStats.qualityLimitation !== 'none') notes.push(`the publisher's encoder reported quality limitation "${pubStats.qualityLimitation}"`);

    const cpuFit = linearFit(phases.filter((p) => p.server).map((p) => ({ x: p.extraConnected, y: p.server?.cpuPercent ?? 0 })));
    const rssFit = linearFit(phases.filter((p) => p.server).map((p) => ({ x: p.extraConnected, y: p.server?.rssMiB ?? 0 })));
    // CPU seconds per second against packets per second: the slope is CPU seconds per packet.
    const pktFit = linearFit(
      phases
        .filter((p) => p.server && p.forwardedPacketsPerSec !== null)
        .map((p) => ({ x: p.forwardedPacketsPerSec ?? 0, y: (p.server?.cpuPercent ?? 0) / 100 })),
    );
    return {
      section: {
        method:
          o.mode === 'chromium'
            ? 'bench/harness: 40 drawn 16-px blocks (32-bit ms + CRC-8) per frame, read on requestVideoFrameCallback'
            : 'none (synthetic publisher, no browser): SFU cost only',
        codec,
        resolution,
        bitrateKbps,
        phases,
        timeToFirstFrameMs: summarize(ttff),
      },
      sfu: {
        cpuPercentPerSubscriber: cpuFit?.slope ?? null,
        rssMiBPerSubscriber: rssFit?.slope ?? null,
        marginalCpuUsPerPacket: pktFit ? pktFit.slope * 1e6 : null,
      },
      samples,
      notes,
    };
  } finally {
    await cleanup();
  }
}
