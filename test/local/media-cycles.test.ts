/**
 * Resource hygiene: 200 publish/subscribe cycles with real (Node, werift) peers leave no peer connection open, no
 * session behind, and memory that levels off. Not a speed test: nothing here is timed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publish } from '../../testkit/webrtc/publisher.js';
import { subscribe } from '../../testkit/webrtc/subscriber.js';
import { type MediaSandbox, startMediaSandbox } from './media-fixtures.js';

const CYCLES = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** RSS after a full collection, MiB (clients and server share this process, so this bounds both). */
function settledRssMiB(): number {
  gc();
  gc();
  return process.memoryUsage().rss / 1024 / 1024;
}

let sb: MediaSandbox;

beforeAll(async () => {
  sb = await startMediaSandbox();
});

afterAll(async () => {
  await sb.close();
});

describe('publish/subscribe cycles', () => {
  it(`${CYCLES} cycles leave no peer connection open and memory bounded`, async () => {
    const rss: number[] = [];
    for (let i = 1; i <= CYCLES; i++) {
      const p = await sb.token(['PUBLISH']);
      const pub = await publish({ whipUrl: `${sb.url}/whip/publish/${p.participantId}`, token: p.token, audio: true, bitrateKbps: 200 });
      const s = await sb.token(['SUBSCRIBE']);
      try {
        // Generous: CI shares two cores with other suites; this test is about leaks, not speed.
        await pub.connected(30_000);
        const sub = await subscribe({ whepUrl: `${sb.url}/whip/subscribe/${p.participantId}`, token: s.token });
        try {
          await sub.waitForPackets(3, 30_000);
        } finally {
          // Alternate who leaves first: the subscriber by DELETE, or the publisher (which ends its subscribers).
          if (i % 2 === 0) await sub.close();
          await pub.close();
          await sub.close();
        }
      } finally {
        await pub.close();
      }
      if (i % 50 === 0) rss.push(settledRssMiB());
    }

    // Sessions end synchronously on DELETE; peer connections are released a moment later.
    const deadline = Date.now() + 15_000;
    while (sb.media.stats().peerConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sb.media.stats()).toMatchObject({ publishers: 0, subscribers: 0, peerConnections: 0 });
    expect(sb.media.stats().forwardedPackets).toBeGreaterThanOrEqual(CYCLES * 3);

    // Memory levels off after warm-up: the last three samples (cycles 100-200) grow by far less than a leak of the
    // per-cycle footprint (~2 peer connections, several MiB each) would add over 100 cycles.
    const [, at100 = 0, , at200 = 0] = rss;
    expect(at200 - at100).toBeLessThan(64);
  }, 600_000);
});
