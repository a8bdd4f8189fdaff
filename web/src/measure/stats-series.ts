/**
 * Turns a run of StatsSnapshots into chart columns (uPlot's AlignedData layout: one x column, one column per stream),
 * and formats snapshot values for the table. Pure, so what the charts draw is unit-tested.
 */
import type { StatsSnapshot, StreamSnapshot } from './stats.js';

export type ChartMetric = 'bitrate' | 'fps' | 'loss' | 'rtt';

/** What each chart plots, and for which streams (fps only exists for video). */
const CHART_METRICS: Readonly<Record<ChartMetric, { pick(s: StreamSnapshot): number | null; videoOnly: boolean }>> = {
  bitrate: { pick: (s) => s.bitrateKbps, videoOnly: false },
  fps: { pick: (s) => s.fps, videoOnly: true },
  loss: { pick: (s) => s.packetLossPct, videoOnly: false },
  rtt: { pick: (s) => s.rttMs, videoOnly: false },
};

export interface ChartColumns {
  /** Stream keys, one per y column, in first-seen order. */
  readonly keys: readonly string[];
  /** [x seconds since the first snapshot, ...one column per key]; null where a stream had no value. */
  readonly data: readonly (readonly (number | null)[])[];
}

/** Chart columns for `metric` over `history` (oldest first). */
export function chartColumns(history: readonly StatsSnapshot[], metric: ChartMetric): ChartColumns {
  const spec = CHART_METRICS[metric];
  const keys: string[] = [];
  for (const snap of history) {
    for (const s of snap.streams) if ((!spec.videoOnly || s.kind === 'video') && !keys.includes(s.key)) keys.push(s.key);
  }
  const t0 = history[0]?.at ?? 0;
  const xs = history.map((snap) => Math.round(snap.at - t0) / 1000);
  const columns = keys.map((key) =>
    history.map((snap) => {
      const s = snap.streams.find((x) => x.key === key);
      return s ? spec.pick(s) : null;
    }),
  );
  return { keys, data: [xs, ...columns] };
}

/** Table text: a dash for unknown, else rounded to `digits`. */
export function fmt(value: number | null, digits = 0): string {
  return value === null ? '–' : value.toFixed(digits);
}

/** "640×480" or a dash. */
export function fmtResolution(s: Pick<StreamSnapshot, 'width' | 'height'>): string {
  return s.width !== null && s.height !== null ? `${s.width}×${s.height}` : '–';
}

/** "3 / 1" for NACK / PLI, dashes for unknown parts. */
export function fmtNackPli(s: Pick<StreamSnapshot, 'nackCount' | 'pliCount'>): string {
  return `${fmt(s.nackCount)} / ${fmt(s.pliCount)}`;
}

/** "2 (0.4)" freezes and their total seconds, or a dash (outbound and audio have none). */
export function fmtFreezes(s: Pick<StreamSnapshot, 'freezeCount' | 'freezeDurationS'>): string {
  return s.freezeCount === null ? '–' : `${s.freezeCount} (${fmt(s.freezeDurationS, 1)})`;
}
