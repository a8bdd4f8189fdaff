/** The charts a bench run writes, built from the validated result alone (so they can be redrawn from any results JSON). */
import type { BenchResult } from './schema.js';
import { histogramSvg, lineChartSvg } from './svg.js';

export interface Chart {
  /** File name suffix, e.g. "latency-histogram.svg". */
  readonly suffix: string;
  readonly alt: string;
  readonly svg: string;
}

export function benchCharts(r: BenchResult): Chart[] {
  const charts: Chart[] = [];
  const phases = r.latency?.phases ?? [];
  if (phases.length === 0) return charts;
  // Without decoded frames (synthetic-publisher run) only the SFU chart has data.
  const measured = phases.some((p) => p.latencyMs !== null);
  const alone = phases.find((p) => p.extraSubscribers === 0) ?? phases[0];
  const most = phases[phases.length - 1];
  if (measured) for (const [p, suffix] of [
    [alone, 'latency-histogram.svg'],
    ...(most && most !== alone ? ([[most, `latency-histogram-${most.extraSubscribers}.svg`]] as const) : []),
  ] as const) {
    if (!p) continue;
    const s = p.latencyMs;
    const title = `Glass-to-glass latency, 1 viewer + ${p.extraSubscribers} extra subscribers (${s?.count ?? 0} frames)`;
    charts.push({
      suffix,
      alt: title,
      svg: histogramSvg(p.latencyHistogram, {
        title,
        xLabel: 'latency (ms)',
        markers: s
          ? [
              { value: s.p50, label: `p50 ${s.p50.toFixed(0)}` },
              { value: s.p95, label: `p95 ${s.p95.toFixed(0)}` },
              { value: p.extraSubscribers >= 100 ? 100 : 80, label: `goal ${p.extraSubscribers >= 100 ? 100 : 80}` },
            ]
          : [],
      }),
    });
  }
  const pick = (f: (p: (typeof phases)[number]) => number | null | undefined) =>
    phases.map((p) => ({ x: p.extraSubscribers, y: f(p) ?? null }));
  if (measured) charts.push({
    suffix: 'latency-vs-subscribers.svg',
    alt: 'Latency percentiles against extra subscribers',
    svg: lineChartSvg(
      [
        { name: 'p50', points: pick((p) => p.latencyMs?.p50) },
        { name: 'p95', points: pick((p) => p.latencyMs?.p95) },
        { name: 'p99', points: pick((p) => p.latencyMs?.p99) },
      ],
      {
        title: 'Glass-to-glass latency vs extra non-decoding subscribers',
        xLabel: 'extra subscribers',
        yLabel: 'latency (ms)',
        hLines: [
          { value: 80, label: 'goal p95 alone 80 ms' },
          { value: 100, label: 'goal p95 @100 100 ms' },
        ],
      },
    ),
  });
  charts.push({
    suffix: 'sfu-cpu-vs-subscribers.svg',
    alt: 'SFU CPU and RSS against extra subscribers',
    svg: lineChartSvg(
      [
        { name: 'SFU CPU, % of one core', points: pick((p) => p.server?.cpuPercent) },
        { name: 'SFU RSS, MiB', points: pick((p) => p.server?.rssMiB) },
      ],
      { title: 'Sandbox (SFU) process use vs extra subscribers', xLabel: 'extra subscribers', yLabel: '% of a core / MiB' },
    ),
  });
  return charts;
}
