/**
 * Small live line charts on uPlot (~20 KB gzip, canvas-based: cheap to redraw every second). The set of series is
 * fixed per uPlot instance, so a chart is rebuilt when a stream appears or goes and otherwise just gets new data.
 * uPlot's layout rules live in web/src/styles/site.css: the CSP (lib/csp.ts, style-src 'self') blocks a <style>
 * element injected at run time.
 */
import uPlot from 'uplot';
import type { ChartColumns } from './stats-series.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export class LiveChart {
  private plot: uPlot | null = null;
  private keys: readonly string[] = [];
  private title: string;

  constructor(
    private readonly host: HTMLElement,
    title: string,
    private readonly label: (key: string) => string,
    private readonly width = 320,
    private readonly height = 140,
  ) {
    this.title = title;
  }

  setTitle(title: string): void {
    this.title = title;
    this.rebuild(this.keys);
  }

  update(columns: ChartColumns): void {
    const sameKeys = columns.keys.length === this.keys.length && columns.keys.every((k, i) => k === this.keys[i]);
    if (!sameKeys || !this.plot) this.rebuild(columns.keys);
    this.plot?.setData(columns.data as uPlot.AlignedData);
    // For tests and people inspecting the page: how many points the chart holds now.
    this.host.dataset['points'] = String(columns.data[0]?.length ?? 0);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }

  private rebuild(keys: readonly string[]): void {
    this.plot?.destroy();
    this.keys = [...keys];
    const series: uPlot.Series[] = [
      { label: 's', show: true },
      ...keys.map((key, i) => ({ label: this.label(key), stroke: COLORS[i % COLORS.length] as string, width: 1.5, spanGaps: false })),
    ];
    this.plot = new uPlot(
      {
        title: this.title,
        width: this.width,
        height: this.height,
        scales: { x: { time: false } },
        axes: [{ size: 28 }, { size: 44 }],
        // Names only: live values under a 140 px chart are noise, the table next to it has the numbers.
        legend: { show: keys.length > 0, live: false },
        cursor: { drag: { x: false, y: false } },
        series,
      },
      [[], ...keys.map(() => [])] as unknown as uPlot.AlignedData,
      this.host,
    );
  }
}
