/**
 * The control plane driving the media plane through the MediaDeps/MediaPlane seam (local/src/media/types.ts), with a
 * recording fake in place of the SFU: media events reach the events WebSocket, ListParticipantEvents and stage
 * sessions; DisconnectParticipant, DeleteStage and shutdown reach the media plane. The last block checks that the
 * real SFU is what buildApp registers by default.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeletePublicKeyCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetStageSessionCommand,
  ImportPublicKeyCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
  ListStageSessionsCommand,
} from '@aws-sdk/client-ivs-realtime';
import type { FastifyInstance } from 'fastify';
import { buildIvsTokenClaims } from '../../contracts/ivs-token.js';
import type { MediaDeps, MediaPlane, MediaStats, VerifiedParticipant } from '../../local/src/media/types.js';
import { signIvsToken } from '../../local/src/tokens/mint.js';
import { EventsClient, type RunningSandbox, startSandbox } from './helpers.js';

type Call = ['disconnectParticipant', string, string] | ['closeStage', string] | ['close'];

/**
 * Stands in for the SFU: remembers what it was asked, and like the SFU reports publish/subscribe stops for the
 * sessions it ends (a publisher's subscribers end with it).
 */
class FakeMedia implements MediaPlane {
  readonly calls: Call[] = [];
  deps!: MediaDeps;
  /** Open "sessions": participant -> publisher ids it subscribes to ('' = its own publish). */
  private readonly open = new Map<VerifiedParticipant, string[]>();

  readonly register = (_app: FastifyInstance, deps: MediaDeps): MediaPlane => {
    this.deps = deps;
    return this;
  };

  publish(p: VerifiedParticipant): void {
    this.open.set(p, [...(this.open.get(p) ?? []), '']);
    this.deps.events.publishStarted(p);
  }

  subscribe(p: VerifiedParticipant, publisherId: string): void {
    this.open.set(p, [...(this.open.get(p) ?? []), publisherId]);
    this.deps.events.subscribeStarted(p, publisherId);
  }

  private endWhere(match: (p: VerifiedParticipant) => boolean): void {
    for (const [p, sessions] of [...this.open]) {
      if (!match(p)) continue;
      this.open.delete(p);
      for (const s of sessions) {
        if (s !== '') {
          this.deps.events.subscribeStopped(p, s);
          continue;
        }
        // As in the SFU, a publisher's subscribers end with it ("publisherGone").
        for (const [sub, subs] of this.open) {
          if (sub.stageArn !== p.stageArn || !subs.includes(p.participantId)) continue;
          this.open.set(sub, subs.filter((x) => x !== p.participantId));
          this.deps.events.subscribeStopped(sub, p.participantId);
        }
        this.deps.events.publishStopped(p);
      }
    }
  }

  disconnectParticipant(stageArn: string, participantId: string): void {
    this.calls.push(['disconnectParticipant', stageArn, participantId]);
    this.endWhere((p) => p.stageArn === stageArn && p.participantId === participantId);
  }

  closeStage(stageArn: string): void {
    this.calls.push(['closeStage', stageArn]);
    this.endWhere((p) => p.stageArn === stageArn);
  }

  stats(): MediaStats {
    return { publishers: 0, subscribers: 0, peerConnections: 0, forwardedPackets: 0 };
  }

  async close(): Promise<void> {
    this.calls.push(['close']);
    this.endWhere(() => true);
  }
}

let sb: RunningSandbox;
let media: FakeMedia;

beforeAll(async () => {
  media = new FakeMedia();
  sb = await startSandbox({ media: true, registerMedia: media.register, events: { countsIntervalMs: 0 } });
});
afterAll(async () => {
  await sb?.close();
});

async function newStage(name: string): Promise<string> {
  return (await sb.ivs.send(new CreateStageCommand({ name }))).stage?.arn ?? '';
}

async function mint(stageArn: string, userId: string, capabilities: Array<'PUBLISH' | 'SUBSCRIBE'> = ['PUBLISH', 'SUBSCRIBE']) {
  const t = (await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, userId, capabilities }))).participantToken;
  return { token: t?.token ?? '', participantId: t?.participantId ?? '' };
}

async function eventNames(stageArn: string, sessionId: string, participantId: string): Promise<string[]> {
  const out = await sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId }));
  return (out.events ?? []).map((e) => `${e.name ?? ''}${e.remoteParticipantId ? `:${e.remoteParticipantId}` : ''}`);
}

describe('the media plane seam', () => {
  it('gives the media plane a verifier, the hub as event sink and the publisher limit', async () => {
    expect(sb.app.sandbox.media).toBe(media);
    expect(media.deps.events).toBe(sb.app.sandbox.hub);
    expect(media.deps.maxPublishersPerStage).toBe(12);
    const stageArn = await newStage('seam');
    const viewer = await mint(stageArn, 'v', ['SUBSCRIBE']);
    const verified = await media.deps.verifyBearer(`Bearer ${viewer.token}`);
    expect(verified).toMatchObject({ stageArn, participantId: viewer.participantId, userId: 'v', capabilities: ['SUBSCRIBE'] });
    await expect(media.deps.verifyBearer(undefined)).rejects.toMatchObject({ status: 401, code: 'TOKEN_MISSING' });
    await expect(media.deps.verifyBearer('Basic abc')).rejects.toMatchObject({ status: 401, code: 'TOKEN_MALFORMED' });
    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
    await expect(media.deps.verifyBearer(`Bearer ${viewer.token}`)).rejects.toMatchObject({ status: 404, code: 'STAGE_NOT_FOUND' });
  });
});

describe('media events reach pages and the IVS records', () => {
  it('publish, subscribe, DisconnectParticipant: WebSocket pushes, counts, ListParticipantEvents, revocation', async () => {
    const stageArn = await newStage('events');
    const host = await mint(stageArn, 'host');
    const viewer = await mint(stageArn, 'viewer', ['SUBSCRIBE']);

    const viewerPage = new EventsClient(sb.url);
    const welcome = await viewerPage.join(viewer.token);
    expect(welcome.counts).toEqual({ publishers: 0, subscribers: 1 });
    const sessionId = welcome.sessionId;

    // The host publishes from media alone (no events socket): that is a join, as in IVS.
    const hostP = await media.deps.verifyBearer(`Bearer ${host.token}`);
    media.publish(hostP);
    expect((await viewerPage.nextOf('participantJoined')).participant).toMatchObject({ participantId: host.participantId, userId: 'host' });
    const published = await viewerPage.nextOf('participantPublished');
    expect(published.participant).toMatchObject({ participantId: host.participantId, published: true });
    expect((await viewerPage.nextOf('counts')).counts).toEqual({ publishers: 1, subscribers: 1 });

    const viewerP = await media.deps.verifyBearer(`Bearer ${viewer.token}`);
    media.subscribe(viewerP, host.participantId);

    const listed = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, filterByPublished: true }));
    expect(listed.participants?.map((p) => p.userId)).toEqual(['host']);

    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: host.participantId, reason: 'bye' }));
    expect(media.calls).toContainEqual(['disconnectParticipant', stageArn, host.participantId]);
    expect((await viewerPage.nextOf('participantUnpublished')).participantId).toBe(host.participantId);
    expect((await viewerPage.nextOf('participantLeft')).participantId).toBe(host.participantId);

    expect(await eventNames(stageArn, sessionId, host.participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    // The viewer's subscription ended with the publisher; it stays joined through its events socket.
    expect(await eventNames(stageArn, sessionId, viewer.participantId)).toEqual([
      'JOINED',
      `SUBSCRIBE_STARTED:${host.participantId}`,
      `SUBSCRIBE_STOPPED:${host.participantId}`,
    ]);

    // IVS revokes a disconnected participant: its token can't come back over media or events.
    await expect(media.deps.verifyBearer(`Bearer ${host.token}`)).rejects.toMatchObject({ status: 403, code: 'TOKEN_REVOKED' });
    const again = new EventsClient(sb.url);
    await again.opened();
    again.send({ type: 'hello', token: host.token });
    expect(await again.next()).toMatchObject({ type: 'error', code: 'TOKEN_REVOKED' });
    expect((await again.closed).code).toBe(4403);

    viewerPage.close();
    await viewerPage.closed;
    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
  });

  it('a participant on media alone starts and ends the stage session', async () => {
    const stageArn = await newStage('media-only');
    const pub = await mint(stageArn, 'solo');
    const p = await media.deps.verifyBearer(`Bearer ${pub.token}`);
    media.publish(p);
    const sessions = await sb.ivs.send(new ListStageSessionsCommand({ stageArn }));
    const sessionId = sessions.stageSessions?.[0]?.sessionId ?? '';
    expect(sessions.stageSessions).toHaveLength(1);
    expect(sessions.stageSessions?.[0]?.endTime).toBeUndefined();

    media.disconnectParticipant(stageArn, pub.participantId); // e.g. the WHIP DELETE
    const ended = await sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId }));
    expect(ended.stageSession?.endTime).toBeInstanceOf(Date);
    expect(await eventNames(stageArn, sessionId, pub.participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);

    // A new join is a new session, listed newest first.
    media.publish(p);
    const two = await sb.ivs.send(new ListStageSessionsCommand({ stageArn }));
    expect(two.stageSessions).toHaveLength(2);
    expect(two.stageSessions?.[1]?.sessionId).toBe(sessionId);
    const page = await sb.ivs.send(new ListStageSessionsCommand({ stageArn, maxResults: 1 }));
    const rest = await sb.ivs.send(new ListStageSessionsCommand({ stageArn, maxResults: 1, nextToken: page.nextToken }));
    expect(rest.stageSessions?.map((s) => s.sessionId)).toEqual([sessionId]);
    expect(rest.nextToken).toBeUndefined();
    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
  });

  it('DeleteStage closes the stage in the media plane and tells its pages why', async () => {
    const stageArn = await newStage('doomed');
    const a = await mint(stageArn, 'a');
    const page = new EventsClient(sb.url);
    await page.join(a.token);
    media.publish(await media.deps.verifyBearer(`Bearer ${a.token}`));

    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
    expect(media.calls).toContainEqual(['closeStage', stageArn]);
    const bye = await page.nextOf('disconnected');
    expect(bye.reason).toBe('stageDeleted');
    expect((await page.closed).code).toBe(4410);
    expect(sb.app.sandbox.hub.counts(stageArn)).toEqual({ publishers: 0, subscribers: 0 });
  });

  it('accepts tokens self-signed with an imported public key until the key is deleted', async () => {
    const stageArn = await newStage('self-signed');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const imported = await sb.ivs.send(
      new ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    );
    const keyArn = imported.publicKey?.arn ?? '';
    const claims = buildIvsTokenClaims({
      stageArn,
      eventsUrl: `${sb.url.replace('http', 'ws')}/events`,
      whipUrl: `${sb.url}/whip`,
      capabilities: ['SUBSCRIBE'],
      userId: 'self',
      durationMinutes: 10,
      participantId: 'selfSigned01',
      nowMs: Date.now(),
    });
    const token = await signIvsToken(claims, privateKey, keyArn);
    const page = new EventsClient(sb.url);
    expect(await page.join(token)).toMatchObject({ participantId: 'selfSigned01', userId: 'self' });
    page.close();
    await page.closed;

    await sb.ivs.send(new DeletePublicKeyCommand({ arn: keyArn }));
    await expect(media.deps.verifyBearer(`Bearer ${token}`)).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID_SIGNATURE' });
    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
  });
});

describe('shutdown', () => {
  it('closes the media plane and tells pages the server is going away', async () => {
    const fake = new FakeMedia();
    const own = await startSandbox({ media: true, registerMedia: fake.register });
    const { token } = (
      await own.ivs.send(new CreateParticipantTokenCommand({ stageArn: own.app.sandbox.defaultStageArn }))
    ).participantToken ?? { token: '' };
    const page = new EventsClient(own.url);
    await page.join(token ?? '');
    await own.close();
    expect(fake.calls).toContainEqual(['close']);
    expect(await page.nextOf('disconnected')).toMatchObject({ reason: 'serverShutdown' });
    expect((await page.closed).code).toBe(1001);
  });
});

/** A well-formed WHEP-style offer (never applied: every request here is refused before negotiation). */
const RECVONLY_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=recvonly',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`,
  'a=setup:actpass',
  '',
].join('\r\n');

describe('the default media plane', () => {
  it('is the SFU; its refusals are recorded as IVS PUBLISH_ERROR / SUBSCRIBE_ERROR events', async () => {
    const own = await startSandbox({ media: true, iceAddresses: ['127.0.0.1'] });
    try {
      const { app } = own;
      expect(app.sandbox.media?.stats()).toEqual({ publishers: 0, subscribers: 0, peerConnections: 0, forwardedPackets: 0 });
      const offer = (authorization?: string, url = '/whip') =>
        app.inject({ method: 'POST', url, headers: { 'content-type': 'application/sdp', ...(authorization ? { authorization } : {}) }, payload: RECVONLY_OFFER });

      const noToken = await offer();
      expect(noToken.statusCode).toBe(401);
      expect(noToken.json()).toMatchObject({ error: { code: 'TOKEN_MISSING' } });

      const stageArn = app.sandbox.defaultStageArn;
      const viewer = (await own.ivs.send(new CreateParticipantTokenCommand({ stageArn, capabilities: ['SUBSCRIBE'] }))).participantToken;
      const page = new EventsClient(own.url);
      const { sessionId } = await page.join(viewer?.token ?? '');

      const publish = await offer(`Bearer ${viewer?.token}`);
      expect(publish.statusCode).toBe(403);
      expect(publish.json()).toMatchObject({ error: { code: 'CAPABILITY_MISSING' } });
      const nobody = await offer(`Bearer ${viewer?.token}`, '/whip/subscribe/nobodyHere');
      expect(nobody.statusCode).toBe(404);
      expect(nobody.json()).toMatchObject({ error: { code: 'PUBLISHER_NOT_FOUND' } });

      const events = await own.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: viewer?.participantId }));
      expect(events.events?.map((e) => [e.name, e.errorCode, e.remoteParticipantId])).toEqual([
        ['JOINED', undefined, undefined],
        ['PUBLISH_ERROR', 'INSUFFICIENT_CAPABILITIES', undefined],
        ['SUBSCRIBE_ERROR', 'PUBLISHER_NOT_FOUND', 'nobodyHere'],
      ]);
      page.close();
      await page.closed;
    } finally {
      await own.close();
    }
  });
});
