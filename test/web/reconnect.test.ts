import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BackoffReconnectPolicy,
  DEFAULT_MAX_ELAPSED_MS,
  DEFAULT_RETRY_DELAYS_MS,
  NO_RECONNECT,
} from '../../web/src/stage/reconnect.js';
import { StageError } from '../../web/src/stage/errors.js';

const lost = StageError.networkLost('socket closed');
const mid = (): number => 0.5; // random() = 0.5 means no jitter

describe('BackoffReconnectPolicy', () => {
  it('follows the default schedule without jitter, repeating the last delay', () => {
    const policy = new BackoffReconnectPolicy({ random: mid });
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => policy.nextRetryDelayInMs({ attempt, elapsedMs: 0, error: lost }));
    expect(delays).toEqual([...DEFAULT_RETRY_DELAYS_MS, 8_000, 8_000]);
  });

  it('uses a custom schedule', () => {
    const policy = new BackoffReconnectPolicy({ delaysMs: [10, 20], random: mid });
    expect([1, 2, 3].map((attempt) => policy.nextRetryDelayInMs({ attempt, elapsedMs: 0, error: lost }))).toEqual([10, 20, 20]);
  });

  it('spreads delays by at most ±jitterRatio, reaching both bounds', () => {
    const low = new BackoffReconnectPolicy({ delaysMs: [1_000], jitterRatio: 0.2, random: () => 0 });
    const high = new BackoffReconnectPolicy({ delaysMs: [1_000], jitterRatio: 0.2, random: () => 0.999_999 });
    expect(low.nextRetryDelayInMs({ attempt: 1, elapsedMs: 0, error: lost })).toBe(800);
    expect(high.nextRetryDelayInMs({ attempt: 1, elapsedMs: 0, error: lost })).toBe(1_200);
  });

  it('keeps every jittered delay within bounds, never negative (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (delaysMs, jitterRatio, r, attempt) => {
          const policy = new BackoffReconnectPolicy({ delaysMs, jitterRatio, random: () => r, maxElapsedMs: Infinity });
          const base = delaysMs[Math.min(attempt, delaysMs.length) - 1] ?? 0;
          const delay = policy.nextRetryDelayInMs({ attempt, elapsedMs: 0, error: lost });
          expect(delay).not.toBeNull();
          expect(delay).toBeGreaterThanOrEqual(Math.max(0, Math.floor(base * (1 - jitterRatio))));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + jitterRatio)));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('gives up once the next wait would pass the time budget', () => {
    const policy = new BackoffReconnectPolicy({ delaysMs: [1_000], maxElapsedMs: 10_000, random: mid });
    expect(policy.nextRetryDelayInMs({ attempt: 3, elapsedMs: 9_000, error: lost })).toBe(1_000);
    expect(policy.nextRetryDelayInMs({ attempt: 3, elapsedMs: 9_001, error: lost })).toBeNull();
    const byDefault = new BackoffReconnectPolicy({ random: mid });
    expect(byDefault.nextRetryDelayInMs({ attempt: 9, elapsedMs: DEFAULT_MAX_ELAPSED_MS - 8_000, error: lost })).toBe(8_000);
    expect(byDefault.nextRetryDelayInMs({ attempt: 9, elapsedMs: DEFAULT_MAX_ELAPSED_MS, error: lost })).toBeNull();
  });

  it('gives up after maxAttempts attempts', () => {
    const policy = new BackoffReconnectPolicy({ delaysMs: [1_000, 2_000, 3_000], maxAttempts: 3, jitterRatio: 0 });
    const delays = [1, 2, 3, 4].map((attempt) => policy.nextRetryDelayInMs({ attempt, elapsedMs: 0, error: lost }));
    expect(delays).toEqual([1_000, 2_000, 3_000, null]);
  });

  it('retries only retryable errors: never an expired token, a full stage or a kick', () => {
    const policy = new BackoffReconnectPolicy({ random: mid });
    expect(policy.nextRetryDelayInMs({ attempt: 2, elapsedMs: 0, error: StageError.tokenInUse() })).toBe(500);
    for (const error of [
      StageError.tokenExpired(new Date(0)),
      StageError.stageFull(),
      StageError.disconnectedByServer('kicked'),
      StageError.tokenRejected('bad signature'),
      StageError.unknown(new Error('x')),
    ]) {
      expect(policy.nextRetryDelayInMs({ attempt: 1, elapsedMs: 0, error })).toBeNull();
    }
  });

  it('refuses attempt numbers below 1 and an empty schedule', () => {
    const policy = new BackoffReconnectPolicy({ random: mid });
    expect(policy.nextRetryDelayInMs({ attempt: 0, elapsedMs: 0, error: lost })).toBeNull();
    expect(() => new BackoffReconnectPolicy({ delaysMs: [] })).toThrow(/must not be empty/);
  });

  it('NO_RECONNECT never retries', () => {
    expect(NO_RECONNECT.nextRetryDelayInMs({ attempt: 1, elapsedMs: 0, error: lost })).toBeNull();
  });
});
