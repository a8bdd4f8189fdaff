/**
 * SFU cost: CPU per forwarded packet and per subscriber, RSS per subscriber.
 *
 * Exported API (for bench/run.ts):
 *
 *   benchSfu(options: SfuBenchOptions): Promise<SfuBenchOutcome>
 *
 *   - options.sandboxUrl / sandboxPid: a sandbox already started with testkit/sandbox.ts (its child process is what
 *     is measured, via /proc: bench/lib/proc.ts). options.stageArn: a stage on it (e.g. defaultStageArn()).
 *   - options.steps: subscriber counts measured in turn, ascending (default [0, 25, 50, 100]).
 *   - options.windowSeconds: measurement window per step (default 20); settleSeconds after each growth (default 5).
 *   - options.bitrateKbps: the synthetic Node publisher's video bitrate (default 500, 30 fps, ~60 packets/s);
 *     options.audio adds a 50 packets/s Opus-sized stream (default false).
 *   - options.fleetWorkers: processes holding the non-decoding subscribers (default 1; they never count as SFU CPU).
 *   - options.log: progress lines.
 *
 *   SfuBenchOutcome.section matches bench/lib/schema.ts SfuSectionSchema (cpuPercentPerSubscriber,
 *   rssMiBPerSubscriber, marginalCpuUsPerPacket = least-squares slope of sandbox CPU µs/s over forwarded packets/s;
 *   microbench = per-step figures incl. `usPerPacketAtMax`, the total CPU per forwarded packet at the largest step);
 *   SfuBenchOutcome.steps has the raw figures of each step; `notes` says what went wrong, if anything.
 *
 *   benchJanus(options: JanusBenchOptions): Promise<JanusBenchOutcome | null>
 *
 *   - The same measurement against Janus 1.1 from Debian (`apt-get install janus`), the reference the issue asks the SFU
 *     to beat: a VideoRoom with the same synthetic publisher and werift subscribers (in this process; Janus's CPU is
 *     read from /proc). Resolves null, with the reason in `onSkip`, when `janus` is not installed or 127.0.0.2 is not
 *     on `lo` (Janus's only candidate address; see JANUS_ADDRESS). Same options as
 *     benchSfu minus the sandbox ones; `section` has the same fields so both can be tabled side by side.
 *
 * The publisher is a werift client in this (bench) process sending synthetic VP8 RTP (testkit/webrtc/publisher.ts):
 * the SFU does not decode, so the bytes need not be a real picture, and no browser shares the two cores.
 */
import type { z } from 'zod';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JanusSession, janusPublish, janusSubscribe, type JanusPublisher, type JanusSubscriber } from '../clients/janus.js';
import { publish, type Publisher } from '../../testkit/webrtc/publisher.js';
import { Fleet } from '../lib/fleet.js';
import { sandboxIvsClient, participantToken } from '../lib/ivs.js';
import { linearFit } from '../../web/src/measure/percentiles.js';
import { sampleTree, type TreeSample } from '../lib/proc.js';
import type { SfuSectionSchema } from '../lib/schema.js';

export interface SfuBenchOptions {
  readonly sandboxUrl: string;
  /** The sandbox child process (testkit/sandbox.ts): its CPU and RSS are what is measured. */
  readonly sandboxPid: number;
  readonly stageArn: string;
  /** @default [0, 25, 50, 100] */
  readonly steps?: readonly number[];
  /** @default 20 */
  readonly windowSeconds?: number;
  /** @default 5 */
  readonly settleSeconds?: number;
  /** @default 500 */
  readonly bitrateKbps?: number;
  /** @default false */
  readonly audio?: boolean;
  /** @default 1 */
  readonly fleetWorkers?: number;
  /** Subscribers started per second while growing. @default 20 */
  readonly rampPerSec?: number;
  readonly log?: (line: string) => void;
}

export interface SfuStep {
  readonly subscribers: number;
  /** Subscribers receiving media during the window. */
  readonly connected: number;
  readonly windowSeconds: number;
  /** Sandbox process tree CPU, % of one core. */
  readonly cpuPercent: number;
  readonly rssMiB: number;
  /** Packets all subscribers received per second (what the SFU forwarded). */
  readonly forwardedPerSec: number;
  /** Packets the publisher sent per second (what the SFU received). */
  readonly receivedPerSec: number;
  /** Total sandbox CPU per forwarded packet, µs (includes receiving, idle timers, GC); null without subscribers. */
  readonly usPerForwardedPacket: number | null;
  /** Lost packets reported by the fleet during the window. */
  readonly lost: number;
  /**
   * What the server should have sent: publisher packets/s × receiving subscribers. Above `forwardedPerSec` when the
   * subscribers' process could not keep up (werift clients decrypt in JavaScript), which would overstate µs/packet.
   */
  readonly expectedPerSec: number;
}

export type SfuSection = z.infer<typeof SfuSectionSchema>;

export interface SfuBenchOutcome {
  readonly section: SfuSection;
  readonly steps: readonly SfuStep[];
  readonly notes: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchSfu(o: SfuBenchOptions): Promise<SfuBenchOutcome> {
  const steps = [...(o.steps ?? [0, 25, 50, 100])].sort((a, b) => a - b);
  const windowSeconds = o.windowSeconds ?? 20;
  const settleSeconds = o.settleSeconds ?? 5;
  const bitrateKbps = o.bitrateKbps ?? 500;
  const audio = o.audio ?? false;
  const rampPerSec = o.rampPerSec ?? 20;
  const log = o.log ?? (() => undefined);
  const notes: string[] = [];
  const client = sandboxIvsClient(o.sandboxUrl);
  let publisher: Publisher | undefined;
  let fleet: Fleet | undefined;
  try {
    const pub = await participantToken(client, o.stageArn, ['PUBLISH'], 'bench-sfu-publisher');
    publisher = await publish({ whipUrl: `${o.sandboxUrl}/whip/publish/${pub.participantId}`, token: pub.token, bitrateKbps, audio });
    await publisher.connected();
    const p = publisher;
    log(`synthetic publisher ${pub.participantId}: VP8-shaped RTP at ${bitrateKbps} kbit/s${audio ? ' + audio' : ''}`);
    fleet = await Fleet.start({
      workers: o.fleetWorkers ?? 1,
      config: {
        sandboxUrl: o.sandboxUrl,
        stageArn: o.stageArn,
        whepUrl: `${o.sandboxUrl}/whip/subscribe/${pub.participantId}`,
        audio,
        joinTimeoutMs: 20_000,
      },
    });
    const f = fleet;

    const results: SfuStep[] = [];
    for (const target of steps) {
      const more = target - f.size;
      if (more > 0) {
        log(`adding ${more} subscribers (→ ${target})`);
        const s = await f.add(more, (more / rampPerSec) * 1000, 16);
        if (s.failed > 0) notes.push(`${s.failed} subscribers failed to join on the way to ${target}`);
      }
      await sleep(settleSeconds * 1000);
      const before = { fleet: await f.stats(), pub: p.stats(), proc: sampleTree([o.sandboxPid]) };
      await sleep(windowSeconds * 1000);
      const after = { fleet: await f.stats(), pub: p.stats(), proc: sampleTree([o.sandboxPid]) };
      const wall = (after.proc.at - before.proc.at) / 1000;
      const cpuSeconds = Math.max(0, after.proc.cpuSeconds - before.proc.cpuSeconds);
      const forwarded = after.fleet.packets - before.fleet.packets;
      const received = after.pub.videoPackets + after.pub.audioPackets - before.pub.videoPackets - before.pub.audioPackets;
      const step: SfuStep = {
        subscribers: target,
        connected: after.fleet.connected,
        windowSeconds: wall,
        cpuPercent: (cpuSeconds / wall) * 100,
        rssMiB: after.proc.rssKiB / 1024,
        forwardedPerSec: forwarded / wall,
        receivedPerSec: received / wall,
        usPerForwardedPacket: forwarded > 0 ? (cpuSeconds * 1e6) / forwarded : null,
        lost: after.fleet.lost - before.fleet.lost,
        expectedPerSec: (received / wall) * after.fleet.connected,
      };
      results.push(step);
      log(
        `${target} subscribers (${step.connected} connected): CPU ${step.cpuPercent.toFixed(1)} %, RSS ${step.rssMiB.toFixed(0)} MiB, ` +
          `${step.forwardedPerSec.toFixed(0)} packets/s forwarded, ${step.usPerForwardedPacket?.toFixed(1) ?? '-'} µs/packet total`,
      );
    }

    // Marginal cost: slope of CPU time per second over forwarded packets per second (fixed costs drop out).
    const cpuFit = linearFit(results.map((s) => ({ x: s.forwardedPerSec, y: (s.cpuPercent / 100) * 1e6 })));
    const expectedFit = linearFit(results.map((s) => ({ x: s.expectedPerSec, y: (s.cpuPercent / 100) * 1e6 })));
    const perSubCpu = linearFit(results.map((s) => ({ x: s.connected, y: s.cpuPercent })));
    const perSubRss = linearFit(results.map((s) => ({ x: s.connected, y: s.rssMiB })));
    const top = results[results.length - 1];
    const section: SfuSection = {
      cpuPercentPerSubscriber: perSubCpu?.slope ?? null,
      rssMiBPerSubscriber: perSubRss?.slope ?? null,
      marginalCpuUsPerPacket: cpuFit?.slope ?? null,
      microbench: {
        source: 'bench/parts/sfu.ts (synthetic werift publisher, non-decoding fleet)',
        bitrateKbps,
        audio,
        usPerPacketAtMax: top?.usPerForwardedPacket ?? null,
        marginalCpuUsPerExpectedPacket: expectedFit?.slope ?? null,
        deliveredRatioAtMax: top && top.expectedPerSec > 0 ? top.forwardedPerSec / top.expectedPerSec : null,
        subscribersAtMax: top?.connected ?? 0,
        cpuPercentAtMax: top?.cpuPercent ?? null,
        idleCpuPercent: results[0]?.cpuPercent ?? null,
        steps: results,
      },
    };
    return { section, steps: results, notes };
  } finally {
    await fleet?.stop().catch(() => undefined);
    await publisher?.close().catch(() => undefined);
    client.destroy();
  }
}

export interface JanusBenchOptions {
  /** @default [0, 25, 50, 100] */
  readonly steps?: readonly number[];
  /** @default 20 */
  readonly windowSeconds?: number;
  /** @default 5 */
  readonly settleSeconds?: number;
  /** @default 500 */
  readonly bitrateKbps?: number;
  /** HTTP API port for the Janus started here. @default 18088 */
  readonly port?: number;
  readonly log?: (line: string) => void;
  /** Told why Janus was not measured (not installed, 127.0.0.2 not on lo). */
  readonly onSkip?: (reason: string) => void;
}

export interface JanusBenchOutcome {
  readonly section: SfuSection;
  readonly steps: readonly SfuStep[];
  readonly notes: readonly string[];
}

const JANUS_CONFIG_DIR = '/etc/janus';
const JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

/**
 * Janus's one ICE address. libnice skips 127.0.0.1 when gathering, but a second loopback address named in
 * `ice_enforce_list` is gathered, so Janus stays on loopback and never offers a LAN address of this machine
 * (as root, once: `ip addr add 127.0.0.2/8 dev lo`).
 */
const JANUS_ADDRESS = '127.0.0.2';

/** A Janus configuration in a temporary folder: HTTP transport on `port` only, VideoRoom only, candidates on `address`. */
function janusConfig(port: number, address: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-janus-'));
  for (const f of ['janus.jcfg', 'janus.transport.http.jcfg', 'janus.plugin.videoroom.jcfg']) {
    copyFileSync(join(JANUS_CONFIG_DIR, f), join(dir, f));
  }
  const others = (sub: string, keep: string) =>
    readdirSync(join(JANUS_LIB_DIR, sub))
      .filter((f) => f.endsWith('.so') && !f.includes(keep))
      .join(',');
  const main = readFileSync(join(dir, 'janus.jcfg'), 'utf8')
    .replace(/configs_folder = "[^"]*"/, `configs_folder = "${dir}"`)
    .replace(/^\s*#ice_enforce_list = "eth0"\s*$/m, `\tice_enforce_list = "${address}"`)
    .replace(/^plugins: \{/m, `plugins: {\n\tdisable = "${others('plugins', 'videoroom')}"`)
    .replace(/^transports: \{/m, `transports: {\n\tdisable = "${others('transports', 'http')}"`);
  writeFileSync(join(dir, 'janus.jcfg'), main);
  const http = readFileSync(join(dir, 'janus.transport.http.jcfg'), 'utf8').replace(/\bport = 8088/, `port = ${port}`);
  writeFileSync(join(dir, 'janus.transport.http.jcfg'), http);
  return dir;
}

export async function benchJanus(o: JanusBenchOptions = {}): Promise<JanusBenchOutcome | null> {
  const skip = (reason: string) => {
    o.onSkip?.(reason);
    return null;
  };
  if (spawnSync('janus', ['--version'], { stdio: 'ignore' }).error) return skip('janus is not installed (apt-get install janus)');
  const address = JANUS_ADDRESS;
  const onLoopback = (networkInterfaces()['lo'] ?? []).some((i) => i.family === 'IPv4' && i.address === address);
  if (!onLoopback) return skip(`${address} is not on lo, and Janus must stay on loopback: as root, ip addr add ${address}/8 dev lo`);
  const steps = [...(o.steps ?? [0, 25, 50, 100])].sort((a, b) => a - b);
  const windowSeconds = o.windowSeconds ?? 20;
  const settleSeconds = o.settleSeconds ?? 5;
  const bitrateKbps = o.bitrateKbps ?? 500;
  const port = o.port ?? 18088;
  const log = o.log ?? (() => undefined);
  const notes: string[] = [];
  const dir = janusConfig(port, address);
  const janus = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-d', '2'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => janus.once('exit', () => resolve()));
  let session: JanusSession | undefined;
  let publisher: JanusPublisher | undefined;
  const subs: JanusSubscriber[] = [];
  try {
    const pid = janus.pid;
    if (pid === undefined) throw new Error('janus did not start');
    const base = `http://127.0.0.1:${port}/janus`;
    for (let i = 0; ; i++) {
      try {
        session = await JanusSession.create(base);
        break;
      } catch (error) {
        if (i >= 50) throw error;
        await sleep(200);
      }
    }
    const room = 4242;
    publisher = await janusPublish(session, room, bitrateKbps);
    log(`Janus ${address}:${port}: VideoRoom publisher ${publisher.feedId}, VP8-shaped RTP at ${bitrateKbps} kbit/s`);
    const results: SfuStep[] = [];
    for (const target of steps) {
      while (subs.length < target) subs.push(await janusSubscribe(session, room, publisher.feedId));
      await sleep(settleSeconds * 1000);
      const packets = () => subs.reduce((n, s) => n + s.packets(), 0);
      const before: { packets: number; sent: number; proc: TreeSample } = { packets: packets(), sent: publisher.packetsSent(), proc: sampleTree([pid]) };
      await sleep(windowSeconds * 1000);
      const after = { packets: packets(), sent: publisher.packetsSent(), proc: sampleTree([pid]) };
      const wall = (after.proc.at - before.proc.at) / 1000;
      const cpuSeconds = Math.max(0, after.proc.cpuSeconds - before.proc.cpuSeconds);
      const forwarded = after.packets - before.packets;
      const step: SfuStep = {
        subscribers: target,
        connected: subs.filter((s) => s.packets() > 0).length,
        windowSeconds: wall,
        cpuPercent: (cpuSeconds / wall) * 100,
        rssMiB: after.proc.rssKiB / 1024,
        forwardedPerSec: forwarded / wall,
        receivedPerSec: (after.sent - before.sent) / wall,
        usPerForwardedPacket: forwarded > 0 ? (cpuSeconds * 1e6) / forwarded : null,
        lost: 0,
        expectedPerSec: ((after.sent - before.sent) / wall) * subs.filter((x) => x.packets() > 0).length,
      };
      results.push(step);
      log(
        `Janus, ${target} subscribers (${step.connected} receiving): CPU ${step.cpuPercent.toFixed(1)} %, RSS ${step.rssMiB.toFixed(0)} MiB, ` +
          `${step.forwardedPerSec.toFixed(0)} packets/s, ${step.usPerForwardedPacket?.toFixed(1) ?? '-'} µs/packet total`,
      );
    }
    const cpuFit = linearFit(results.map((s) => ({ x: s.forwardedPerSec, y: (s.cpuPercent / 100) * 1e6 })));
    const expectedFit = linearFit(results.map((s) => ({ x: s.expectedPerSec, y: (s.cpuPercent / 100) * 1e6 })));
    const perSubCpu = linearFit(results.map((s) => ({ x: s.connected, y: s.cpuPercent })));
    const perSubRss = linearFit(results.map((s) => ({ x: s.connected, y: s.rssMiB })));
    const top = results[results.length - 1];
    return {
      section: {
        cpuPercentPerSubscriber: perSubCpu?.slope ?? null,
        rssMiBPerSubscriber: perSubRss?.slope ?? null,
        marginalCpuUsPerPacket: cpuFit?.slope ?? null,
        microbench: {
          source: 'bench/parts/sfu.ts benchJanus (Janus 1.1 VideoRoom, synthetic werift publisher, werift subscribers)',
          bitrateKbps,
          usPerPacketAtMax: top?.usPerForwardedPacket ?? null,
          marginalCpuUsPerExpectedPacket: expectedFit?.slope ?? null,
          deliveredRatioAtMax: top && top.expectedPerSec > 0 ? top.forwardedPerSec / top.expectedPerSec : null,
          subscribersAtMax: top?.connected ?? 0,
          cpuPercentAtMax: top?.cpuPercent ?? null,
          idleCpuPercent: results[0]?.cpuPercent ?? null,
          steps: results,
        },
      },
      steps: results,
      notes,
    };
  } finally {
    for (const s of subs) await s.close().catch(() => undefined);
    await publisher?.close().catch(() => undefined);
    await session?.destroy().catch(() => undefined);
    janus.kill('SIGTERM');
    const killer = setTimeout(() => janus.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    rmSync(dir, { recursive: true, force: true });
  }
}
