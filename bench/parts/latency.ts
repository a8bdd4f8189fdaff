/**
 * Glass-to-glass latency against the sandbox: a Chromium publisher stamps each frame with its capture time, one
 * Chromium viewer decodes every frame and reads the stamp, while a fleet of non-decoding Node subscribers (separate
 * process) is grown through the phases (0, 50, 100, 200 extra). For each phase the window records the viewer's
 * latency, the sandbox process's CPU and RSS, and the packets the SFU forwarded (what all subscribers received).
 */
import { Fleet } from '../lib/fleet.js';
import { histogram, linearFit, summarize } from '../lib/percentiles.js';
import { UsageMonitor } from '../lib/proc.js';
import type { LatencyPhase, LatencySection } from '../lib/schema.js';
import { sandboxIvsClient, participantToken } from '../lib/ivs.js';
import { HarnessPublisher, HarnessViewer, launchChromium, startHarnessServer, type HarnessBrowser } from '../harness/browser.js';

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

export async function benchLatency(o: LatencyOptions): Promise<LatencyOutcome> {
  const client = sandboxIvsClient(o.sandboxUrl);
  const notes: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const harness = await startHarnessServer();
    cleanups.push(() => harness.close());
    const browser: HarnessBrowser = await launchChromium();
    cleanups.push(() => browser.close());

    const pub = await participantToken(client, o.stageArn, ['PUBLISH'], 'bench-publisher');
    const publisher = await HarnessPublisher.start(browser.browser, harness.url, `${o.sandboxUrl}/whip`, pub.token, {
      width: o.width,
      height: o.height,
      fps: o.fps,
      audio: o.audio,
      maxBitrateKbps: o.maxBitrateKbps,
    });
    cleanups.push(() => publisher.close());
    const whepUrl = `${o.sandboxUrl}/whep/${pub.participantId}`;
    o.log(`publisher on ${o.sandboxUrl}/whip as ${pub.participantId}`);

    // Time to first frame: fresh viewers joining one after another while the stream runs.
    await sleep(2000);
    const ttff: number[] = [];
    for (let i = 0; i < o.ttffJoins; i++) {
      const t = await participantToken(client, o.stageArn, ['SUBSCRIBE'], `bench-ttff-${i}`);
      const v = await HarnessViewer.start(browser.browser, harness.url, whepUrl, t.token, o.audio);
      const ms = await v.firstFrame(10_000);
      await v.close();
      if (ms === null) notes.push(`time-to-first-frame join ${i + 1} saw no frame within 10 s`);
      else ttff.push(ms);
    }
    o.log(`time to first frame over ${ttff.length} joins: ${ttff.map((x) => x.toFixed(0)).join(', ')} ms`);

    const vt = await participantToken(client, o.stageArn, ['SUBSCRIBE'], 'bench-viewer');
    const viewer = await HarnessViewer.start(browser.browser, harness.url, whepUrl, vt.token, o.audio);
    cleanups.push(() => viewer.close());
    if ((await viewer.firstFrame(15_000)) === null) throw new Error('the latency viewer received no frame within 15 s');

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
      await viewer.take();
      const before = await fleet.stats();
      server.mark();
      clients.mark();
      const t0 = performance.now();
      await sleep(o.windowSeconds * 1000);
      const taken = await viewer.take();
      const after = await fleet.stats();
      const wall = (performance.now() - t0) / 1000;
      const serverUse = server.window();
      const clientUse = target > 0 ? clients.window() : null;
      const fleetPackets = after.packets - before.packets;
      const viewerPackets = taken.packetsReceived;
      const forwarded = fleetPackets + viewerPackets;
      const forwardedPerSec = forwarded / wall;
      const lost = after.lost - before.lost;
      bitrateKbps = (taken.bytesReceived * 8) / 1000 / wall;
      resolution = `${taken.width}x${taken.height}`;
      codec = taken.codec.replace(/^video\//, '');
      const lat = taken.latencies;
      samples.set(target, lat);
      const summary = summarize(lat);
      phases.push({
        extraSubscribers: target,
        extraConnected: after.connected,
        windowSeconds: wall,
        latencyMs: summary,
        latencyHistogram: histogram(lat, { binWidth: 5 }),
        framesDecoded: taken.frames,
        stampErrors: taken.stampErrors,
        server: serverUse,
        forwardedPacketsPerSec: forwardedPerSec,
        cpuUsPerPacket: serverUse && forwarded > 0 ? (serverUse.cpuSeconds * 1e6) / forwarded : null,
        clients: clientUse,
        subscriberPacketLossPercent: target > 0 && fleetPackets + lost > 0 ? (lost / (fleetPackets + lost)) * 100 : null,
      });
      o.log(
        `phase ${target}: p50 ${summary?.p50.toFixed(1) ?? '—'} ms, p95 ${summary?.p95.toFixed(1) ?? '—'} ms over ${taken.frames} frames; ` +
          `SFU ${serverUse?.cpuPercent.toFixed(1) ?? '—'} % CPU, ${serverUse?.rssMiB.toFixed(0) ?? '—'} MiB, ${forwardedPerSec.toFixed(0)} pkt/s`,
      );
    }
    const pubStats = await publisher.stats().catch(() => null);
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
        method: 'bench/harness: 40 drawn 16-px blocks (32-bit ms + CRC-8) per frame, read on requestVideoFrameCallback',
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
