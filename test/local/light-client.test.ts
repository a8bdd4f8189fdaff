/**
 * The light client (testkit/light) against the sandbox with --media-redirect on: the IVS URL layout, redirects,
 * a subscriber that reads SRTP headers only but still sends RTCP the SFU accepts. The 200-subscriber crowd is in the
 * soak tier (light-crowd.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publish, type Publisher } from '../../testkit/webrtc/publisher.js';
import { mediaUrlsOf } from '../../testkit/light/signal.js';
import { MAX_REDIRECTS, postOffer, SignalingError } from '../../testkit/webrtc/signaling.js';
import { subscribeLight } from '../../testkit/light/subscriber.js';
import { type MediaSandbox, sdpOffer, startMediaSandbox } from './media-fixtures.js';

let sb: MediaSandbox;
let publisher: Publisher;
let publisherId: string;

beforeAll(async () => {
  sb = await startMediaSandbox({ mediaRedirect: true });
  const t = await sb.token(['PUBLISH']);
  publisherId = t.participantId;
  // The test kit's publisher goes through the same postOffer, so it follows the 307 too.
  publisher = await publish({ whipUrl: mediaUrlsOf(t.token).publish, token: t.token, bitrateKbps: 300, audio: true });
  await publisher.connected(30_000);
}, 60_000);

afterAll(async () => {
  await publisher?.close();
  await sb?.close();
});

describe('signalling by the IVS layout', () => {
  it('derives the publish and subscribe URLs from the token claims', async () => {
    const { token, participantId } = await sb.token(['SUBSCRIBE']);
    const urls = mediaUrlsOf(token);
    expect(urls.participantId).toBe(participantId);
    expect(urls.publish).toBe(`${sb.url}/whip/publish/${participantId}`);
    expect(urls.subscribe('a b')).toBe(`${sb.url}/whip/subscribe/a%20b`);
    expect(() => mediaUrlsOf('not-a-jwt')).toThrow(SignalingError);
  });

  it('publishes through the 307: same method, body and Bearer token at the Location', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const answer = await postOffer(mediaUrlsOf(token).publish, sdpOffer({ direction: 'sendonly' }), { token });
    expect(answer.redirects).toBe(1);
    expect(new URL(answer.url).pathname).toMatch(/^\/edge\/whip\/publish\//);
    expect(answer.sessionUrl).toMatch(/\/whip\/sessions\/[0-9a-f-]{36}$/);
    expect(answer.sdp).toMatch(/^v=0/);
  });

  it('gives the server error code after a redirect, and stops after MAX_REDIRECTS', async () => {
    const { token } = await sb.token(['SUBSCRIBE']);
    await expect(postOffer(mediaUrlsOf(token).subscribe('nobody'), sdpOffer({ direction: 'recvonly' }), { token })).rejects.toMatchObject({
      status: 404,
      code: 'PUBLISHER_NOT_FOUND',
    });
    // A redirect loop (a misconfigured edge), faked at fetch: the client gives up after MAX_REDIRECTS.
    const loopUrl = `${sb.url}/whip`;
    let calls = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => {
      calls++;
      return new Response(null, { status: 307, headers: { location: loopUrl } });
    }) as typeof fetch;
    try {
      await expect(postOffer(loopUrl, 'v=0', { token })).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls).toBe(MAX_REDIRECTS + 1);
  });
});

describe('the light subscriber', () => {
  it('receives audio and video through the redirect, counts from the clear SRTP headers, and sends receiver reports', async () => {
    const { token } = await sb.token(['SUBSCRIBE']);
    const sub = await subscribeLight({ url: mediaUrlsOf(token).subscribe(publisherId), token, timeoutMs: 30_000 });
    try {
      await sub.waitForPackets(150, 30_000);
      // Receiver reports go out every 0.5-1.5 s once connected.
      await new Promise((r) => setTimeout(r, 1600));
      const s = sub.stats();
      expect(s.redirects).toBe(1);
      expect(s.joinMs).not.toBeNull();
      expect(s.firstPacketMs).not.toBeNull();
      expect(new Set(s.streams.map((x) => x.kind))).toEqual(new Set(['audio', 'video']));
      for (const stream of s.streams) {
        expect(stream.packets).toBeGreaterThan(0);
        expect(stream.bytes).toBeGreaterThan(stream.packets * 12);
      }
      expect(s.reportsSent).toBeGreaterThan(0);
      expect(sub.broken()).toBe(false);
      expect(sb.media.stats().subscribers).toBeGreaterThanOrEqual(1);
    } finally {
      await sub.close();
    }
    expect(sub.sessionUrl).toMatch(/\/whep\/sessions\//);
  }, 60_000);

  it('NACKs lost video through SRTCP, and the SFU (which checks SRTCP) resends what it asked for', async () => {
    const { token } = await sb.token(['SUBSCRIBE']);
    // Every 25th video packet "lost" on arrival: only a NACK the SFU accepted brings it back.
    const sub = await subscribeLight({ url: mediaUrlsOf(token).subscribe(publisherId), token, audio: false, timeoutMs: 30_000, dropEveryNthVideo: 25 });
    try {
      await sub.waitForPackets(400, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      const s = sub.stats();
      const video = s.streams.find((x) => x.kind === 'video');
      expect(s.nacksSent).toBeGreaterThan(0);
      expect(video?.recovered).toBeGreaterThan(0);
      // Retransmitted copies are dropped by the same rule now and then; most come back.
      expect(video?.recovered ?? 0).toBeGreaterThan((s.nackedPackets / 3) * 0.5);
    } finally {
      await sub.close();
    }
  }, 60_000);
});
