/**
 * Parent side of the subscriber fleet: one or more worker processes (bench/fleet-worker.ts) that hold the
 * non-decoding subscribers, so their CPU is measured apart from the SFU's. Every request has a timeout, and stop()
 * always ends the workers (SIGKILL as a last resort), so a run never leaves one behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FromWorker, type FleetConfig, type FleetStats, type ToWorker } from './fleet-protocol.js';
import type { LoadSubscriber } from './schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, '..', 'fleet-worker.ts');

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

class Worker {
  private waiters: { type: FromWorker['type']; resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private exited = false;
  clientName = 'unknown';
  private readonly exitPromise: Promise<void>;
  onProgress: ((s: FleetStats) => void) | null = null;
  lastStats: FleetStats = { connected: 0, failed: 0, pending: 0, packets: 0, lost: 0 };

  constructor(readonly child: ChildProcess) {
    let tail = '';
    child.stderr?.on('data', (c: Buffer) => {
      tail = (tail + c.toString('utf8')).slice(-4000);
    });
    child.on('message', (raw) => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'progress' || m.type === 'stats' || m.type === 'added') {
        this.lastStats = m.stats;
        this.onProgress?.(m.stats);
      }
      if (m.type === 'fatal') {
        for (const w of this.waiters.splice(0)) w.reject(new Error(`fleet worker: ${m.message}`));
        return;
      }
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(m);
    });
    this.exitPromise = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exited = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error(`fleet worker exited (${code}): ${tail}`));
        resolve();
      }),
    );
  }

  request<T extends FromWorker['type']>(msg: ToWorker, replyType: T, timeoutMs: number): Promise<Reply<T>> {
    if (this.exited) return Promise.reject(new Error('fleet worker is not running'));
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`fleet worker did not answer ${msg.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: FromWorker): void => {
        clearTimeout(timer);
        resolve(m as Reply<T>);
      };
      this.waiters.push({
        type: replyType,
        resolve: done,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send(msg);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request({ type: 'stop' }, 'stopped', 30_000);
    } catch {
      /* fall through to the kill */
    }
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exitPromise;
    clearTimeout(killer);
  }
}

export interface FleetOptions {
  readonly workers: number;
  readonly config: Omit<FleetConfig, 'indexBase'>;
  /** Called with the summed stats whenever a worker reports progress. */
  readonly onProgress?: (s: FleetStats) => void;
}

export class Fleet {
  private added = 0;
  private readonly t0 = performance.now();

  private constructor(
    private readonly workers: Worker[],
    readonly clientName: string,
  ) {}

  static async start(options: FleetOptions): Promise<Fleet> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < Math.max(1, options.workers); i++) {
        const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
        const w = new Worker(child);
        workers.push(w);
        const ready = await w.request({ type: 'config', config: { ...options.config, indexBase: i * 1_000_000 } }, 'ready', 60_000);
        w.clientName = ready.client;
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.stop()));
      throw error;
    }
    const fleet = new Fleet(workers, workers[0]?.clientName ?? 'unknown');
    if (options.onProgress) {
      const cb = options.onProgress;
      for (const w of workers) w.onProgress = () => cb(fleet.lastStats());
    }
    return fleet;
  }

  pids(): number[] {
    return this.workers.map((w) => w.child.pid).filter((p): p is number => typeof p === 'number');
  }

  private lastStats(): FleetStats {
    return sumStats(this.workers.map((w) => w.lastStats));
  }

  /**
   * Adds `count` subscribers spread over the workers, each worker ramping its share over `rampMs`; resolves when each
   * has settled (receiving media, or failed after the join timeout).
   */
  async add(count: number, rampMs: number, maxInFlight: number): Promise<FleetStats> {
    const n = this.workers.length;
    const runOffsetMs = performance.now() - this.t0;
    const shares = this.workers.map((_, i) => Math.floor(count / n) + (i < count % n ? 1 : 0));
    const replies = await Promise.all(
      this.workers.map((w, i) =>
        w.request(
          { type: 'add', count: shares[i] as number, rampMs, maxInFlight: Math.max(1, Math.ceil(maxInFlight / n)), runOffsetMs },
          'added',
          rampMs + 180_000,
        ),
      ),
    );
    this.added += count;
    return sumStats(replies.map((r) => r.stats));
  }

  get size(): number {
    return this.added;
  }

  async stats(): Promise<FleetStats> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'stats' }, 'stats', 15_000)));
    return sumStats(replies.map((r) => r.stats));
  }

  async report(): Promise<LoadSubscriber[]> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'report' }, 'report', 30_000)));
    return replies.flatMap((r) => r.subscribers);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

function sumStats(list: readonly FleetStats[]): FleetStats {
  return list.reduce(
    (a, s) => ({
      connected: a.connected + s.connected,
      failed: a.failed + s.failed,
      pending: a.pending + s.pending,
      packets: a.packets + s.packets,
      lost: a.lost + s.lost,
    }),
    { connected: 0, failed: 0, pending: 0, packets: 0, lost: 0 },
  );
}
