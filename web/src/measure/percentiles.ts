/**
 * Order statistics for latency runs. Percentiles interpolate linearly between closest ranks (the "R-7" definition of
 * numpy, PERCENTILE.INC and most dashboards), so p50 of [1, 2] is 1.5.
 */

/** p-th percentile (0..100) of finite values in any order; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const a = sorted[lo] as number;
  const b = sorted[Math.ceil(rank)] as number;
  return a + (b - a) * (rank - lo);
}

export interface Histogram {
  /** Lower edge of bin i is `start + i * binWidth`; the last bin also holds everything above it. */
  readonly start: number;
  readonly binWidth: number;
  readonly counts: readonly number[];
}

/**
 * Fixed-width histogram of finite values. Values below `start` go to the first bin and values past the last bin to the
 * last one, so every value is counted and a long tail stays visible without stretching the chart.
 */
export function histogram(values: readonly number[], opts: { start: number; binWidth: number; bins: number }): Histogram {
  const { start, binWidth, bins } = opts;
  if (!(binWidth > 0) || !(bins >= 1) || !Number.isInteger(bins)) throw new RangeError('histogram needs binWidth > 0 and an integer bins >= 1');
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v - start) / binWidth)));
    counts[i] = (counts[i] as number) + 1;
  }
  return { start, binWidth, counts };
}

/** A bin width of 1, 2 or 5 × 10^k near span / target, so axis labels stay round. */
export function niceBinWidth(span: number, target: number): number {
  if (!(span > 0) || !(target > 0)) return 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}
