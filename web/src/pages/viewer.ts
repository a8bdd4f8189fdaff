/**
 * The viewer page: join with a viewer token, watch every publisher (up to 12) in a labelled grid, with autoplay and
 * a one-click play/unmute fallback when the browser blocks it.
 */
import { onLangChange, t } from '../i18n/index.js';
import { StageClientEvent, type RemoteParticipant, type StageClient } from '../stage/client.js';
import { ConnectionState } from '../stage/connection-state.js';
import { createStageClient } from '../stage/create.js';
import { StageError } from '../stage/errors.js';
import { byId } from '../ui/dom.js';
import { StageStatusView } from '../ui/stage-status.js';
import { TokenPanel } from '../ui/token-panel.js';
import { NetworkSim } from '../ui/network-sim.js';
import { VideoGrid } from '../ui/video-grid.js';
import { startPage } from './common.js';
import { pageClientGone, pageClientReady, pageSetVideos } from './hooks.js';

const { log, errors, config } = await startPage('viewer');
const tokens = new TokenPanel('viewer', config, log, errors);
const status = new StageStatusView(byId('watch-duration', HTMLElement), log, errors);
const joinBtn = byId('join', HTMLButtonElement);
const leaveBtn = byId('leave', HTMLButtonElement);
const notice = byId('viewer-notice', HTMLElement);
const empty = byId('grid-empty', HTMLElement);

const grid = new VideoGrid(byId('grid', HTMLUListElement), byId('play-fallback', HTMLButtonElement), {
  onVideos: (videos) => pageSetVideos(videos),
  onAutoplay: (outcome) => {
    if (outcome === 'blocked') notice.textContent = t('vw.autoplayBlocked');
    else if (outcome === 'muted') notice.textContent = t('vw.mutedAutoplay');
    log.info('media', `log.autoplay.${outcome}`, undefined, outcome === 'playing' ? 'info' : 'warn');
  },
  onLayerChoice: (participantId, choice) => {
    const c = client;
    if (!c) return;
    const user = c.participants().find((p) => p.id === participantId)?.userId || participantId;
    c.setPreferredLayer(participantId, choice).then(
      () => log.info('media', 'vw.layerChosen', { user, layer: t(`vw.layer.${choice}`) }),
      (err: unknown) => log.info('media', 'vw.layerFailed', { user, detail: err instanceof Error ? err.message : String(err) }, 'warn'),
    );
  },
});

let client: StageClient | null = null;
let busy = false;
const networkSim = new NetworkSim(byId('net-sim', HTMLSelectElement), log);

function active(): boolean {
  return client !== null && client.state !== ConnectionState.Disconnected && client.state !== ConnectionState.Failed;
}

function render(): void {
  const joined = active();
  joinBtn.hidden = joined;
  leaveBtn.hidden = !joined;
  joinBtn.disabled = busy;
  const connected = client?.state === ConnectionState.Connected;
  empty.hidden = grid.size > 0;
  empty.textContent = t(joined ? 'vw.empty' : 'vw.notJoined');
  document.body.dataset['joined'] = String(connected);
}

function show(p: RemoteParticipant): void {
  const before = grid.has(p.id);
  const result = grid.upsert(p);
  if (result === 'full') notice.textContent = t('vw.tooMany', { max: grid.max });
  if (!before && grid.has(p.id)) {
    log.info('stage', 'vw.publisherJoined', { user: p.userId || p.id });
    // Someone is publishing again: "publisher stopped" no longer describes the stage.
    if (errors.reason === 'publisherGone') errors.clear();
  }
  if (before && !grid.has(p.id)) gone(p.userId || p.id);
  render();
}

function gone(user: string): void {
  log.info('stage', 'vw.publisherLeft', { user });
  errors.show(StageError.publisherGone(user));
}

async function join(): Promise<void> {
  if (busy || active()) return;
  errors.clear();
  notice.textContent = '';
  const token = tokens.usable();
  if (!token) return;
  busy = true;
  render();
  try {
    const next = await createStageClient(token);
    client = next;
    status.bind(next);
    next.on(StageClientEvent.ConnectionStateChanged, (change) => {
      if (client !== next) return;
      if (change.state === ConnectionState.Disconnected || change.state === ConnectionState.Failed) grid.clear();
      render();
    });
    next.on(StageClientEvent.ParticipantJoined, show);
    next.on(StageClientEvent.ParticipantUpdated, show);
    next.on(StageClientEvent.ParticipantLeft, ({ participantId, userId }) => {
      if (grid.remove(participantId)) gone(userId || participantId);
      render();
    });
    pageClientReady(next, 'viewer');
    await next.join({ subscribe: true });
    networkSim.bind(next);
    log.info('stage', 'vw.joined');
  } catch (err: unknown) {
    const error = StageError.from(err);
    errors.show(error);
    log.failure('error', 'stage', error);
    pageClientGone();
  } finally {
    busy = false;
    render();
  }
}

async function leave(): Promise<void> {
  const current = client;
  if (!current) return;
  leaveBtn.disabled = true;
  await current.leave();
  leaveBtn.disabled = false;
  grid.clear();
  networkSim.bind(null);
  pageClientGone();
  log.info('stage', 'vw.left');
  render();
}

await tokens.init();
joinBtn.addEventListener('click', () => void join());
leaveBtn.addEventListener('click', () => void leave());
onLangChange(() => {
  grid.relabel();
  networkSim.relabel();
  render();
});
addEventListener('pagehide', () => void client?.leave());
render();
