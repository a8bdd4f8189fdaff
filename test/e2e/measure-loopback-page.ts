/**
 * Both measurement panels in one page over a WebRTC loopback (no SFU): the broadcaster half publishes through the page
 * hooks (so the latency panel's stamper is what gets sent), the viewer half shows the received video through the hooks
 * (so the panel's reader decodes it), and a stand-in StageClient hands the stats panel the loopback's getStats().
 * Tests the panels end to end in Chromium independently of the sandbox's media plane.
 */
import { initLang } from '../../web/src/i18n/index.js';
import { mountLatencyPanel } from '../../web/src/measure/latency-panel.js';
import { mountStatsPanel } from '../../web/src/measure/stats-panel.js';
import { pageClientReady, pagePublishStream, pageSetVideos } from '../../web/src/pages/hooks.js';
import type { StageClient } from '../../web/src/stage/client.js';
import type { StatsSample, StreamStatsSample } from '../../web/src/stage/stats-sample.js';

document.body.innerHTML =
  '<main style="font:14px system-ui,sans-serif;display:grid;grid-template-columns:340px 1fr;gap:12px"><div id="videos"></div><div>' +
  '<section id="latency-send"></section><section id="latency-panel"></section><section id="stats-panel"></section></div></main>';
initLang();
mountLatencyPanel({ page: 'broadcaster', section: document.getElementById('latency-send'), apiUrl: null, stamp: true });
mountLatencyPanel({ page: 'viewer', apiUrl: null });
mountStatsPanel();

function video(stream: MediaStream): HTMLVideoElement {
  const v = document.createElement('video');
  v.muted = true;
  v.playsInline = true;
  v.autoplay = true;
  v.width = 320;
  v.srcObject = stream;
  void v.play().catch(() => undefined);
  document.getElementById('videos')?.append(v);
  return v;
}

async function start(): Promise<void> {
  const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 }, audio: false });
  const stream = await pagePublishStream(camera);
  const pub = new RTCPeerConnection();
  const sub = new RTCPeerConnection();
  pub.onicecandidate = (e) => void (e.candidate && sub.addIceCandidate(e.candidate));
  sub.onicecandidate = (e) => void (e.candidate && pub.addIceCandidate(e.candidate));
  for (const track of stream.getTracks()) pub.addTrack(track, stream);
  sub.ontrack = (e) => {
    pageSetVideos([
      { participantId: 'local', userId: 'host', video: video(stream), local: true },
      { participantId: 'remote-host', userId: 'host', video: video(e.streams[0] ?? new MediaStream([e.track])), local: false },
    ]);
  };
  // Announce the "client" before media flows, as the pages do: time to first frame counts from here.
  const client = {
    async collectStats(): Promise<StatsSample> {
      const streams: StreamStatsSample[] = [];
      for (const s of pub.getSenders()) if (s.track) streams.push({ participantId: 'local', kind: 'video', direction: 'outbound', rtc: await s.getStats() });
      for (const r of sub.getReceivers()) streams.push({ participantId: 'remote-host', kind: 'video', direction: 'inbound', rtc: await r.getStats() });
      return { at: performance.now(), streams };
    },
  } as unknown as StageClient;
  pageClientReady(client, 'viewer');
  await pub.setLocalDescription();
  await sub.setRemoteDescription(pub.localDescription as RTCSessionDescriptionInit);
  await sub.setLocalDescription();
  await pub.setRemoteDescription(sub.localDescription as RTCSessionDescriptionInit);
  document.body.dataset['joined'] = 'true';
}

start().catch((err: unknown) => {
  document.body.dataset['error'] = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
});
