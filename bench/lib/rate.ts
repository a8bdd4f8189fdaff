/**
 * Rate control for ramps ("start N subscribers over 60 s"): a token bucket decides when the next start may happen, and a
 * concurrency bound keeps the number of starts still in progress (e.g. ICE/DTLS handshakes) from piling up when the
 * target is slower than the ramp. The clock is injectable so the schedule is testable without waiting.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Classic token bucket: `ratePerSec` tokens arrive per second, at most `capacity` are stored. Starts full of
 * `initial` tokens (default 1, so the first start is immediate and the rest follow the rate).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSec: number,
    readonly capacity: number,
    now: number,
    initial = 1,
  ) {
    if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) throw new RangeError(`rate must be positive, got ${ratePerSec}`);
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.tokens = Math.min(capacity, Math.max(0, initial));
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
      this.last = now;
    }
  }

  /** Takes one token if there is one. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until one token is available (0 if one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.ratePerSec;
  }
}

export interface RampOptions {
  /** How many tasks to start. */
  readonly total: number;
  /** Spread the starts evenly over this long (0 = as fast as maxInFlight allows). */
  readonly durationMs: number;
  /** Most tasks still starting at once. Default: unbounded (Infinity). */
  readonly maxInFlight?: number;
  /** Tokens the bucket may save up when starts fall behind (catch-up burst). Default 1: no catch-up bursts. */
  readonly burst?: number;
  /** Stop starting new tasks after this long; the rest are reported as not started. Default: unbounded. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

export type RampOutcome<T> =
  | { readonly index: number; readonly status: 'ok'; readonly startedAt: number; readonly endedAt: number; readonly value: T }
  | { readonly index: number; readonly status: 'error'; readonly startedAt: number; readonly endedAt: number; readonly error: unknown }
  | { readonly index: number; readonly status: 'not-started' };

/** Starts `total` tasks at the ramp's rate and resolves once every started task has settled. Never rejects. */
export async function ramp<T>(options: RampOptions, task: (index: number) => Promise<T>): Promise<RampOutcome<T>[]> {
  const clock = options.clock ?? realClock;
  const total = Math.max(0, Math.floor(options.total));
  const maxInFlight = options.maxInFlight ?? Infinity;
  if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be at least 1, got ${maxInFlight}`);
  const t0 = clock.now();
  const outcomes: RampOutcome<T>[] = new Array(total);
  // durationMs covers the gaps between starts: N starts over D ms means one every D/(N-1) ms.
  const ratePerSec = options.durationMs > 0 && total > 1 ? ((total - 1) * 1000) / options.durationMs : Infinity;
  const bucket = Number.isFinite(ratePerSec) ? new TokenBucket(ratePerSec, options.burst ?? 1, t0) : null;
  let inFlight = 0;
  const settled: Promise<void>[] = [];
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  let next = 0;
  while (next < total) {
    if (options.signal?.aborted) break;
    if (options.deadlineMs !== undefined && clock.now() - t0 >= options.deadlineMs) break;
    if (inFlight >= maxInFlight) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    if (bucket && !bucket.tryTake(clock.now())) {
      await clock.sleep(bucket.waitMs(clock.now()));
      continue;
    }
    const index = next++;
    const startedAt = clock.now() - t0;
    inFlight++;
    settled.push(
      Promise.resolve()
        .then(() => task(index))
        .then(
          (value) => {
            outcomes[index] = { index, status: 'ok', startedAt, endedAt: clock.now() - t0, value };
          },
          (error: unknown) => {
            outcomes[index] = { index, status: 'error', startedAt, endedAt: clock.now() - t0, error };
          },
        )
        .finally(() => {
          inFlight--;
          notify();
        }),
    );
  }
  await Promise.all(settled);
  for (let i = 0; i < total; i++) outcomes[i] ??= { index: i, status: 'not-started' };
  return outcomes;
}

/** Parses "60s", "1.5m", "500ms" or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`not a duration: "${text}" (use e.g. 60s, 1.5m, 500ms)`);
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
}
