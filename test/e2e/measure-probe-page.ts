/**
 * A minimal broadcaster/viewer for the measurement e2e test, served from the sandbox's own origin: the real
 * StageClient (sandbox driver), the real page hooks and the real panels, without the full pages' UI, so the test
 * exercises the panels whatever state the pages are in. `?role=broadcaster|viewer`.
 */
import { initLang } from '../../web/src/i18n/index.js';
import { mountLatencyPanel } from '../../web/src/measure/latency-panel.js';
import { mountStatsPanel } from '../../web/src/measure/stats-panel.js';
import { QUALITY_PRESETS } from '../../web/src/media/presets.js';
import { pageClientReady, pagePublishStream, pageSetVideos, type VideoEntry } from '../../web/src/pages/hooks.js';
import { StageClientEvent, type RemoteParticipant } from '../../web/src/stage/client.js';
import { createStageClient } from '../../web/src/stage/create.js';
import { requestToken } from '../../web/src/token/api.js';
import { decodeToken } from '../../web/src/token/participant-token.js';

const role = new URLSearchParams(location.search).get('role') === 'viewer' ? 'viewer' : 'broadcaster';
document.body.dataset['page'] = role;
document.body.innerHTML =
  '<main style="font:14px system-ui,sans-serif;display:grid;grid-template-columns:360px 1fr;gap:12px">' +
  '<div id="videos"></div><div><section id="latency-panel"></section><section id="stats-panel"></section></div></main>';
initLang();
const apiUrl = `${location.origin}/api`;
mountStatsPanel();
mountLatencyPanel({ page: role, apiUrl, stamp: new URLSearchParams(location.search).get('stamp') !== '0' });

function makeVideo(stream: MediaStream): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  video.width = 320;
  video.srcObject = stream;
  void video.play().catch(() => undefined);
  document.getElementById('videos')?.append(video);
  return video;
}

async function start(): Promise<void> {
  const res = await requestToken(apiUrl, { role: role === 'broadcaster' ? 'publisher' : 'viewer' });
  const client = await createStageClient(decodeToken(res.token));
  const log: string[] = [];
  (window as unknown as { probeLog: string[]; probeClient: unknown }).probeLog = log;
  (window as unknown as { probeClient: unknown }).probeClient = client;
  client.on(StageClientEvent.Log, (e) => log.push(`${e.level}: ${e.message}`));
  client.on(StageClientEvent.Error, (e) => log.push(`error event: ${e.reason}: ${e.message}`));
  pageClientReady(client, role);
  if (role === 'broadcaster') {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 }, audio: true });
    const stream = await pagePublishStream(camera);
    await client.join({ publish: { stream, quality: QUALITY_PRESETS['480p'] }, subscribe: false });
    pageSetVideos([{ participantId: res.participantId, userId: res.userId, video: makeVideo(stream), local: true }]);
  } else {
    const shown = new Map<string, VideoEntry>();
    const show = (p: RemoteParticipant): void => {
      if (!p.stream || shown.get(p.id)?.video.srcObject === p.stream) return;
      shown.get(p.id)?.video.remove();
      shown.set(p.id, { participantId: p.id, userId: p.userId, video: makeVideo(p.stream), local: false });
      pageSetVideos([...shown.values()]);
    };
    client.on(StageClientEvent.ParticipantJoined, show);
    client.on(StageClientEvent.ParticipantUpdated, show);
    await client.join({ subscribe: true });
    for (const p of client.participants()) show(p);
  }
  document.body.dataset['joined'] = 'true';
}

start().catch((err: unknown) => {
  document.body.dataset['error'] = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
});
