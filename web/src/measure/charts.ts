/**
 * Small live line charts on uPlot (~20 KB gzip, canvas-based: cheap to redraw every second). The set of series is
 * fixed per uPlot instance, so a chart is rebuilt when a stream appears or goes and otherwise just gets new data.
 */
import uPlot from 'uplot';
import type { ChartColumns } from './stats-series.js';

// The few rules of uPlot.min.css the charts need (layering of the canvas and cursor, the legend), inlined so the
// pages need no extra stylesheet.
const UPLOT_CSS =
  '.uplot,.uplot *{box-sizing:border-box}.uplot{font:12px system-ui,sans-serif;line-height:1.5;width:min-content}' +
  '.u-wrap{position:relative;user-select:none}.u-over,.u-under{position:absolute}.u-under{overflow:hidden}' +
  '.uplot canvas{display:block;position:relative;width:100%;height:100%}.u-axis{position:absolute}' +
  '.u-title{text-align:center;font-weight:600}.u-legend{margin:auto;text-align:center}.u-inline{display:block}' +
  '.u-inline *{display:inline-block}.u-inline tr{margin-right:12px}.u-legend .u-marker{width:1em;height:1em;margin-right:4px}' +
  '.u-inline.u-live th::after{content:":"}.u-inline:not(.u-live) .u-value{display:none}.u-series>*{padding:2px}' +
  '.u-legend .u-off>*{opacity:.3}.u-select{position:absolute;pointer-events:none}' +
  '.u-cursor-x,.u-cursor-y{position:absolute;left:0;top:0;pointer-events:none}' +
  '.u-hz .u-cursor-x{height:100%;border-right:1px dashed #607d8b}.u-hz .u-cursor-y{width:100%;border-bottom:1px dashed #607d8b}' +
  '.u-cursor-pt{position:absolute;top:0;left:0;border-radius:50%;border:0 solid;pointer-events:none}' +
  '.u-axis.u-off,.u-select.u-off,.u-cursor-x.u-off,.u-cursor-y.u-off,.u-cursor-pt.u-off{display:none}';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

function injectCss(): void {
  if (typeof document === 'undefined' || document.getElementById('measure-uplot-css')) return;
  const style = document.createElement('style');
  style.id = 'measure-uplot-css';
  style.textContent = UPLOT_CSS;
  document.head.append(style);
}

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
    injectCss();
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
