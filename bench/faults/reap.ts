/**
 * Abandoned WHEP sessions: with one live publisher, N viewers POST an offer and vanish (no DELETE, no ICE answer
 * taken), over several cycles. Reports how long the SFU takes to reap them (its connect timeout plus the sweep
 * interval), and RSS after a full GC before, at the peak and after each reap. In-process, so RSS covers the clients'
 * werift state too until they are closed (they are closed right after their POST).
 *
 *   node --expose-gc --import tsx bench/faults/reap.ts [--sessions 300] [--cycles 3] [--port 18320]
 */
import { parseArgs } from 'node:util';
import { RTCRtpCodecParameters } from 'werift';
import { createClientPeer } from '../../testkit/webrtc/peer.js';
import { publish } from '../../testkit/webrtc/publisher.js';
import { buildApp } from '../../local/src/app.js';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '300' }, cycles: { type: 'string', default: '3' }, port: { type: 'string', default: '18320' } } });
const sessions = Number(values.sessions);
const cycles = Number(values.cycles);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const rssMiB = (): number => {
  gc();
  gc();
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
};

const app = await buildApp({ media: true, iceAddresses: ['127.0.0.1'], logger: false });
await app.listen({ port: Number(values.port), host: '127.0.0.1' });
const url = `http://127.0.0.1:${values.port}`;
const { store, defaultStageArn, media } = app.sandbox;
const origin = { http: url, ws: url.replace('http', 'ws') };
const mint = async (capabilities: Array<'PUBLISH' | 'SUBSCRIBE'>) =>
  (await store.createParticipantToken({ stageArn: defaultStageArn, capabilities }, origin)).participantToken;

const p = await mint(['PUBLISH']);
const pub = await publish({ whipUrl: `${url}/whip`, token: p.token, bitrateKbps: 200 });
await pub.connected(10_000);

const rows: string[] = [];
for (let cycle = 1; cycle <= cycles; cycle++) {
  const before = rssMiB();
  for (let i = 0; i < sessions; i++) {
    const s = await mint(['SUBSCRIBE']);
    const peer = await createClientPeer({ audio: [], video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000 })] });
    peer.pc.addTransceiver('video', { direction: 'recvonly' });
    const res = await fetch(`${url}/whip/subscribe/${p.participantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${s.token}` },
      body: await peer.offer(),
    });
    if (res.status !== 201) throw new Error(`WHEP ${res.status}: ${await res.text()}`);
    await res.text();
    // Abandoned: the answer is never applied and no DELETE is sent.
    await peer.close();
  }
  const peak = rssMiB();
  const abandonedAt = performance.now();
  const open = media?.stats().subscribers ?? 0;
  while ((media?.stats().subscribers ?? 0) > 0) await new Promise((r) => setTimeout(r, 250));
  const reapS = ((performance.now() - abandonedAt) / 1000).toFixed(1);
  const after = rssMiB();
  rows.push(`cycle ${cycle}: ${open} open -> 0 in ${reapS} s after the last POST; RSS MiB before ${before}, peak ${peak}, after reap ${after}`);
  process.stdout.write(`${rows.at(-1)}\n`);
}
await pub.close();
await app.close();
const settle = performance.now();
await new Promise((r) => setTimeout(r, 5000));
process.stdout.write(`closed; RSS ${rssMiB()} MiB ${((performance.now() - settle) / 1000).toFixed(0)} s later\n`);
