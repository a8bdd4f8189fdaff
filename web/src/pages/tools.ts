/**
 * "Check before you go live": the browser's environment as pass/fail lines with what to do, a camera and microphone
 * test (preview and a level meter), a token inspector that never sends the token anywhere, and the clock offset to
 * the token API's GET /time. Joins no stage, so it loads neither driver.
 */
import { getLang, isMessageId, onLangChange, t } from '../i18n/index.js';
import { syncClock, type ClockEstimate } from '../measure/clock-sync.js';
import { listDevices, openMedia, stopStream, type DeviceLists } from '../media/devices.js';
import { DEFAULT_QUALITY, QUALITY_PRESETS } from '../media/presets.js';
import { loadSiteConfig } from '../site-config.js';
import { secondsLeft } from '../token/participant-token.js';
import { evaluateEnvironment, levelFromTimeDomain, overallStatus, type CheckResult, type EnvironmentProbe } from '../tools/checks.js';
import { inspectToken, type Inspection } from '../tools/token-inspect.js';
import { byId, el, readStorage, writeStorage } from '../ui/dom.js';
import { ErrorBox, messageFor } from '../ui/errors.js';
import { formatCountdown, shortArn } from '../ui/format.js';
import { initShell } from '../ui/shell.js';
import './tools.css';

initShell();
const errors = new ErrorBox(byId('page-error', HTMLElement), byId('page-error-text', HTMLElement), byId('page-error-dismiss', HTMLButtonElement));
const config = await loadSiteConfig();

function msg(id: string, params: Record<string, string | number> = {}): string {
  return isMessageId(id) ? t(id, params) : id;
}

// --- 1. environment -----------------------------------------------------------------------------------------------

function probeEnvironment(): EnvironmentProbe {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  let codecs: string[] | null = null;
  try {
    const caps = typeof RTCRtpSender !== 'undefined' && typeof RTCRtpSender.getCapabilities === 'function' ? RTCRtpSender.getCapabilities('video') : null;
    codecs = caps ? caps.codecs.map((c) => c.mimeType) : null;
  } catch {
    codecs = null;
  }
  return {
    isSecureContext: globalThis.isSecureContext === true,
    hasGetUserMedia: typeof md?.getUserMedia === 'function',
    hasEnumerateDevices: typeof md?.enumerateDevices === 'function',
    hasPeerConnection: typeof RTCPeerConnection === 'function',
    sendVideoCodecs: codecs,
    userAgent: navigator.userAgent,
  };
}

let envResults: CheckResult[] = [];

function checkMessage(r: CheckResult): string {
  const insecure = r.status === 'fail' && r.params['cause'] === 'insecure' ? 'Insecure' : '';
  const params = { ...r.params, ...(r.id === 'browser' && !r.params['browser'] ? { browser: t('tools.env.browser.unknown') } : {}) };
  return msg(`tools.env.${r.id}.${r.status}${insecure}`, params);
}

function renderEnvironment(): void {
  const summary = byId('env-summary', HTMLElement);
  const overall = overallStatus(envResults);
  summary.dataset['status'] = overall;
  summary.textContent = t(`tools.env.summary.${overall}`);
  byId('env-checks', HTMLElement).replaceChildren(
    ...envResults.map((r) =>
      el('li', { className: 'check', attrs: { 'data-check': r.id, 'data-status': r.status } }, [
        el('span', { className: 'check-badge', text: t(`tools.status.${r.status}`) }),
        el('span', { className: 'check-text', text: checkMessage(r) }),
      ]),
    ),
  );
}

function runEnvironment(): void {
  envResults = evaluateEnvironment(probeEnvironment());
  renderEnvironment();
}

// --- 2. camera and microphone -------------------------------------------------------------------------------------

const KEYS = { camera: 'ivs-test.camera', mic: 'ivs-test.mic' } as const; // shared with the broadcaster page
const cameraSelect = byId('camera-select', HTMLSelectElement);
const micSelect = byId('mic-select', HTMLSelectElement);
const preview = byId('preview', HTMLVideoElement);
const meter = byId('mic-level', HTMLMeterElement);
const mediaStatus = byId('media-status', HTMLElement);
const mediaStart = byId('media-start', HTMLButtonElement);
const mediaStop = byId('media-stop', HTMLButtonElement);

let stream: MediaStream | null = null;
let audio: { ctx: AudioContext; timer: ReturnType<typeof setInterval> } | null = null;
let devices: DeviceLists = { cameras: [], mics: [] };
let silentSince: number | null = null;

function fillSelect(select: HTMLSelectElement, list: readonly MediaDeviceInfo[], key: string, kind: string): void {
  const wanted = select.value || readStorage('local', key) || '';
  select.replaceChildren(
    el('option', { text: t('bc.device.default'), attrs: { value: '' } }),
    ...list.map((d, i) => el('option', { text: d.label || t('bc.device.unnamed', { kind, n: i + 1 }), attrs: { value: d.deviceId } })),
  );
  select.value = list.some((d) => d.deviceId === wanted) ? wanted : '';
}

async function refreshDevices(): Promise<void> {
  try {
    devices = await listDevices();
  } catch {
    devices = { cameras: [], mics: [] };
  }
  fillSelect(cameraSelect, devices.cameras, KEYS.camera, t('bc.camera'));
  fillSelect(micSelect, devices.mics, KEYS.mic, t('bc.mic'));
}

function renderMedia(): void {
  const video = stream?.getVideoTracks()[0];
  const mic = stream?.getAudioTracks()[0];
  byId('preview-empty', HTMLElement).hidden = stream !== null;
  mediaStart.hidden = stream !== null;
  mediaStop.hidden = stream === null;
  mediaStatus.dataset['state'] = stream ? 'on' : 'off';
  if (!stream) {
    mediaStatus.textContent = t('tools.media.off');
    return;
  }
  const s = video?.getSettings();
  const silent = silentSince !== null && Date.now() - silentSince > 5_000;
  mediaStatus.textContent = [
    t('tools.media.on', { width: s?.width ?? 0, height: s?.height ?? 0, mic: mic?.label || t('bc.device.default') }),
    silent ? t('tools.media.silent') : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function startMeter(s: MediaStream): void {
  if (s.getAudioTracks().length === 0) return;
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(s).connect(analyser);
  const buf = new Uint8Array(analyser.fftSize);
  silentSince = Date.now();
  // A timer, not requestAnimationFrame: the meter keeps moving in a background tab, where a test may be watching it.
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(buf);
    const level = levelFromTimeDomain(buf);
    meter.value = level;
    meter.dataset['level'] = level.toFixed(3);
    if (level >= 0.02) silentSince = null;
    else silentSince ??= Date.now();
    renderMedia();
  }, 100);
  void ctx.resume().catch(() => undefined);
  audio = { ctx, timer };
}

function stopMedia(): void {
  if (audio) {
    clearInterval(audio.timer);
    void audio.ctx.close().catch(() => undefined);
    audio = null;
  }
  stopStream(stream);
  stream = null;
  silentSince = null;
  preview.srcObject = null;
  meter.value = 0;
  meter.dataset['level'] = '0';
  renderMedia();
}

async function startMedia(): Promise<void> {
  stopMedia();
  mediaStart.disabled = true;
  errors.clear();
  try {
    const choice = { ...(cameraSelect.value ? { cameraId: cameraSelect.value } : {}), ...(micSelect.value ? { micId: micSelect.value } : {}) };
    stream = await openMedia(QUALITY_PRESETS[DEFAULT_QUALITY], choice);
    preview.srcObject = stream;
    await preview.play().catch(() => undefined);
    startMeter(stream);
    for (const track of stream.getTracks()) track.addEventListener('ended', () => renderMedia());
    await refreshDevices(); // labels appear once access is granted
  } catch (err: unknown) {
    stopMedia();
    errors.show(err);
  } finally {
    mediaStart.disabled = false;
    renderMedia();
  }
}

function onDeviceChoice(select: HTMLSelectElement, key: string): void {
  writeStorage('local', key, select.value || null);
  if (stream) void startMedia();
}

// --- 3. token inspector ---------------------------------------------------------------------------------------------

const inspectInput = byId('inspect-input', HTMLTextAreaElement);
const verdict = byId('inspect-verdict', HTMLElement);
let inspection: Inspection | null = null;

/** A list in the page language ("a, b" / "a、b"). */
function list(items: readonly string[]): string {
  return items.join(getLang() === 'zh-TW' ? '、' : ', ');
}

function setText(id: string, text: string, title?: string): void {
  const node = byId(id, HTMLElement);
  node.textContent = text;
  if (title !== undefined) node.title = title;
}

function renderCountdown(): void {
  const node = byId('inspect-countdown', HTMLElement);
  if (!inspection?.ok) return;
  const left = secondsLeft(inspection.info, Date.now());
  node.dataset['expired'] = String(left < 0);
  node.textContent = left < 0 ? t('token.expiredNow') : t('token.countdown', { left: formatCountdown(left) });
}

function renderInspection(): void {
  const facts = byId('inspect-facts', HTMLElement);
  const raw = byId('inspect-raw', HTMLElement);
  verdict.hidden = inspection === null;
  facts.hidden = !inspection?.ok;
  raw.hidden = inspection === null || (inspection.header === null && inspection.claims === null);
  if (!inspection) return;
  const problem = inspection.problem;
  verdict.dataset['usable'] = String(problem === null);
  if (problem) {
    verdict.dataset['problem'] = problem.reason;
    const m = messageFor(problem);
    verdict.textContent = t(m.id, m.params);
  } else {
    delete verdict.dataset['problem'];
    verdict.textContent = inspection.ok ? t('tools.token.ok', { pages: list(inspection.pages.map((p) => t(`tools.token.pages.${p}`))) }) : '';
  }
  byId('inspect-header', HTMLElement).textContent = JSON.stringify(inspection.header, null, 2);
  byId('inspect-claims', HTMLElement).textContent = JSON.stringify(inspection.claims, null, 2);
  if (!inspection.ok) return;
  const info = inspection.info;
  setText('inspect-role', t(`token.role.${info.role}`));
  byId('inspect-role', HTMLElement).dataset['role'] = info.role;
  setText('inspect-capabilities', info.capabilities.join(', ') || t('common.none'));
  setText('inspect-pages', list(inspection.pages.map((p) => t(`tools.token.pages.${p}`))) || t('tools.token.pages.none'));
  setText('inspect-user', info.userId || '—');
  setText('inspect-participant', info.participantId);
  setText('inspect-stage', shortArn(info.stageArn), info.stageArn);
  setText('inspect-driver', t(`token.driver.${info.driver}`));
  byId('inspect-driver', HTMLElement).dataset['driver'] = info.driver;
  for (const [id, date] of [['inspect-issued', info.issuedAt], ['inspect-expiry', info.expiresAt]] as const) {
    const node = byId(id, HTMLTimeElement);
    node.dateTime = date.toISOString();
    node.textContent = date.toLocaleString(getLang());
  }
  renderCountdown();
}

function runInspection(): void {
  const text = inspectInput.value;
  if (text.trim() === '') {
    inspection = null;
    renderInspection();
    verdict.hidden = false;
    verdict.dataset['usable'] = 'false';
    verdict.dataset['problem'] = 'tokenMissing';
    verdict.textContent = t('tools.token.empty');
    return;
  }
  inspection = inspectToken(text, { nowMs: Date.now(), config: config.config });
  renderInspection();
}

// --- 4. clock sync --------------------------------------------------------------------------------------------------

const clockStatus = byId('clock-status', HTMLElement);
const clockRun = byId('clock-run', HTMLButtonElement);
let clock: { state: 'idle' | 'noApi' | 'running' | 'done' | 'failed'; estimate?: ClockEstimate; problem?: string } = { state: 'idle' };

function renderClock(): void {
  clockStatus.dataset['state'] = clock.state;
  clockRun.disabled = clock.state === 'running' || clock.state === 'noApi';
  const e = clock.estimate;
  byId('clock-facts', HTMLElement).hidden = !e;
  const ms = (v: number): string => t('tools.clock.ms', { value: v.toFixed(1) });
  if (e) {
    setText('clock-offset', `${e.offsetMs >= 0 ? '+' : ''}${ms(e.offsetMs)}`);
    byId('clock-offset', HTMLElement).dataset['offsetMs'] = String(e.offsetMs);
    setText('clock-error', `± ${ms(e.errorMs)}`);
    setText('clock-rtt', ms(e.rttMs));
    setText('clock-samples', String(e.samples));
  }
  const texts: Record<typeof clock.state, string> = {
    idle: '',
    noApi: t('tools.clock.noApi'),
    running: t('tools.clock.running'),
    done: e ? t('tools.clock.good', { error: e.errorMs.toFixed(1) }) : '',
    failed: t('tools.clock.failed', { detail: clock.problem ?? '' }),
  };
  clockStatus.textContent = texts[clock.state];
}

async function runClock(): Promise<void> {
  if (config.kind !== 'api') {
    clock = { state: 'noApi' };
    renderClock();
    return;
  }
  clock = { state: 'running', ...(clock.estimate ? { estimate: clock.estimate } : {}) };
  renderClock();
  try {
    clock = { state: 'done', estimate: await syncClock({ apiUrl: config.config.apiUrl }) };
  } catch (err: unknown) {
    clock = { state: 'failed', problem: err instanceof Error ? err.message : String(err) };
  }
  renderClock();
}

// --- wiring ---------------------------------------------------------------------------------------------------------

byId('env-rerun', HTMLButtonElement).addEventListener('click', runEnvironment);
mediaStart.addEventListener('click', () => void startMedia());
mediaStop.addEventListener('click', stopMedia);
cameraSelect.addEventListener('change', () => onDeviceChoice(cameraSelect, KEYS.camera));
micSelect.addEventListener('change', () => onDeviceChoice(micSelect, KEYS.mic));
byId('inspect-run', HTMLButtonElement).addEventListener('click', runInspection);
inspectInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) runInspection();
});
byId('inspect-clear', HTMLButtonElement).addEventListener('click', () => {
  inspectInput.value = '';
  inspection = null;
  renderInspection();
});
clockRun.addEventListener('click', () => void runClock());
navigator.mediaDevices?.addEventListener?.('devicechange', () => void refreshDevices());
window.addEventListener('pagehide', stopMedia);

onLangChange(() => {
  renderEnvironment();
  renderMedia();
  if (inspection) renderInspection();
  else if (!verdict.hidden) runInspection();
  renderClock();
  void refreshDevices();
});
setInterval(renderCountdown, 1_000);

runEnvironment();
renderMedia();
renderInspection();
await refreshDevices();
await runClock();
