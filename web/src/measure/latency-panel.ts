/**
 * The latency probe panel.
 *
 * PAGE INTEGRATION: a page with `<section id="latency-panel">` imports and calls, once, after its i18n is initialised
 * and BEFORE it publishes (the stamp is applied through the publish-stream provider):
 *   import { mountLatencyPanel } from '../measure/latency-panel.js';   (path relative to the page's entry module)
 *   mountLatencyPanel({ page: 'broadcaster' });   // or { page: 'viewer' }
 * and must publish `await pagePublishStream(camera)` (web/src/pages/hooks.ts) and report its <video> elements with
 * pageSetVideos().
 *
 * Broadcaster: a toggle stamps the outgoing video with the (synced) clock (stamper.ts). Viewer: every presented frame
 * of the first remote video is decoded (frame-reader.ts) into a LatencyRun: current, p50, p95, histogram, time to
 * first frame, decode errors, exportable as JSON. Both sync their clock to the token API's GET /time when the site
 * has one (clock-sync.ts), so host and viewer may be on different machines.
 */
import { onLangChange, t } from '../i18n/index.js';
import { onClientReady, onVideosChanged, setPublishStreamProvider, type PageName } from '../pages/hooks.js';
import { loadSiteConfig } from '../site-config.js';
import { syncClock, type ClockEstimate } from './clock-sync.js';
import { watchFrames } from './frame-reader.js';
import { LatencyRun } from './latency-run.js';
import type { Histogram } from './percentiles.js';
import { createStampedStream, type StampedStream } from './stamper.js';

export interface LatencyPanelOptions {
  readonly page: PageName;
  /** Where to render; default `#latency-panel`. Nothing happens when it is absent. */
  readonly section?: HTMLElement | null;
  /** Token API base URL for GET /time; default from config.json (none: the local clock is used). */
  readonly apiUrl?: string | null;
  /** Stamp from the start, overriding the remembered choice (tests, kiosk setups). */
  readonly stamp?: boolean;
}

const STAMP_KEY = 'ivs-test.stamp';
/** The UI is redrawn at most this often; frames arrive up to 30 times a second. */
const RENDER_EVERY_MS = 250;

function readStampChoice(): boolean {
  try {
    return localStorage.getItem(STAMP_KEY) === '1';
  } catch {
    return false;
  }
}

function writeStampChoice(on: boolean): void {
  try {
    localStorage.setItem(STAMP_KEY, on ? '1' : '0');
  } catch {
    // not remembered; still applied
  }
}

function download(name: string, json: unknown): void {
  const blob = new Blob([JSON.stringify(json, null, 1)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function drawHistogram(canvas: HTMLCanvasElement, h: Histogram): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const axis = 14;
  ctx.textAlign = 'left'; // the context keeps the last call's alignment
  ctx.clearRect(0, 0, width, height);
  const max = Math.max(1, ...h.counts);
  const barW = width / h.counts.length;
  ctx.fillStyle = '#2563eb';
  h.counts.forEach((c, i) => {
    const bh = ((height - axis) * c) / max;
    ctx.fillRect(i * barW + 1, height - axis - bh, Math.max(1, barW - 2), bh);
  });
  ctx.fillStyle = '#374151';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  const step = Math.max(1, Math.ceil(h.counts.length / 6));
  for (let i = 0; i < h.counts.length; i += step) ctx.fillText(String(h.start + i * h.binWidth), i * barW + 1, height);
  ctx.textAlign = 'right';
  ctx.fillText(`${h.start + h.counts.length * h.binWidth}+`, width - 1, height);
}

/** Mounts the panel; returns a function that removes it (and stops stamping / reading). */
export function mountLatencyPanel(options: LatencyPanelOptions): () => void {
  const section = options.section === undefined ? document.getElementById('latency-panel') : options.section;
  if (!section) return () => undefined;
  const cleanups: Array<() => void> = [];

  // --- clock ------------------------------------------------------------------------------------------------------
  let clock: ClockEstimate | null = null;
  let clockState: { kind: 'syncing' } | { kind: 'synced' } | { kind: 'local' } | { kind: 'failed'; detail: string } = { kind: 'local' };
  const now = (): number => Date.now() + (clock?.offsetMs ?? 0);

  section.classList.add('measure-panel');
  // Keep the page's own heading (it is translated by the page and labels the section); bring one otherwise.
  const pageHeading = section.querySelector('h2');
  section.replaceChildren(...(pageHeading ? [pageHeading] : []));
  const heading = pageHeading ?? document.createElement('h2');
  const clockLine = document.createElement('p');
  clockLine.className = 'measure-clock';
  const resync = document.createElement('button');
  resync.type = 'button';
  resync.className = 'measure-resync';
  resync.hidden = true;
  if (!pageHeading) section.append(heading);
  section.append(clockLine, resync);

  let apiUrl: string | null = options.apiUrl ?? null;
  const sync = async (): Promise<void> => {
    if (!apiUrl) return;
    clockState = { kind: 'syncing' };
    render();
    try {
      clock = await syncClock({ apiUrl });
      clockState = { kind: 'synced' };
    } catch (err: unknown) {
      clock = null;
      clockState = { kind: 'failed', detail: err instanceof Error ? err.message : String(err) };
    }
    resync.hidden = false;
    render();
  };
  resync.addEventListener('click', () => void sync());

  // --- broadcaster: stamping --------------------------------------------------------------------------------------
  const toggleLabel = document.createElement('label');
  const toggle = document.createElement('input');
  toggle.type = 'checkbox';
  toggle.className = 'measure-stamp-toggle';
  const toggleText = document.createElement('span');
  const hint = document.createElement('p');
  hint.className = 'measure-hint';
  toggleLabel.append(toggle, ' ', toggleText);
  let stamped: StampedStream | null = null;
  const applyStamp = (on: boolean): void => {
    setPublishStreamProvider(
      on
        ? async (camera) => {
            stamped?.stop();
            stamped = await createStampedStream(camera, { now });
            return stamped.stream;
          }
        : null,
    );
  };
  if (options.page === 'broadcaster') {
    section.append(toggleLabel, hint);
    toggle.checked = options.stamp ?? readStampChoice();
    applyStamp(toggle.checked);
    toggle.addEventListener('change', () => {
      writeStampChoice(toggle.checked);
      applyStamp(toggle.checked);
    });
    // Stop drawing when the client that published the stamped stream goes. Pages may publish before announcing the
    // client (and announcing a new client ends the previous one), so stop only the stamper this client started with.
    cleanups.push(
      onClientReady(() => {
        const mine = stamped;
        return () => {
          if (mine && mine === stamped) {
            mine.stop();
            stamped = null;
          }
        };
      }),
    );
    cleanups.push(() => {
      setPublishStreamProvider(null);
      stamped?.stop();
    });
  }

  // --- viewer: reading ---------------------------------------------------------------------------------------------
  const readout = document.createElement('dl');
  // The site's fact list (web/src/styles/site.css .facts): label and value side by side.
  readout.className = 'facts measure-readout';
  const fields = {
    current: document.createElement('dd'),
    p50: document.createElement('dd'),
    p95: document.createElement('dd'),
    samples: document.createElement('dd'),
    decodeErrors: document.createElement('dd'),
    firstFrame: document.createElement('dd'),
  };
  const terms = {} as Record<keyof typeof fields, HTMLElement>;
  for (const [name, dd] of Object.entries(fields) as [keyof typeof fields, HTMLElement][]) {
    const dt = document.createElement('dt');
    terms[name] = dt;
    dd.className = `measure-${name} num`;
    const row = document.createElement('div');
    row.append(dt, dd);
    readout.append(row);
  }
  const viewerStatus = document.createElement('p');
  viewerStatus.className = 'measure-status';
  viewerStatus.setAttribute('role', 'status');
  const histTitle = document.createElement('h3');
  const hist = document.createElement('canvas');
  hist.className = 'measure-histogram';
  hist.width = 360;
  hist.height = 120;
  const exportBtn = document.createElement('button');
  exportBtn.type = 'button';
  exportBtn.className = 'measure-export';
  const resetBtn = document.createElement('button');
  resetBtn.type = 'button';
  resetBtn.className = 'measure-reset';

  let run = new LatencyRun(now());
  let watching: { video: HTMLVideoElement; stop: () => void } | null = null;
  let lastRender = 0;

  const ms = (v: number | null, digits = 0): string => (v === null ? '–' : t('latency.ms', { value: v.toFixed(digits) }));
  const renderReadout = (): void => {
    const s = run.summary();
    const c = run.counts;
    fields.current.textContent = ms(s.current);
    fields.p50.textContent = ms(s.p50);
    fields.p95.textContent = ms(s.p95);
    fields.samples.textContent = String(s.count);
    fields.decodeErrors.textContent = `${c.decodeErrors} / ${c.frames}`;
    fields.firstFrame.textContent = ms(c.firstFrameMs);
    const h = run.histogram();
    hist.dataset['total'] = String(h.counts.reduce((a, b) => a + b, 0));
    drawHistogram(hist, h);
    viewerStatus.textContent = !watching ? t('latency.waitingVideo') : c.frames >= 30 && s.count === 0 ? t('latency.noStamp') : '';
    viewerStatus.hidden = viewerStatus.textContent === '';
    exportBtn.disabled = c.frames === 0;
  };

  if (options.page === 'viewer') {
    section.append(viewerStatus, readout, histTitle, hist, exportBtn, resetBtn);
    const watch = (video: HTMLVideoElement | null): void => {
      if (watching?.video === video) return;
      watching?.stop();
      watching = video
        ? {
            video,
            stop: watchFrames(video, now, (low32, at) => {
              run.addFrame(low32, at);
              if (at - lastRender >= RENDER_EVERY_MS) {
                lastRender = at;
                renderReadout();
              }
            }),
          }
        : null;
      renderReadout();
    };
    cleanups.push(onVideosChanged((videos) => watch(videos.find((v) => !v.local)?.video ?? null)));
    // Time to first frame counts from when the page's stage client is ready (it has started joining).
    cleanups.push(
      onClientReady(() => {
        run = new LatencyRun(now());
        renderReadout();
      }),
    );
    cleanups.push(() => watching?.stop());
    exportBtn.addEventListener('click', () => {
      download(
        `ivs-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
        run.toJSON(clock ? { offsetMs: clock.offsetMs, errorMs: clock.errorMs } : null),
      );
    });
    resetBtn.addEventListener('click', () => {
      run.reset();
      renderReadout();
    });
  }

  function render(): void {
    if (!pageHeading) heading.textContent = t('latency.title');
    clockLine.textContent =
      clockState.kind === 'syncing'
        ? t('latency.clock.syncing')
        : clockState.kind === 'synced' && clock
          ? t('latency.clock.synced', { offset: clock.offsetMs.toFixed(1), error: clock.errorMs.toFixed(1), samples: clock.samples })
          : clockState.kind === 'failed'
            ? t('latency.clock.failed', { detail: clockState.detail })
            : t('latency.clock.local');
    resync.textContent = t('latency.clock.resync');
    toggleText.textContent = t('latency.stampToggle');
    hint.textContent = t('latency.stampHint');
    terms.current.textContent = t('latency.current');
    terms.p50.textContent = t('latency.p50');
    terms.p95.textContent = t('latency.p95');
    terms.samples.textContent = t('latency.samples');
    terms.decodeErrors.textContent = t('latency.decodeErrors');
    terms.firstFrame.textContent = t('latency.firstFrame');
    histTitle.textContent = t('latency.histogram');
    exportBtn.textContent = t('latency.export');
    resetBtn.textContent = t('latency.reset');
    if (options.page === 'viewer') renderReadout();
  }

  render();
  cleanups.push(onLangChange(() => render()));
  // Sync last: it renders, and everything it renders exists by now.
  if (options.apiUrl === undefined) {
    void loadSiteConfig().then((state) => {
      if (state.kind === 'api') {
        apiUrl = state.config.apiUrl;
        void sync();
      }
    });
  } else {
    void sync();
  }
  return () => {
    for (const c of cleanups.splice(0)) c();
    section.replaceChildren(...(pageHeading ? [pageHeading] : []));
  };
}
