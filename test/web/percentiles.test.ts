import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { histogram, linearFit, niceStep, percentile, percentileSorted, summarize } from '../../web/src/measure/percentiles.js';

describe('percentile', () => {
  it('interpolates between closest ranks (R-7)', () => {
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 10);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });

  it('matches a hand-computed p99 over 1..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    // rank = 0.99 * 99 = 98.01 -> 99 + 0.01 * (100 - 99)
    expect(percentile(values, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(values, 50)).toBeCloseTo(50.5, 10);
  });

  it('ignores non-finite values and is null for none', () => {
    expect(percentile([Number.NaN, 5, Infinity], 50)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });

  it('rejects a percentile outside 0..100', () => {
    expect(() => percentileSorted([1], 101)).toThrow(RangeError);
    expect(() => percentileSorted([1], -1)).toThrow(RangeError);
  });

  it('is monotonic in p and bounded by min and max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (xs, p, q) => {
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        const a = percentile(xs, lo) as number;
        const b = percentile(xs, hi) as number;
        expect(a).toBeLessThanOrEqual(b + 1e-9);
        expect(a).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
        expect(b).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
      }),
    );
  });
});

describe('summarize', () => {
  it('gives count, extremes, mean and percentiles', () => {
    const s = summarize([4, 1, 3, 2]);
    expect(s).toEqual({ count: 4, min: 1, max: 4, mean: 2.5, p50: 2.5, p95: expect.closeTo(3.85, 10), p99: expect.closeTo(3.97, 10) });
  });
  it('is null without data', () => {
    expect(summarize([])).toBeNull();
    expect(summarize([Number.NaN])).toBeNull();
  });
});

describe('histogram', () => {
  it('counts every value exactly once with the given bin width', () => {
    const bins = histogram([0, 1, 9.9, 10, 25], { binWidth: 10 });
    expect(bins).toEqual([
      { from: 0, to: 10, count: 3 },
      { from: 10, to: 20, count: 1 },
      { from: 20, to: 30, count: 1 },
    ]);
  });

  it('folds a long tail into the last bin so the bin count stays bounded', () => {
    const bins = histogram([1, 2, 3, 10_000], { binWidth: 1, maxBins: 5 });
    expect(bins).toHaveLength(5);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(bins[4]).toMatchObject({ count: 1, to: 10_000 });
  });

  it('never loses a value (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5000, noNaN: true })), (xs) => {
        const bins = histogram(xs, { targetBins: 17 });
        expect(bins.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
        for (const x of xs) expect(bins.some((b) => x >= b.from && x <= b.to)).toBe(true);
      }),
    );
  });

  it('picks 1/2/5 steps', () => {
    expect(niceStep(100, 10)).toBe(10);
    expect(niceStep(100, 40)).toBe(5);
    expect(niceStep(37, 20)).toBe(2);
    expect(niceStep(0, 10)).toBe(1);
  });
});

describe('linearFit', () => {
  it('recovers slope and intercept of a line', () => {
    const fit = linearFit([0, 50, 100, 200].map((x) => ({ x, y: 3 + 0.4 * x })));
    expect(fit?.slope).toBeCloseTo(0.4, 10);
    expect(fit?.intercept).toBeCloseTo(3, 10);
  });
  it('is null without two distinct x', () => {
    expect(linearFit([{ x: 1, y: 2 }])).toBeNull();
    expect(linearFit([{ x: 1, y: 2 }, { x: 1, y: 3 }])).toBeNull();
  });
});
