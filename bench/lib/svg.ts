/**
 * Hand-written SVG charts for benchmark results: no native dependency, readable on GitHub and in any browser.
 * Two kinds are needed: a histogram (latency distribution) and a line chart (latency percentiles vs subscriber count).
 */
import type { HistogramBin } from '../../web/src/measure/percentiles.js';
import { niceStep } from '../../web/src/measure/percentiles.js';

const W = 640;
const H = 360;
const M = { top: 40, right: 24, bottom: 52, left: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Formats an axis number without float noise (0.30000000000000004 → 0.3). */
function fmtTick(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

function ticks(min: number, max: number, target = 5): number[] {
  const span = max - min;
  const step = niceStep(span > 0 ? span : Math.abs(max) || 1, target);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function frame(title: string, xLabel: string, yLabel: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    body,
    `<text x="${M.left + PLOT_W / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${M.top + PLOT_H / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + PLOT_H / 2})">${escapeXml(yLabel)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

function axes(xTicks: { v: number; x: number }[], yTicks: { v: number; y: number }[]): string {
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(t.y + 4).toFixed(1)}" text-anchor="end">${fmtTick(t.v)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${t.x.toFixed(1)}" x2="${t.x.toFixed(1)}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H + 4}" stroke="#374151"/>`);
    parts.push(`<text x="${t.x.toFixed(1)}" y="${M.top + PLOT_H + 18}" text-anchor="middle">${fmtTick(t.v)}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H}" stroke="#374151"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PLOT_H}" stroke="#374151"/>`);
  return parts.join('\n');
}

export interface Marker {
  readonly value: number;
  readonly label: string;
}

/** A histogram; `markers` draw labelled vertical lines (e.g. p50, p95, the goal). */
export function histogramSvg(
  bins: readonly HistogramBin[],
  opts: { title: string; xLabel: string; yLabel?: string; markers?: readonly Marker[] },
): string {
  const yLabel = opts.yLabel ?? 'frames';
  if (bins.length === 0) {
    return frame(opts.title, opts.xLabel, yLabel, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`);
  }
  const markers = opts.markers ?? [];
  const xMin = Math.min((bins[0] as HistogramBin).from, ...markers.map((m) => m.value));
  const xMax = Math.max((bins[bins.length - 1] as HistogramBin).to, ...markers.map((m) => m.value));
  const yMax = Math.max(1, ...bins.map((b) => b.count));
  const sx = (v: number): number => M.left + ((v - xMin) / (xMax - xMin || 1)) * PLOT_W;
  const sy = (v: number): number => M.top + PLOT_H - (v / yMax) * PLOT_H;
  const yT = ticks(0, yMax).map((v) => ({ v, y: sy(v) }));
  const xT = ticks(xMin, xMax, 8).map((v) => ({ v, x: sx(v) }));
  const rects = bins
    .filter((b) => b.count > 0)
    .map((b) => {
      const x = sx(b.from);
      const w = Math.max(1, sx(b.to) - x - 1);
      const y = sy(b.count);
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${(M.top + PLOT_H - y).toFixed(1)}" fill="${COLORS[0]}"><title>${fmtTick(b.from)}–${fmtTick(b.to)}: ${b.count}</title></rect>`;
    });
  const marks = markers.map((m, i) => {
    const x = sx(m.value).toFixed(1);
    const color = COLORS[(i + 1) % COLORS.length] as string;
    return [
      `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PLOT_H}" stroke="${color}" stroke-dasharray="5 3"/>`,
      `<text x="${x}" y="${M.top - 4 + (i % 2) * 12}" text-anchor="middle" fill="${color}">${escapeXml(m.label)}</text>`,
    ].join('\n');
  });
  return frame(opts.title, opts.xLabel, yLabel, [axes(xT, yT), ...rects, ...marks].join('\n'));
}

export interface Series {
  readonly name: string;
  readonly points: readonly { x: number; y: number | null }[];
}

/** A line chart with points; null y values break the line. `hLines` draw labelled horizontal goals. */
export function lineChartSvg(
  series: readonly Series[],
  opts: { title: string; xLabel: string; yLabel: string; hLines?: readonly Marker[] },
): string {
  const pts = series.flatMap((s) => s.points.filter((p): p is { x: number; y: number } => p.y !== null && Number.isFinite(p.y)));
  if (pts.length === 0) {
    return frame(opts.title, opts.xLabel, opts.yLabel, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`);
  }
  const hLines = opts.hLines ?? [];
  const xMin = Math.min(...pts.map((p) => p.x));
  const xMax = Math.max(...pts.map((p) => p.x));
  const yMax = Math.max(...pts.map((p) => p.y), ...hLines.map((h) => h.value)) * 1.1 || 1;
  const sx = (v: number): number => M.left + ((v - xMin) / (xMax - xMin || 1)) * PLOT_W;
  const sy = (v: number): number => M.top + PLOT_H - (v / yMax) * PLOT_H;
  const body: string[] = [
    axes(
      ticks(xMin, xMax, 6).map((v) => ({ v, x: sx(v) })),
      ticks(0, yMax).map((v) => ({ v, y: sy(v) })),
    ),
  ];
  hLines.forEach((h, i) => {
    const y = sy(h.value).toFixed(1);
    body.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${y}" y2="${y}" stroke="#6b7280" stroke-dasharray="6 4"/>`);
    // Goals close together would print on top of each other: stack their labels upwards.
    body.push(`<text x="${M.left + PLOT_W - 4}" y="${(Number(y) - 4 - i * 13).toFixed(1)}" text-anchor="end" fill="#6b7280">${escapeXml(h.label)}</text>`);
  });
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    // Split into runs of consecutive measured points.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) body.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y)) {
        flush();
        continue;
      }
      const x = sx(p.x).toFixed(1);
      const y = sy(p.y).toFixed(1);
      run.push(`${x},${y}`);
      body.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${color}"><title>${escapeXml(s.name)} @ ${fmtTick(p.x)}: ${fmtTick(p.y)}</title></circle>`);
    }
    flush();
    // Legend, top-left inside the plot.
    const ly = M.top + 8 + i * 16;
    body.push(`<rect x="${M.left + 8}" y="${ly - 8}" width="12" height="3" fill="${color}"/>`);
    body.push(`<text x="${M.left + 26}" y="${ly - 3}">${escapeXml(s.name)}</text>`);
  });
  return frame(opts.title, opts.xLabel, opts.yLabel, body.join('\n'));
}
