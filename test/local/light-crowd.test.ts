/**
 * Soak tier (~100 s): a crowd of 200 light subscribers (testkit/light) joins through --media-redirect and leaves
 * nothing on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { joinCrowd } from '../../testkit/light/crowd.js';
import { mediaUrlsOf } from '../../testkit/light/signal.js';
import { publish, type Publisher } from '../../testkit/webrtc/publisher.js';
import { type MediaSandbox, startMediaSandbox } from './media-fixtures.js';

let sb: MediaSandbox;
let publisher: Publisher;
let publisherId: string;

beforeAll(async () => {
  sb = await startMediaSandbox({ mediaRedirect: true });
  const t = await sb.token(['PUBLISH']);
  publisherId = t.participantId;
  publisher = await publish({ whipUrl: mediaUrlsOf(t.token).publish, token: t.token, bitrateKbps: 300 });
  await publisher.connected(30_000);
}, 60_000);

afterAll(async () => {
  await publisher?.close();
  await sb?.close();
});

describe('a crowd', () => {
  it('200 subscribers join and leave with nothing left on the server', async () => {
    const before = sb.media.stats().subscribers;
    const crowd = joinCrowd({
      count: 200,
      rampPerSec: 40,
      maxInFlight: 32,
      publisherId,
      audio: false,
      joinTimeoutMs: 60_000,
      token: async () => (await sb.token(['SUBSCRIBE'])).token,
    });
    try {
      await crowd.settled;
      const stats = crowd.stats();
      expect(stats.started).toBe(200);
      expect(stats.pending).toBe(0);
      // Every subscriber either receives or says why not; on a quiet machine all 200 receive.
      for (const m of crowd.report()) expect(m.ok || m.error !== null).toBe(true);
      expect(stats.receiving).toBeGreaterThan(0);
      process.stdout.write(`crowd of 200: ${stats.receiving} received media, ${stats.failed} failed\n`);
    } finally {
      await crowd.close();
    }
    expect(sb.media.stats().subscribers).toBe(before);
  }, 240_000);
});
