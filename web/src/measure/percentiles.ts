/**
 * Order statistics for latency runs (the measure panels) and benchmark samples (bench/), one module for both.
 * Percentiles interpolate linearly between closest ranks (the "R-7" definition of numpy, Excel PERCENTILE.INC and
 * most dashboards), so p50 of [1, 2] is 1.5, not 1 or 2. No values means no percentile: null, never NaN, so a
 * caller has to say what an empty run shows instead of printing "NaN ms".
 */

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface HistogramBin {
  /** Inclusive lower edge. */
  readonly from: number;
  /** Exclusive upper edge (inclusive for the last bin, so the maximum is counted). */
  readonly to: number;
  readonly count: number;
}

function finiteOnly(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

function interpolate(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const a = sorted[lo] as number;
  const b = sorted[Math.ceil(rank)] as number;
  return a + (b - a) * (rank - lo);
}

function checkP(p: number): void {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
}

/** The p-th percentile (0..100) of values already sorted ascending; null for an empty list. */
export function percentileSorted(sorted: readonly number[], p: number): number | null {
  checkP(p);
  return sorted.length === 0 ? null : interpolate(sorted, p);
}

/** The p-th percentile (0..100) of finite values in any order (non-finite values are ignored); null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileSorted(
    finiteOnly(values).sort((x, y) => x - y),
    p,
  );
}

/** Count, extremes, mean and p50/p95/p99; null when there is no finite value to summarise. */
export function summarize(values: readonly number[]): Summary | null {
  const sorted = finiteOnly(values).sort((x, y) => x - y);
  if (sorted.length === 0) return null;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
    p50: interpolate(sorted, 50),
    p95: interpolate(sorted, 95),
    p99: interpolate(sorted, 99),
  };
}

export interface Histogram {
  /** Lower edge of bin i is `start + i * binWidth`; the last bin also holds everything above it. */
  readonly start: number;
  readonly binWidth: number;
  readonly counts: readonly number[];
}

/**
 * Fixed-width histogram of finite values with a set number of bins (the latency panel's chart). Values below `start` go to the first bin and values past the last bin to the
 * last one, so every value is counted and a long tail stays visible without stretching the chart.
 */
export function fixedHistogram(values: readonly number[], opts: { start: number; binWidth: number; bins: number }): Histogram {
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

export interface HistogramOptions {
  /** Width of each bin; default: chosen so that about `targetBins` bins cover min..max, rounded to 1, 2 or 5 × 10^k. */
  readonly binWidth?: number;
  readonly targetBins?: number;
  /** Lower edge of the first bin; default: min rounded down to a multiple of binWidth. */
  readonly start?: number;
  /** Upper bound on the number of bins (a long tail is folded into the last bin). Default 200. */
  readonly maxBins?: number;
}

/** A "nice" step (1, 2 or 5 × 10^k) close to span / target. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0) || !(target > 0)) return 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  const step = nice * mag;
  // Spans near the smallest doubles underflow; one unit is as good a step as any there.
  return step > 0 && Number.isFinite(step) ? step : 1;
}

/** Equal-width bins covering every finite value exactly once, width and start chosen from the data (bench charts). */
export function histogram(values: readonly number[], options: HistogramOptions = {}): HistogramBin[] {
  const data = finiteOnly(values);
  if (data.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = options.binWidth ?? niceStep(max - min, options.targetBins ?? 20);
  if (!(width > 0)) throw new RangeError(`binWidth must be positive, got ${width}`);
  const start = Math.min(options.start ?? Math.floor(min / width) * width, min);
  const maxBins = options.maxBins ?? 200;
  const binCount = Math.max(1, Math.min(maxBins, Math.floor((max - start) / width) + 1));
  const counts = new Array<number>(binCount).fill(0);
  for (const v of data) {
    const i = Math.min(binCount - 1, Math.floor((v - start) / width));
    counts[i] = (counts[i] as number) + 1;
  }
  return counts.map((count, i) => ({
    from: start + i * width,
    // The last bin may have absorbed a folded tail: its upper edge is then the maximum.
    to: i === binCount - 1 ? Math.max(start + (i + 1) * width, max) : start + (i + 1) * width,
    count,
  }));
}

/** Least-squares slope and intercept of y over x; null with fewer than two distinct x. */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } | null {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length < 2) return null;
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.x, 0) / n;
  const my = pts.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
