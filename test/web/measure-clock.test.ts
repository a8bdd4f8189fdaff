import { describe, expect, it } from '@jest/globals';
import { ClockSyncError, estimateOffset, sampleOffset, syncClock, syncedNow, type FetchLike } from '../../web/src/measure/clock-sync.js';

describe('clock offset math', () => {
  it('takes the server reading as halfway through the round trip', () => {
    // Local sends at 1000, receives at 1040; server said 1520 -> offset = 1520 - 1020 = 500, rtt 40.
    expect(sampleOffset({ t0: 1000, server: 1520, t1: 1040 })).toEqual({ offsetMs: 500, rttMs: 40 });
  });

  it('picks the min-RTT sample and reports ± rtt/2', () => {
    const est = estimateOffset([
      { t0: 0, server: 600, t1: 200 }, // offset 500, rtt 200
      { t0: 1000, server: 1507, t1: 1010 }, // offset 502, rtt 10  <- best
      { t0: 2000, server: 2480, t1: 2050 }, // offset 455, rtt 50
    ]);
    expect(est).toEqual({ offsetMs: 502, errorMs: 5, rttMs: 10, samples: 3 });
  });

  it('skips samples whose clock ran backwards and is null when none is usable', () => {
    expect(estimateOffset([{ t0: 10, server: 5, t1: 9 }])).toBeNull();
    expect(estimateOffset([])).toBeNull();
  });

  it('syncedNow shifts the local clock by the offset', () => {
    const now = syncedNow({ offsetMs: -250 }, () => 10_000);
    expect(now()).toBe(9_750);
    expect(syncedNow(null, () => 7)()).toBe(7);
  });
});

describe('syncClock', () => {
  function fakeServer(serverAhead: number, replies: Array<'ok' | 'bad-body' | 500 | 'throw'>) {
    let clock = 1_000_000;
    const urls: string[] = [];
    const now = () => clock;
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      const kind = replies.shift() ?? 'ok';
      clock += 10; // half of a 20 ms round trip
      const server = clock + serverAhead;
      clock += 10;
      if (kind === 'throw') throw new Error('connection refused');
      if (kind === 500) return { ok: false, status: 500, json: async () => ({}) };
      return { ok: true, status: 200, json: async () => (kind === 'bad-body' ? { time: 'x' } : { epochMs: server }) };
    };
    return { fetch, now, urls };
  }

  it('requests {apiUrl}/time count times and recovers the server offset', async () => {
    const s = fakeServer(1234, []);
    const est = await syncClock({ apiUrl: 'http://127.0.0.1:1/api/', count: 4, fetch: s.fetch, now: s.now });
    expect(s.urls).toEqual(Array(4).fill('http://127.0.0.1:1/api/time'));
    expect(est).toEqual({ offsetMs: 1234, errorMs: 10, rttMs: 20, samples: 4 });
  });

  it('skips failed and malformed replies', async () => {
    const s = fakeServer(-77, [500, 'bad-body', 'throw', 'ok']);
    const est = await syncClock({ apiUrl: 'http://x/api', count: 4, fetch: s.fetch, now: s.now });
    expect(est.offsetMs).toBe(-77);
    expect(est.samples).toBe(1);
  });

  it('throws ClockSyncError naming the last problem when nothing worked', async () => {
    const s = fakeServer(0, [500, 500]);
    await expect(syncClock({ apiUrl: 'http://x/api', count: 2, fetch: s.fetch, now: s.now })).rejects.toThrow(
      new ClockSyncError('GET http://x/api/time answered 500'),
    );
  });
});
