/**
 * The control plane with the real SFU and real peers (Node werift clients from bench/clients, all on 127.0.0.1):
 * what the SFU reports reaches the pages' events WebSocket and IVS's records (ListParticipantEvents, sessions), and
 * DisconnectParticipant ends the real peer connections. Forwarding itself is the media tests' subject.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  CreateParticipantTokenCommand,
  DisconnectParticipantCommand,
  GetStageSessionCommand,
  ListParticipantEventsCommand,
} from '@aws-sdk/client-ivs-realtime';
import { publish } from '../../testkit/webrtc/publisher.js';
import { subscribe } from '../../testkit/webrtc/subscriber.js';
import { EventsClient, type RunningSandbox, startSandbox } from './helpers.js';

let sb: RunningSandbox;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  sb = await startSandbox({ media: true, iceAddresses: ['127.0.0.1'], events: { countsIntervalMs: 0 } });
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await sb?.close();
});

async function mint(capabilities: Array<'PUBLISH' | 'SUBSCRIBE'>, userId: string) {
  const stageArn = sb.app.sandbox.defaultStageArn;
  const t = (await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, capabilities, userId, duration: 60 }))).participantToken;
  return { token: t?.token ?? '', participantId: t?.participantId ?? '' };
}

it('real publish and subscribe reach the events socket and the IVS records; DisconnectParticipant ends them', async () => {
  const stageArn = sb.app.sandbox.defaultStageArn;
  const host = await mint(['PUBLISH'], 'host');
  const viewer = await mint(['SUBSCRIBE'], 'viewer');

  const page = new EventsClient(sb.url);
  const { sessionId } = await page.join(viewer.token);

  const pub = await publish({ whipUrl: `${sb.url}/whip/publish/${host.participantId}`, token: host.token, bitrateKbps: 200 });
  open.push(pub);
  await pub.connected(20_000);
  expect((await page.nextOf('participantPublished')).participant).toMatchObject({ participantId: host.participantId, userId: 'host' });
  let counts = await page.nextOf('counts');
  while (counts.counts.publishers !== 1) counts = await page.nextOf('counts');
  expect(counts.counts).toEqual({ publishers: 1, subscribers: 1 });

  const sub = await subscribe({ whepUrl: `${sb.url}/whip/subscribe/${host.participantId}`, token: viewer.token });
  open.push(sub);
  await sub.waitForPackets(10, 20_000);

  await sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: host.participantId, reason: 'done' }));
  expect((await page.nextOf('participantLeft')).participantId).toBe(host.participantId);
  await expect(pub.ended).resolves.toMatch(/closed|failed/);
  await expect(sub.ended).resolves.toMatch(/closed|failed/);
  expect(sb.app.sandbox.media?.stats()).toMatchObject({ publishers: 0, subscribers: 0 });

  const names = async (participantId: string) =>
    ((await sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId }))).events ?? []).map(
      (e) => [e.name, e.remoteParticipantId],
    );
  expect(await names(host.participantId)).toEqual([
    ['JOINED', undefined],
    ['PUBLISH_STARTED', undefined],
    ['PUBLISH_STOPPED', undefined],
    ['LEFT', undefined],
  ]);
  expect(await names(viewer.participantId)).toEqual([
    ['JOINED', undefined],
    ['SUBSCRIBE_STARTED', host.participantId],
    ['SUBSCRIBE_STOPPED', host.participantId],
  ]);

  // The viewer's page is still joined, so the session goes on; when it leaves, the session ends.
  expect((await sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId }))).stageSession?.endTime).toBeUndefined();
  page.close();
  await page.closed;
  // The server sees the close on its own side of the socket, possibly after the client does.
  while (sb.app.sandbox.hub.connectionCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  expect((await sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId }))).stageSession?.endTime).toBeInstanceOf(Date);
}, 90_000);
