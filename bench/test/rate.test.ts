import { describe, expect, it } from '@jest/globals';
import { TokenBucket, parseDuration, ramp, type Clock } from '../lib/rate.js';

/** A clock whose sleep advances time instantly, so schedules are checked without waiting. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += Math.max(0, ms);
    },
  };
  return c;
}

describe('TokenBucket', () => {
  it('releases tokens at the rate and caps savings at capacity', () => {
    const b = new TokenBucket(10, 3, 0); // 10/s, starts with 1
    expect(b.tryTake(0)).toBe(true);
    expect(b.tryTake(0)).toBe(false);
    expect(b.waitMs(0)).toBeCloseTo(100, 6);
    expect(b.tryTake(100)).toBe(true);
    // After a long pause only `capacity` tokens are available.
    let taken = 0;
    while (b.tryTake(10_000)) taken++;
    expect(taken).toBe(3);
  });

  it('rejects a non-positive rate or capacity', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});

describe('ramp', () => {
  it('spreads N starts evenly over the duration', async () => {
    const clock = fakeClock();
    const out = await ramp({ total: 5, durationMs: 1000, clock }, async (i) => i * 2);
    expect(out.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const starts = out.map((o) => (o.status === 'ok' ? o.startedAt : -1));
    starts.forEach((s, i) => expect(s).toBeCloseTo(i * 250, 6));
    expect(out.map((o) => (o.status === 'ok' ? o.value : null))).toEqual([0, 2, 4, 6, 8]);
  });

  it('bounds tasks in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const p = ramp({ total: 10, durationMs: 0, maxInFlight: 3 }, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => release.push(r));
      inFlight--;
    });
    // Let the loop fill up, then release tasks one at a time.
    for (let k = 0; k < 10; k++) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    while (release.length > 0 || inFlight > 0) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    const out = await p;
    expect(peak).toBe(3);
    expect(out.filter((o) => o.status === 'ok')).toHaveLength(10);
  });

  it('reports failures without rejecting, and tasks past the deadline as not started', async () => {
    const clock = fakeClock();
    const out = await ramp({ total: 6, durationMs: 500, deadlineMs: 250, clock }, async (i) => {
      if (i === 1) throw new Error('boom');
      return i;
    });
    expect(out.map((o) => o.status)).toEqual(['ok', 'error', 'ok', 'not-started', 'not-started', 'not-started']);
    const failed = out[1];
    expect(failed?.status === 'error' && (failed.error as Error).message).toBe('boom');
  });

  it('stops starting on abort', async () => {
    const ac = new AbortController();
    const clock = fakeClock();
    const out = await ramp({ total: 4, durationMs: 300, clock, signal: ac.signal }, async (i) => {
      if (i === 1) ac.abort();
      return i;
    });
    expect(out.filter((o) => o.status === 'ok').length).toBe(2);
    expect(out[3]?.status).toBe('not-started');
  });

  it('does nothing for zero tasks', async () => {
    expect(await ramp({ total: 0, durationMs: 1000 }, async () => 1)).toEqual([]);
  });
});

describe('parseDuration', () => {
  it('reads seconds, minutes and milliseconds', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30')).toBe(30_000);
  });
  it('rejects nonsense', () => {
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(() => parseDuration('-5s')).toThrow(RangeError);
  });
});
