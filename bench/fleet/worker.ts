/**
 * One fleet task's work: mint subscribe-only tokens with the fleet's key, ramp the plan's subscribers onto the
 * stage, hold, leave, and report. The same code runs in a Fargate task and as a local process against the sandbox;
 * only the outputs (./outputs.ts) and where the key comes from differ. Tokens live in memory only: never logged,
 * never written.
 */
import { createSelfSignedMinter } from '../../lambda/token/minting.js';
import { participantPrefix } from '../../lib/fleet/contract.js';
import { ramp } from '../lib/rate.js';
import type { LoadSubscriber } from '../lib/schema.js';
import type { SubscribeOptions, SubscriberHandle } from './media.js';
import type { WorkerOutputs } from './outputs.js';
import type { FleetRunPlan, TaskProgress, TaskResults } from './protocol.js';

export interface WorkerDeps {
  readonly plan: FleetRunPlan;
  readonly taskId: string;
  readonly outputs: WorkerOutputs;
  readonly publicKeyArn: string;
  readonly loadPrivateKeyPem: () => Promise<string>;
  readonly join: (o: SubscribeOptions) => Promise<SubscriberHandle>;
  /** Aborted when the task is told to stop (SIGTERM from StopTask): leave at once, report what there is. */
  readonly stop: AbortSignal;
  readonly log: (line: string) => void;
}

interface Entry {
  readonly index: number;
  readonly startedAtMs: number;
  handle: SubscriberHandle | null;
  error: string | null;
  settled: boolean;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function progressOf(plan: FleetRunPlan, taskId: string, entries: readonly Entry[]): TaskProgress {
  const p: TaskProgress = { runId: plan.runId, taskId, joined: 0, failed: 0, pending: 0, packets: 0, lost: 0 };
  for (const e of entries) {
    if (e.handle) {
      p.packets += e.handle.packets();
      p.lost += e.handle.lost();
      if (e.handle.broken()) p.failed++;
      else p.joined++;
    } else if (e.settled) p.failed++;
    else p.pending++;
  }
  return p;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Waits `ms` or until `signal` aborts, whichever comes first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runWorker(d: WorkerDeps): Promise<TaskResults> {
  const { plan, taskId } = d;
  const startedAt = new Date();
  const t0 = performance.now();
  const cpu0 = cpuSeconds();
  const minter = createSelfSignedMinter({
    stageArn: plan.stageArn,
    publicKeyArn: d.publicKeyArn,
    loadPrivateKeyPem: d.loadPrivateKeyPem,
    endpoints: async () => ({ whipUrl: plan.whipUrl, eventsUrl: plan.eventsUrl }),
    now: Date.now,
  });
  const entries: Entry[] = [];
  const report = (): Promise<void> => d.outputs.progress(progressOf(plan, taskId, entries)).catch((e: unknown) => d.log(`progress not sent: ${errorText(e)}`));
  const ticker = setInterval(() => void report(), plan.progressEveryMs);
  const prefix = `${participantPrefix(plan.runId)}${taskId.slice(0, 12)}-`;
  d.log(`task ${taskId}: ${plan.viewers} subscribers over ${plan.rampMs} ms, hold ${plan.holdMs} ms`);
  try {
    await ramp({ total: plan.viewers, durationMs: plan.rampMs, maxInFlight: plan.maxInFlight }, async (i) => {
      if (d.stop.aborted) return;
      const startedAtMs = performance.now() - t0;
      const entry: Entry = { index: i, startedAtMs, handle: null, error: null, settled: false };
      entries.push(entry);
      try {
        const minted = await minter.mint({
          role: 'viewer',
          userId: `${prefix}${i}`,
          capabilities: ['SUBSCRIBE'],
          attributes: {},
          durationMinutes: plan.tokenMinutes,
        });
        const handle = await d.join({ whepUrl: plan.subscribeUrl, token: minted.token, audio: plan.audio, timeoutMs: plan.joinTimeoutMs });
        // Stopped while this one joined: it leaves with the rest below.
        entry.handle = handle;
      } catch (error) {
        entry.error = errorText(error);
      } finally {
        entry.settled = true;
      }
    });
    await report();
    const holdCpu0 = cpuSeconds();
    const holdPackets0 = progressOf(plan, taskId, entries).packets;
    await pause(plan.holdMs, d.stop);
    const holdCpuSeconds = cpuSeconds() - holdCpu0;
    const holdPackets = progressOf(plan, taskId, entries).packets - holdPackets0;
    const final = progressOf(plan, taskId, entries);
    const subscribers: LoadSubscriber[] = entries.map((e) => ({
      index: e.index,
      ok: e.handle !== null && !e.handle.broken(),
      startedAtMs: e.startedAtMs,
      joinMs: e.handle?.joinMs ?? null,
      firstPacketMs: e.handle?.firstPacketMs ?? null,
      packets: e.handle?.packets() ?? 0,
      lost: e.handle?.lost() ?? 0,
      error: e.handle?.broken() ? 'transport failed after joining' : e.error,
    }));
    // Subscribers never started because of a stop count as not joined, so the file always covers the whole plan.
    for (let i = entries.length; i < plan.viewers; i++) {
      subscribers.push({ index: i, ok: false, startedAtMs: performance.now() - t0, joinMs: null, firstPacketMs: null, packets: 0, lost: 0, error: 'not started: the task was stopped' });
    }
    await report();
    await leave(entries);
    const results: TaskResults = {
      schemaVersion: 1,
      runId: plan.runId,
      taskId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      requested: plan.viewers,
      stoppedEarly: d.stop.aborted,
      cpuSeconds: cpuSeconds() - cpu0,
      holdCpuSeconds,
      holdPackets,
      subscribers,
    };
    await d.outputs.results(results);
    d.log(`task ${taskId}: ${final.joined} joined, ${final.failed} failed, results written`);
    return results;
  } finally {
    clearInterval(ticker);
    await leave(entries);
  }
}

/** DELETE every session, 50 at a time (hundreds at once would only queue in the server). Idempotent. */
async function leave(entries: Entry[]): Promise<void> {
  const handles = entries.map((e) => e.handle).filter((h): h is SubscriberHandle => h !== null);
  for (const e of entries) e.handle = e.handle ? closedView(e.handle) : null;
  for (let i = 0; i < handles.length; i += 50) await Promise.all(handles.slice(i, i + 50).map((h) => h.close().catch(() => undefined)));
}

/** A closed subscriber keeps its figures for the report; closing it again does nothing. */
function closedView(h: SubscriberHandle): SubscriberHandle {
  const packets = h.packets();
  const lost = h.lost();
  const broken = h.broken();
  return { joinMs: h.joinMs, firstPacketMs: h.firstPacketMs, packets: () => packets, lost: () => lost, broken: () => broken, close: async () => undefined };
}
