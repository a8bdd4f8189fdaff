/**
 * SFU cost: CPU per forwarded packet and per subscriber, RSS per subscriber.
 *
 * Exported API (for bench/run.ts):
 *
 *   benchSfu(options: SfuBenchOptions): Promise<SfuBenchOutcome>
 *
 *   - options.sandboxUrl / sandboxPid: a sandbox already started with bench/lib/sandbox.ts (its child process is what
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
 * The publisher is a werift client in this (bench) process sending synthetic VP8 RTP (bench/clients/whip-publisher.ts):
 * the SFU does not decode, so the bytes need not be a real picture, and no browser shares the two cores.
 */
import type { z } from 'zod';
import { publish, type Publisher } from '../clients/whip-publisher.js';
import { Fleet } from '../lib/fleet.js';
import { sandboxIvsClient, participantToken } from '../lib/ivs.js';
import { linearFit } from '../lib/percentiles.js';
import { sampleTree } from '../lib/proc.js';
import type { SfuSectionSchema } from '../lib/schema.js';

export interface SfuBenchOptions {
  readonly sandboxUrl: string;
  /** The sandbox child process (bench/lib/sandbox.ts): its CPU and RSS are what is measured. */
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
    publisher = await publish({ whipUrl: `${o.sandboxUrl}/whip`, token: pub.token, bitrateKbps, audio });
    await publisher.connected();
    const p = publisher;
    log(`synthetic publisher ${pub.participantId}: VP8-shaped RTP at ${bitrateKbps} kbit/s${audio ? ' + audio' : ''}`);
    fleet = await Fleet.start({
      workers: o.fleetWorkers ?? 1,
      config: {
        sandboxUrl: o.sandboxUrl,
        stageArn: o.stageArn,
        whepUrl: `${o.sandboxUrl}/whep/${pub.participantId}`,
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
      };
      results.push(step);
      log(
        `${target} subscribers (${step.connected} connected): CPU ${step.cpuPercent.toFixed(1)} %, RSS ${step.rssMiB.toFixed(0)} MiB, ` +
          `${step.forwardedPerSec.toFixed(0)} packets/s forwarded, ${step.usPerForwardedPacket?.toFixed(1) ?? '-'} µs/packet total`,
      );
    }

    // Marginal cost: slope of CPU time per second over forwarded packets per second (fixed costs drop out).
    const cpuFit = linearFit(results.map((s) => ({ x: s.forwardedPerSec, y: (s.cpuPercent / 100) * 1e6 })));
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
