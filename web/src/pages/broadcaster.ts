/**
 * The broadcaster page: pick camera, mic and quality (remembered), preview, go live with a publisher token, mute,
 * stop. The StageClient driver comes from the token (createStageClient), so a pasted real IVS token uses the IVS SDK.
 */
import { onLangChange, t } from '../i18n/index.js';
import { listDevices, openMedia, stopStream, type DeviceLists } from '../media/devices.js';
import {
  DEFAULT_QUALITY,
  QUALITY_PRESETS,
  QUALITY_PRESET_IDS,
  isQualityPresetId,
  type QualityPreset,
} from '../media/presets.js';
import { StageClientEvent, type MuteState, type StageClient } from '../stage/client.js';
import { ConnectionState } from '../stage/connection-state.js';
import { createStageClient } from '../stage/create.js';
import { StageError } from '../stage/errors.js';
import { byId, el, readStorage, writeStorage } from '../ui/dom.js';
import { StageStatusView } from '../ui/stage-status.js';
import { TokenPanel } from '../ui/token-panel.js';
import { startPage } from './common.js';
import { pageClientGone, pageClientReady, pagePublishStream, pageSetVideos } from './hooks.js';

const KEYS = { camera: 'ivs-test.camera', mic: 'ivs-test.mic', quality: 'ivs-test.quality' } as const;

const { log, errors, config } = await startPage('broadcaster');
const tokens = new TokenPanel('publisher', config, log, errors);
const status = new StageStatusView(byId('live-duration', HTMLElement), log, errors);

const preview = byId('preview', HTMLVideoElement);
const previewEmpty = byId('preview-empty', HTMLElement);
const liveBadge = byId('live-badge', HTMLElement);
const cameraSelect = byId('camera-select', HTMLSelectElement);
const micSelect = byId('mic-select', HTMLSelectElement);
const qualitySelect = byId('quality-select', HTMLSelectElement);
const cameraToggle = byId('camera-toggle', HTMLButtonElement);
const startBtn = byId('publish-start', HTMLButtonElement);
const stopBtn = byId('publish-stop', HTMLButtonElement);
const muteVideoBtn = byId('mute-video', HTMLButtonElement);
const muteAudioBtn = byId('mute-audio', HTMLButtonElement);
const cameraState = byId('camera-state', HTMLElement);
const micState = byId('mic-state', HTMLElement);
const deviceNote = byId('device-note', HTMLElement);

let camera: MediaStream | null = null;
let client: StageClient | null = null;
let mute: MuteState = { audio: false, video: false };
let busy = false;

// --- quality and devices ---------------------------------------------------------------------------------------------

function quality(): QualityPreset {
  return QUALITY_PRESETS[isQualityPresetId(qualitySelect.value) ? qualitySelect.value : DEFAULT_QUALITY];
}

function renderQualityOptions(): void {
  const selected = qualitySelect.value || readStorage('local', KEYS.quality) || DEFAULT_QUALITY;
  qualitySelect.replaceChildren(
    ...QUALITY_PRESET_IDS.map((id) => {
      const p = QUALITY_PRESETS[id];
      const text = t('bc.quality.option', { id, width: p.width, height: p.height, fps: p.frameRate, kbps: p.maxBitrateKbps });
      return el('option', { text, attrs: { value: id } });
    }),
  );
  qualitySelect.value = isQualityPresetId(selected) ? selected : DEFAULT_QUALITY;
}

function fillDeviceSelect(select: HTMLSelectElement, devices: readonly MediaDeviceInfo[], key: string, kind: string): void {
  const wanted = select.value || readStorage('local', key) || '';
  const options = [el('option', { text: t('bc.device.default'), attrs: { value: '' } })];
  devices.forEach((d, i) => options.push(el('option', { text: d.label || t('bc.device.unnamed', { kind, n: i + 1 }), attrs: { value: d.deviceId } })));
  select.replaceChildren(...options);
  select.value = devices.some((d) => d.deviceId === wanted) ? wanted : '';
}

let lastDevices: DeviceLists = { cameras: [], mics: [] };
async function refreshDevices(): Promise<void> {
  try {
    lastDevices = await listDevices();
  } catch (err: unknown) {
    log.info('media', 'log.devicesFailed', { detail: err instanceof Error ? err.message : String(err) }, 'warn');
  }
  fillDeviceSelect(cameraSelect, lastDevices.cameras, KEYS.camera, t('bc.camera'));
  fillDeviceSelect(micSelect, lastDevices.mics, KEYS.mic, t('bc.mic'));
}

function choice(): { cameraId?: string; micId?: string } {
  return {
    ...(cameraSelect.value ? { cameraId: cameraSelect.value } : {}),
    ...(micSelect.value ? { micId: micSelect.value } : {}),
  };
}

// --- camera -------------------------------------------------------------------------------------------------------

function setDeviceState(node: HTMLElement, state: 'off' | 'on' | 'muted' | 'hidden' | 'ended'): void {
  node.dataset['state'] = state;
  node.textContent = t(`device.${state}`);
}

function renderDevices(): void {
  const video = camera?.getVideoTracks()[0];
  const audio = camera?.getAudioTracks()[0];
  const videoEnded = video?.readyState === 'ended';
  const audioEnded = audio?.readyState === 'ended';
  setDeviceState(cameraState, !video ? 'off' : videoEnded ? 'ended' : mute.video ? 'hidden' : 'on');
  setDeviceState(micState, !audio ? 'off' : audioEnded ? 'ended' : mute.audio ? 'muted' : 'on');
  previewEmpty.hidden = camera !== null;
  cameraToggle.textContent = t(camera ? 'bc.preview.stop' : 'bc.preview.start');
  cameraToggle.disabled = busy || isLive();
  muteVideoBtn.setAttribute('aria-pressed', String(mute.video));
  muteAudioBtn.setAttribute('aria-pressed', String(mute.audio));
  muteVideoBtn.textContent = t(mute.video ? 'bc.unmuteVideo' : 'bc.muteVideo');
  muteAudioBtn.textContent = t(mute.audio ? 'bc.unmuteAudio' : 'bc.muteAudio');
}

function applyLocalMute(): void {
  for (const track of camera?.getVideoTracks() ?? []) track.enabled = !mute.video;
  for (const track of camera?.getAudioTracks() ?? []) track.enabled = !mute.audio;
}

function publishVideos(): void {
  const info = tokens.current()?.info;
  pageSetVideos(camera ? [{ participantId: info?.participantId ?? 'local', userId: info?.userId ?? '', video: preview, local: true }] : []);
}

async function openCamera(): Promise<boolean> {
  stopCamera();
  try {
    camera = await openMedia(quality(), choice());
  } catch (err: unknown) {
    const error = StageError.from(err);
    errors.show(error);
    log.failure('error', 'media', error);
    renderDevices();
    return false;
  }
  const stream = camera;
  for (const track of stream.getTracks()) {
    track.addEventListener('ended', () => {
      if (camera !== stream) return;
      const kind = track.kind === 'video' ? t('bc.camera') : t('bc.mic');
      errors.show(StageError.deviceBusy(new Error(`${track.kind} track ended`)));
      log.info('media', 'bc.trackEnded', { kind }, 'warn');
      renderDevices();
    });
  }
  applyLocalMute();
  preview.srcObject = stream;
  void preview.play().catch(() => undefined); // muted preview: autoplay is allowed; nothing to do if not
  const settings = stream.getVideoTracks()[0]?.getSettings();
  log.info('media', 'bc.cameraOpened', { width: settings?.width ?? '?', height: settings?.height ?? '?' });
  await refreshDevices(); // labels appear only after permission
  renderDevices();
  publishVideos();
  return true;
}

function stopCamera(): void {
  if (!camera) return;
  stopStream(camera);
  camera = null;
  preview.srcObject = null;
  log.info('media', 'bc.cameraClosed');
  renderDevices();
  publishVideos();
}

// --- stage --------------------------------------------------------------------------------------------------------

function isLive(): boolean {
  return client !== null && client.state !== ConnectionState.Disconnected && client.state !== ConnectionState.Failed;
}

function renderLive(): void {
  const live = isLive();
  startBtn.hidden = live;
  stopBtn.hidden = !live;
  startBtn.disabled = busy;
  stopBtn.disabled = false;
  liveBadge.hidden = client?.state !== ConnectionState.Connected;
  document.body.dataset['live'] = String(client?.state === ConnectionState.Connected);
  renderDevices();
}

async function goLive(): Promise<void> {
  if (busy || isLive()) return;
  errors.clear();
  const token = tokens.usable();
  if (!token) return;
  busy = true;
  renderLive();
  try {
    if (!camera || camera.getTracks().some((tr) => tr.readyState === 'ended')) {
      if (!(await openCamera())) return;
    }
    const stream = await pagePublishStream(camera as MediaStream);
    const next = await createStageClient(token);
    client = next;
    status.bind(next);
    next.on(StageClientEvent.ConnectionStateChanged, () => {
      if (client === next) renderLive();
    });
    next.on(StageClientEvent.LocalMuteChanged, (m) => {
      mute = m;
      renderDevices();
    });
    pageClientReady(next, 'broadcaster');
    await next.setMuted(mute);
    log.info('stage', 'bc.publishing', { quality: quality().id });
    await next.join({ publish: { stream, quality: quality() }, subscribe: false });
  } catch (err: unknown) {
    const error = StageError.from(err);
    errors.show(error);
    log.failure('error', 'stage', error);
    pageClientGone();
  } finally {
    busy = false;
    renderLive();
  }
}

async function stop(): Promise<void> {
  const current = client;
  if (!current) return;
  stopBtn.disabled = true;
  await current.leave();
  pageClientGone();
  log.info('stage', 'bc.stopped');
  renderLive();
}

async function toggleMute(kind: 'audio' | 'video'): Promise<void> {
  const next: MuteState = { ...mute, [kind]: !mute[kind] };
  // Live: the client mutes the published tracks and tells the others; before that, only the preview changes.
  if (client && isLive()) await client.setMuted(next);
  mute = next;
  applyLocalMute();
  renderDevices();
}

// --- wiring -------------------------------------------------------------------------------------------------------

renderQualityOptions();
await refreshDevices();
renderDevices();
renderLive();
await tokens.init();

cameraToggle.addEventListener('click', () => {
  if (camera) stopCamera();
  else void openCamera();
});
startBtn.addEventListener('click', () => void goLive());
stopBtn.addEventListener('click', () => void stop());
muteVideoBtn.addEventListener('click', () => void toggleMute('video'));
muteAudioBtn.addEventListener('click', () => void toggleMute('audio'));

function onDeviceChoice(select: HTMLSelectElement, key: string): void {
  writeStorage('local', key, select.value || null);
  if (isLive()) deviceNote.textContent = t('bc.qualityWhileLive');
  else if (camera) void openCamera();
}
cameraSelect.addEventListener('change', () => onDeviceChoice(cameraSelect, KEYS.camera));
micSelect.addEventListener('change', () => onDeviceChoice(micSelect, KEYS.mic));
qualitySelect.addEventListener('change', () => onDeviceChoice(qualitySelect, KEYS.quality));
navigator.mediaDevices?.addEventListener?.('devicechange', () => void refreshDevices());
onLangChange(() => {
  renderQualityOptions();
  fillDeviceSelect(cameraSelect, lastDevices.cameras, KEYS.camera, t('bc.camera'));
  fillDeviceSelect(micSelect, lastDevices.mics, KEYS.mic, t('bc.mic'));
  renderDevices();
});
tokens.onChange(() => publishVideos());
// Closing the tab ends the session right away, so viewers see the publisher leave without waiting for a timeout.
addEventListener('pagehide', () => void client?.leave());
