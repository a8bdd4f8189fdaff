import { describe, expect, it } from '@jest/globals';
import { fixedHistogram, niceStep, percentile } from '../../web/src/measure/percentiles.js';
import { LatencyRun, PLAUSIBLE_LATENCY_MS } from '../../web/src/measure/latency-run.js';

describe('percentile (R-7, linear between closest ranks)', () => {
  it('interpolates as hand-computed', () => {
    expect(percentile([1, 2], 50)).toBe(1.5);
    // sorted 10,20,30,40,50: p95 rank = 0.95*4 = 3.8 -> 40 + 0.8*10 = 48
    expect(percentile([50, 10, 40, 20, 30], 95)).toBeCloseTo(48, 10);
    expect(percentile([50, 10, 40, 20, 30], 0)).toBe(10);
    expect(percentile([50, 10, 40, 20, 30], 100)).toBe(50);
  });

  it('ignores non-finite values and is null when empty', () => {
    expect(percentile([Number.NaN, 7, Number.POSITIVE_INFINITY], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('rejects p outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('fixedHistogram', () => {
  it('bins values and folds the tails into the edge bins', () => {
    const h = fixedHistogram([-5, 0, 9.99, 10, 25, 1000], { start: 0, binWidth: 10, bins: 3 });
    expect(h.counts).toEqual([3, 1, 2]);
  });

  it('rejects a zero bin width', () => {
    expect(() => fixedHistogram([1], { start: 0, binWidth: 0, bins: 3 })).toThrow(RangeError);
  });

  it('picks 1-2-5 bin widths', () => {
    expect(niceStep(100, 10)).toBe(10);
    expect(niceStep(130, 10)).toBe(20);
    expect(niceStep(400, 10)).toBe(50);
  });
});

describe('LatencyRun', () => {
  const start = 1_764_000_000_000;

  it('turns decoded stamps into latencies and counts errors apart', () => {
    const run = new LatencyRun(start);
    // First frame arrives 350 ms after the viewer started waiting.
    expect(run.addFrame((start + 300) % 2 ** 32, start + 350)).toBe('sample'); // 50 ms
    expect(run.addFrame(null, start + 383)).toBe('decode-error');
    expect(run.addFrame((start + 380) % 2 ** 32, start + 450)).toBe('sample'); // 70 ms
    expect(run.addFrame((start + 400) % 2 ** 32, start + 460)).toBe('sample'); // 60 ms
    expect(run.counts).toEqual({ frames: 4, decodeErrors: 1, implausible: 0, firstFrameMs: 350 });
    expect(run.summary()).toEqual({ count: 3, current: 60, p50: 60, p95: 69, min: 50, max: 70 });
  });

  it('rejects a stamp too far from the reader clock as implausible (e.g. an unsynced clock)', () => {
    const run = new LatencyRun(start);
    const tooOld = start - PLAUSIBLE_LATENCY_MS.max - 1;
    expect(run.addFrame(tooOld % 2 ** 32, start)).toBe('implausible');
    expect(run.summary().count).toBe(0);
    expect(run.counts.implausible).toBe(1);
  });

  it('keeps at most maxSamples, dropping the oldest', () => {
    const run = new LatencyRun(start, 2);
    for (const l of [10, 20, 30]) run.addFrame((start - l) % 2 ** 32, start);
    expect(run.latencies()).toEqual([20, 30]);
  });

  it('histogram covers the samples from 0 ms in fixed bins', () => {
    const run = new LatencyRun(start);
    for (const l of [12, 14, 35, 41]) run.addFrame((start - l) % 2 ** 32, start);
    const h = run.histogram(10);
    expect(h.start).toBe(0);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h.counts.slice(0, 5)).toEqual([0, 2, 0, 1, 1]);
  });

  it('exports what it summarised as JSON', () => {
    const run = new LatencyRun(start);
    run.addFrame((start + 10) % 2 ** 32, start + 55);
    const json = JSON.parse(JSON.stringify(run.toJSON({ offsetMs: -3, errorMs: 1 })));
    expect(json).toMatchObject({
      kind: 'ivs-test-env/latency-run',
      version: 1,
      frames: 1,
      decodeErrors: 0,
      summary: { count: 1, p50: 45 },
      clock: { offsetMs: -3, errorMs: 1 },
      samples: [{ at: start + 55, latencyMs: 45 }],
    });
    expect(json.startedAt).toBe(new Date(start).toISOString());
  });
});

describe('LatencyRun.reset', () => {
  it('starts the counts afresh but keeps the time to first frame of the join', () => {
    const run = new LatencyRun(1_000);
    run.addFrame(null, 1_250); // first frame 250 ms after joining, unreadable
    run.addFrame(1_240 >>> 0, 1_300); // 60 ms
    expect(run.counts).toEqual({ frames: 2, decodeErrors: 1, implausible: 0, firstFrameMs: 250 });
    run.reset();
    expect(run.counts).toEqual({ frames: 0, decodeErrors: 0, implausible: 0, firstFrameMs: 250 });
    expect(run.summary().count).toBe(0);
    run.addFrame(1_380 >>> 0, 1_400); // 20 ms
    expect(run.counts.firstFrameMs).toBe(250);
    expect(run.latencies()).toEqual([20]);
  });
});

