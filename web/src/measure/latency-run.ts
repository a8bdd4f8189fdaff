/**
 * One latency run as a viewer sees it: every received frame either decodes to a stamp (a latency sample) or counts as
 * a decode error. Pure bookkeeping, no DOM, so the panel's numbers are testable and the exported JSON is exactly what
 * the panel showed.
 */
import { fixedHistogram, percentile, type Histogram } from './percentiles.js';
import { unwrapStamp } from './stamp.js';

/**
 * A decoded stamp more than this far from the reader's clock is not a latency: it is a stale or foreign code, or a
 * clock that was never synced. Counted apart from decode errors so the two faults stay distinguishable.
 */
export const PLAUSIBLE_LATENCY_MS = { min: -1_000, max: 60_000 } as const;

export interface LatencySample {
  /** Reader clock (ms, epoch scale) when the frame was presented. */
  readonly at: number;
  readonly latencyMs: number;
}

export interface LatencyRunJson {
  readonly kind: 'ivs-test-env/latency-run';
  readonly version: 1;
  readonly startedAt: string;
  readonly firstFrameMs: number | null;
  readonly frames: number;
  readonly decodeErrors: number;
  readonly implausible: number;
  readonly summary: LatencySummary;
  readonly clock: { offsetMs: number; errorMs: number } | null;
  readonly samples: readonly LatencySample[];
}

export interface LatencySummary {
  readonly count: number;
  readonly current: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export type FrameOutcome = 'sample' | 'decode-error' | 'implausible';

export class LatencyRun {
  private readonly samples: LatencySample[] = [];
  private frames = 0;
  private decodeErrors = 0;
  private implausible = 0;
  private firstFrameMs: number | null = null;

  /**
   * @param startedAt reader clock (ms) when the viewer started waiting for video, for time-to-first-frame.
   * @param maxSamples oldest samples are dropped past this, so an all-day run keeps bounded memory.
   */
  constructor(
    readonly startedAt: number,
    private readonly maxSamples = 36_000,
  ) {}

  /**
   * Records one presented frame. `low32` is readStamp's result (null = undecodable), `presentedAt` the reader's clock
   * on the same scale as the sender's.
   */
  addFrame(low32: number | null, presentedAt: number): FrameOutcome {
    this.frames++;
    if (this.firstFrameMs === null) this.firstFrameMs = presentedAt - this.startedAt;
    if (low32 === null) {
      this.decodeErrors++;
      return 'decode-error';
    }
    const latencyMs = presentedAt - unwrapStamp(low32, presentedAt);
    if (latencyMs < PLAUSIBLE_LATENCY_MS.min || latencyMs > PLAUSIBLE_LATENCY_MS.max) {
      this.implausible++;
      return 'implausible';
    }
    this.samples.push({ at: presentedAt, latencyMs });
    if (this.samples.length > this.maxSamples) this.samples.shift();
    return 'sample';
  }

  /**
   * Starts counting afresh (samples, frames, errors) but keeps the time to first frame: that belongs to the join,
   * not to whichever stretch of the stream the person chose to measure.
   */
  reset(): void {
    this.samples.length = 0;
    this.frames = 0;
    this.decodeErrors = 0;
    this.implausible = 0;
  }

  get counts(): { frames: number; decodeErrors: number; implausible: number; firstFrameMs: number | null } {
    return { frames: this.frames, decodeErrors: this.decodeErrors, implausible: this.implausible, firstFrameMs: this.firstFrameMs };
  }

  latencies(): number[] {
    return this.samples.map((s) => s.latencyMs);
  }

  summary(): LatencySummary {
    const values = this.latencies();
    return {
      count: values.length,
      current: values.length ? (values[values.length - 1] as number) : null,
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
    };
  }

  /** Histogram in `binWidth`-ms bins from 0 up to a bin count that covers the p99 (the rest folds into the last bin). */
  histogram(binWidth = 10, maxBins = 60): Histogram {
    const values = this.latencies();
    const p99 = percentile(values, 99) ?? binWidth;
    const bins = Math.min(maxBins, Math.max(5, Math.ceil((p99 + binWidth) / binWidth)));
    return fixedHistogram(values, { start: 0, binWidth, bins });
  }

  toJSON(clock: { offsetMs: number; errorMs: number } | null = null): LatencyRunJson {
    return {
      kind: 'ivs-test-env/latency-run',
      version: 1,
      startedAt: new Date(this.startedAt).toISOString(),
      firstFrameMs: this.firstFrameMs,
      frames: this.frames,
      decodeErrors: this.decodeErrors,
      implausible: this.implausible,
      summary: this.summary(),
      clock,
      samples: [...this.samples],
    };
  }
}
