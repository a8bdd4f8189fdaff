/** Reconnect as a policy object: the driver asks it how long to wait before each attempt, `null` meaning give up. */
import type { StageError } from './errors.js';

export interface ReconnectContext {
  /** 1 for the first retry after the connection was lost. */
  readonly attempt: number;
  /** Since the connection was lost. */
  readonly elapsedMs: number;
  /** What ended the connection or failed the previous attempt. */
  readonly error: StageError;
}

export interface ReconnectPolicy {
  nextRetryDelayInMs(context: ReconnectContext): number | null;
}

export interface BackoffOptions {
  /** Delay before attempt n is delaysMs[n-1]; attempts past the end reuse the last value. */
  readonly delaysMs?: readonly number[];
  /** Give up once this much time has passed since the loss. */
  readonly maxElapsedMs?: number;
  /** Give up after this many attempts (unlimited by default: the time budget ends it). */
  readonly maxAttempts?: number;
  /** Spread each delay by up to ±ratio, so many viewers cut off together do not retry in lockstep. */
  readonly jitterRatio?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export const DEFAULT_RETRY_DELAYS_MS = [0, 500, 1_000, 2_000, 4_000, 8_000] as const;
export const DEFAULT_MAX_ELAPSED_MS = 60_000;

/** Exponential backoff, retrying only errors that are `retryable` (a lost network, never an expired token). */
export class BackoffReconnectPolicy implements ReconnectPolicy {
  private readonly delaysMs: readonly number[];
  private readonly maxElapsedMs: number;
  private readonly maxAttempts: number;
  private readonly jitterRatio: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.delaysMs = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    if (this.delaysMs.length === 0) throw new Error('delaysMs must not be empty');
    this.maxElapsedMs = options.maxElapsedMs ?? DEFAULT_MAX_ELAPSED_MS;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.jitterRatio = options.jitterRatio ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  nextRetryDelayInMs(context: ReconnectContext): number | null {
    if (!context.error.retryable) return null;
    if (context.attempt < 1 || context.attempt > this.maxAttempts) return null;
    const base = this.delaysMs[Math.min(context.attempt, this.delaysMs.length) - 1] ?? 0;
    const jitter = base * this.jitterRatio * (this.random() * 2 - 1);
    const delay = Math.max(0, Math.round(base + jitter));
    if (context.elapsedMs + delay > this.maxElapsedMs) return null;
    return delay;
  }
}

/** Never reconnect (tests, and callers who want to handle losses themselves). */
export const NO_RECONNECT: ReconnectPolicy = { nextRetryDelayInMs: () => null };
