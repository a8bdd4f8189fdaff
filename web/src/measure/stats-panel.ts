/**
 * The live stats panel for the broadcaster and viewer pages.
 *
 * PAGE INTEGRATION: a page with `<section id="stats-panel">` imports and calls, once, after its i18n is initialised:
 *   import { mountStatsPanel } from '../measure/stats-panel.js';   (path relative to the page's entry module)
 *   mountStatsPanel();
 * It then follows the page's StageClient through web/src/pages/hooks.ts (onClientReady): every second it asks the
 * client for raw stats (IVS: requestRTCStats/requestQualityStats; sandbox: RTCPeerConnection getStats), reduces them
 * with the pure functions of stats.ts, and shows a table, four live charts and a "download raw stats" button.
 */
import { onLangChange, t } from '../i18n/index.js';
import { onClientReady } from '../pages/hooks.js';
import type { StageClient } from '../stage/client.js';
import type { StatsSample } from '../stage/stats-sample.js';
import { LiveChart } from './charts.js';
import { chartColumns, fmt, fmtFreezes, fmtNackPli, fmtResolution, type ChartMetric } from './stats-series.js';
import { reduceStats, sampleToJson, type StatsSnapshot, type StreamSnapshot } from './stats.js';

export interface StatsPanelOptions {
  /** Where to render; default `#stats-panel`. Nothing happens when it is absent. */
  readonly section?: HTMLElement | null;
  /** Sampling period (ms). @default 1000 */
  readonly intervalMs?: number;
  /** Points kept for the charts. @default 120 (two minutes at 1 s) */
  readonly chartPoints?: number;
  /** Raw samples kept for the download. @default 300 */
  readonly rawSamples?: number;
}

const COLUMNS = [
  'stats.col.stream',
  'stats.col.codec',
  'stats.col.bitrate',
  'stats.col.fps',
  'stats.col.resolution',
  'stats.col.loss',
  'stats.col.jitter',
  'stats.col.rtt',
  'stats.col.nackPli',
  'stats.col.limit',
  'stats.col.freezes',
  'stats.col.network',
] as const;

const CHARTS: readonly { metric: ChartMetric; title: 'stats.chart.bitrate' | 'stats.chart.fps' | 'stats.chart.loss' | 'stats.chart.rtt' }[] = [
  { metric: 'bitrate', title: 'stats.chart.bitrate' },
  { metric: 'fps', title: 'stats.chart.fps' },
  { metric: 'loss', title: 'stats.chart.loss' },
  { metric: 'rtt', title: 'stats.chart.rtt' },
];

function streamLabel(s: Pick<StreamSnapshot, 'participantId' | 'kind' | 'direction'>): string {
  return `${s.participantId.slice(0, 8)} ${t(`stats.kind.${s.kind}`)} ${t(`stats.dir.${s.direction}`)}`;
}

function labelOfKey(key: string): string {
  const [participantId = '', kind, direction] = key.split(':');
  if ((kind === 'audio' || kind === 'video') && (direction === 'inbound' || direction === 'outbound')) {
    return streamLabel({ participantId, kind, direction });
  }
  return key;
}

function rowCells(s: StreamSnapshot): string[] {
  return [
    streamLabel(s),
    s.codec ?? '–',
    fmt(s.bitrateKbps),
    fmt(s.fps),
    fmtResolution(s),
    fmt(s.packetLossPct, 1),
    fmt(s.jitterMs, 1),
    fmt(s.rttMs),
    fmtNackPli(s),
    s.qualityLimitationReason ?? '–',
    fmtFreezes(s),
    s.networkQuality ?? '–',
  ];
}

function download(name: string, json: unknown): void {
  const blob = new Blob([JSON.stringify(json, null, 1)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Mounts the panel; returns a function that removes it and stops sampling. */
export function mountStatsPanel(options: StatsPanelOptions = {}): () => void {
  const section = options.section === undefined ? document.getElementById('stats-panel') : options.section;
  if (!section) return () => undefined;
  const intervalMs = options.intervalMs ?? 1000;
  const chartPoints = options.chartPoints ?? 120;
  const rawLimit = options.rawSamples ?? 300;

  section.classList.add('measure-panel');
  // Keep the page's own heading (it is translated by the page and labels the section); bring one otherwise.
  const pageHeading = section.querySelector('h2');
  section.replaceChildren(...(pageHeading ? [pageHeading] : []));
  const heading = pageHeading ?? document.createElement('h2');
  const status = document.createElement('p');
  status.className = 'measure-status';
  status.setAttribute('role', 'status');
  const table = document.createElement('table');
  table.className = 'measure-table';
  const thead = table.createTHead().insertRow();
  const tbody = table.createTBody();
  const charts = document.createElement('div');
  charts.className = 'measure-charts';
  charts.style.cssText = 'display:flex;flex-wrap:wrap;gap:8px';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'measure-download';
  button.disabled = true;
  if (!pageHeading) section.append(heading);
  section.append(status, table, charts, button);

  const chartObjs = CHARTS.map(({ metric, title }) => {
    const host = document.createElement('div');
    host.className = `measure-chart measure-chart-${metric}`;
    host.dataset['metric'] = metric;
    charts.append(host);
    return { metric, title, chart: new LiveChart(host, t(title), labelOfKey) };
  });

  let statusId: 'stats.waiting' | 'stats.noStreams' | null = 'stats.waiting';
  let statusDetail: string | null = null;
  const history: StatsSnapshot[] = [];
  const raw: unknown[] = [];

  const renderStatic = (): void => {
    if (!pageHeading) heading.textContent = t('stats.title');
    button.textContent = t('stats.download');
    thead.replaceChildren(...COLUMNS.map((id) => Object.assign(document.createElement('th'), { textContent: t(id) })));
    for (const c of chartObjs) c.chart.setTitle(t(c.title));
    renderStatus();
  };
  const renderStatus = (): void => {
    status.textContent = statusDetail !== null ? t('stats.failed', { detail: statusDetail }) : statusId ? t(statusId) : '';
    status.hidden = status.textContent === '';
  };
  const render = (snap: StatsSnapshot): void => {
    tbody.replaceChildren(
      ...snap.streams.map((s) => {
        const tr = document.createElement('tr');
        tr.dataset['key'] = s.key;
        for (const text of rowCells(s)) tr.insertCell().textContent = text;
        return tr;
      }),
    );
    statusId = snap.streams.length === 0 ? 'stats.noStreams' : null;
    renderStatus();
    for (const c of chartObjs) c.chart.update(chartColumns(history, c.metric));
  };

  const follow = (client: StageClient): (() => void) => {
    let prev: StatsSample | null = null;
    let stopped = false;
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy || stopped) return; // a slow getStats must not pile up calls
      busy = true;
      try {
        const sample = await client.collectStats();
        if (stopped) return;
        const snap = reduceStats(sample, prev);
        prev = sample;
        raw.push(sampleToJson(sample));
        if (raw.length > rawLimit) raw.shift();
        history.push(snap);
        if (history.length > chartPoints) history.shift();
        statusDetail = null;
        button.disabled = false;
        render(snap);
      } catch (err: unknown) {
        statusDetail = err instanceof Error ? err.message : String(err);
        renderStatus();
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    void tick();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  };

  button.addEventListener('click', () => {
    download(`ivs-stats-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, {
      kind: 'ivs-test-env/raw-stats',
      version: 1,
      exportedAt: new Date().toISOString(),
      samples: raw,
    });
  });

  renderStatic();
  const offLang = onLangChange(() => {
    renderStatic();
    const last = history[history.length - 1];
    if (last) render(last);
  });
  let stopFollow: (() => void) | null = null;
  const offReady = onClientReady((client) => {
    stopFollow?.();
    const stop = follow(client);
    stopFollow = stop;
    return () => {
      stop();
      if (stopFollow === stop) stopFollow = null;
    };
  });
  return () => {
    offReady();
    stopFollow?.();
    offLang();
    for (const c of chartObjs) c.chart.destroy();
    section.replaceChildren(...(pageHeading ? [pageHeading] : []));
  };
}
