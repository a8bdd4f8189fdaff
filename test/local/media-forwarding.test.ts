/**
 * The SFU with real peers: a Node WHIP publisher (synthetic VP8 + Opus RTP) and Node WHEP subscribers (werift, no
 * decoding), all on 127.0.0.1. Checks forwarding to several subscribers, keyframe requests reaching the publisher,
 * the events the SFU reports, and that DELETE, DisconnectParticipant and DeleteStage end sessions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateStageCommand, DeleteStageCommand, DisconnectParticipantCommand } from '@aws-sdk/client-ivs-realtime';
import { createClientPeer, OPUS, VP8 } from '../../testkit/webrtc/peer.js';
import { postOffer } from '../../testkit/webrtc/signaling.js';
import { publish } from '../../testkit/webrtc/publisher.js';
import { subscribe, type Subscriber } from '../../testkit/webrtc/subscriber.js';
import { registerMedia } from '../../local/src/media/plugin.js';
import type { MediaEventSink, VerifiedParticipant } from '../../local/src/media/types.js';
import { type MediaSandbox, startMediaSandbox } from './media-fixtures.js';

const events: string[] = [];
/** Records what the SFU reports, then passes it on to the control plane as usual. */
const recording = (sink: MediaEventSink): MediaEventSink => ({
  publishStarted: (p: VerifiedParticipant) => {
    events.push(`publishStarted ${p.participantId}`);
    sink.publishStarted(p);
  },
  publishStopped: (p) => {
    events.push(`publishStopped ${p.participantId}`);
    sink.publishStopped(p);
  },
  subscribeStarted: (p, pub) => {
    events.push(`subscribeStarted ${p.participantId} ${pub}`);
    sink.subscribeStarted(p, pub);
  },
  subscribeStopped: (p, pub) => {
    events.push(`subscribeStopped ${p.participantId} ${pub}`);
    sink.subscribeStopped(p, pub);
  },
});

let sb: MediaSandbox;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  sb = await startMediaSandbox({ registerMedia: (app, deps) => registerMedia(app, { ...deps, events: recording(deps.events) }) });
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

afterAll(async () => {
  await sb.close();
});

async function startPublisher(stageArn = sb.stageArn, options: { audio?: boolean } = {}) {
  const t = await sb.token(['PUBLISH'], stageArn);
  const pub = await publish({ whipUrl: `${sb.url}/whip/publish/${t.participantId}`, token: t.token, audio: options.audio ?? true, bitrateKbps: 300 });
  open.push(pub);
  await pub.connected();
  return { pub, participantId: t.participantId };
}

async function startSubscriber(publisherId: string, stageArn = sb.stageArn): Promise<{ sub: Subscriber; participantId: string }> {
  const t = await sb.token(['SUBSCRIBE'], stageArn);
  const sub = await subscribe({ whepUrl: `${sb.url}/whip/subscribe/${publisherId}`, token: t.token });
  open.push(sub);
  return { sub, participantId: t.participantId };
}

/** Polls until `check` holds (state the server reaches asynchronously); fails with `what` after a generous wait. */
async function eventually(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('forwarding', () => {
  it('forwards audio and video from one publisher to two subscribers and relays their keyframe requests', async () => {
    const { pub, participantId } = await startPublisher();
    const a = await startSubscriber(participantId);
    const b = await startSubscriber(participantId);
    await Promise.all([a.sub.waitForPackets(120, 20_000), b.sub.waitForPackets(120, 20_000)]);

    for (const { sub } of [a, b]) {
      const s = sub.stats();
      expect(s.video.packets).toBeGreaterThan(0);
      expect(s.audio.packets).toBeGreaterThan(0);
      // Payloads arrive byte for byte: the publisher sends 1 descriptor byte + 0x5a filler per video packet.
      expect(s.video.bytes / s.video.packets).toBeGreaterThan(100);
    }
    // Each subscriber's start asks the publisher for a keyframe (merged within 500 ms, so at least one).
    expect(pub.stats().keyframeRequests).toBeGreaterThanOrEqual(1);
    const stats = sb.media.stats();
    expect(stats).toMatchObject({ publishers: 1, subscribers: 2, peerConnections: 3 });
    expect(stats.forwardedPackets).toBeGreaterThanOrEqual(240);

    await eventually('started events', () => events.filter((e) => e.startsWith('subscribeStarted')).length >= 2);
    expect(events).toContain(`publishStarted ${participantId}`);
    expect(events).toContain(`subscribeStarted ${a.participantId} ${participantId}`);
    expect(events).toContain(`subscribeStarted ${b.participantId} ${participantId}`);
  }, 60_000);

  it('forwards H.264 as negotiated with the publisher, to a subscriber that prefers VP8 but accepts H.264', async () => {
    const t = await sb.token(['PUBLISH']);
    const pub = await publish({ whipUrl: `${sb.url}/whip/publish/${t.participantId}`, token: t.token, videoCodec: 'H264', bitrateKbps: 300 });
    open.push(pub);
    await pub.connected();
    const s = await sb.token(['SUBSCRIBE']);
    const sub = await subscribe({ whepUrl: `${sb.url}/whip/subscribe/${t.participantId}`, token: s.token, audio: false, videoCodecs: ['VP8', 'H264'] });
    open.push(sub);
    await sub.waitForPackets(60, 20_000);
    expect(sub.stats().video.packets).toBeGreaterThanOrEqual(60);
  }, 60_000);

  it('DELETE of one subscriber session ends only that subscriber', async () => {
    const { participantId } = await startPublisher();
    const a = await startSubscriber(participantId);
    const b = await startSubscriber(participantId);
    await Promise.all([a.sub.waitForPackets(20, 20_000), b.sub.waitForPackets(20, 20_000)]);
    await a.sub.close();
    await eventually('subscriber A gone', () => sb.media.stats().subscribers === 1);
    expect(events).toContain(`subscribeStopped ${a.participantId} ${participantId}`);
    const before = b.sub.stats().video.packets;
    await b.sub.waitForPackets(before + 40, 20_000);
    expect(b.sub.stats().connectionState).toBe('connected');
  }, 60_000);

  it('DisconnectParticipant on the publisher ends its session and its subscribers', async () => {
    const { pub, participantId } = await startPublisher();
    const a = await startSubscriber(participantId);
    await a.sub.waitForPackets(20, 20_000);
    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn: sb.stageArn, participantId }));
    expect(sb.media.stats()).toMatchObject({ publishers: 0, subscribers: 0 });
    expect(events).toContain(`publishStopped ${participantId}`);
    expect(events).toContain(`subscribeStopped ${a.participantId} ${participantId}`);
    // The clients see their peer connections end (DTLS close alert from the server).
    await expect(a.sub.ended).resolves.toMatch(/closed|failed/);
    await expect(pub.ended).resolves.toMatch(/closed|failed/);
  }, 60_000);

  it('DisconnectParticipant on a subscriber ends only its subscription', async () => {
    const { participantId } = await startPublisher();
    const a = await startSubscriber(participantId);
    await a.sub.waitForPackets(20, 20_000);
    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn: sb.stageArn, participantId: a.participantId }));
    expect(sb.media.stats()).toMatchObject({ publishers: 1, subscribers: 0 });
    await expect(a.sub.ended).resolves.toMatch(/closed|failed/);
  }, 60_000);

  it('DeleteStage ends every session on the stage and no other', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'doomed' }));
    const arn = created.stage?.arn ?? '';
    const other = await startPublisher();
    const doomed = await startPublisher(arn);
    const a = await startSubscriber(doomed.participantId, arn);
    await a.sub.waitForPackets(20, 20_000);
    await sb.ivs.send(new DeleteStageCommand({ arn }));
    await expect(a.sub.ended).resolves.toMatch(/closed|failed/);
    await expect(doomed.pub.ended).resolves.toMatch(/closed|failed/);
    expect(sb.media.stats()).toMatchObject({ publishers: 1, subscribers: 0 });
    expect(other.pub.stats().connectionState).toBe('connected');
  }, 60_000);

  it('closes the session of a subscriber that vanishes without DELETE (no consent, no packets)', async () => {
    const { participantId } = await startPublisher();
    const t = await sb.token(['SUBSCRIBE']);
    const peer = await createClientPeer({ audio: [OPUS()], video: [VP8()] });
    peer.pc.addTransceiver('audio', { direction: 'recvonly' });
    peer.pc.addTransceiver('video', { direction: 'recvonly' });
    const answer = await postOffer(`${sb.url}/whip/subscribe/${participantId}`, await peer.offer(), { token: t.token });
    await peer.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await eventually('the subscriber to connect', () => sb.media.stats().subscribers === 1 && events.includes(`subscribeStarted ${t.participantId} ${participantId}`));
    await peer.close(); // sockets gone, nothing said to the server
    // ICE consent (RFC 7675) runs out after ~30 s; the idle sweep would catch it too.
    await eventually('the server to end the session', () => sb.media.stats().subscribers === 0, 90_000);
    expect(events).toContain(`subscribeStopped ${t.participantId} ${participantId}`);
  }, 120_000);

  it('leaves no peer connection open once every client has gone', async () => {
    for (const c of open.splice(0)) await c.close();
    await eventually('all peers released', () => sb.media.stats().peerConnections === 0);
    expect(sb.media.stats()).toMatchObject({ publishers: 0, subscribers: 0, peerConnections: 0 });
  }, 30_000);
});
