import { describe, expect, it } from '@jest/globals';
import { burstBytes, ImpairedLink, NO_IMPAIRMENT } from '../../local/src/media/impairment.js';
import { NetworkSpecError, parseNetworkSpec, applyUpdate, UNIMPAIRED_PROFILE } from '../../local/src/media/network.js';

/** Deterministic [0, 1) source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ImpairedLink', () => {
  it('drops close to the configured loss rate', () => {
    const link = new ImpairedLink({ ...NO_IMPAIRMENT, lossPercent: 5 }, seeded(1));
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) if (link.admit(1200, i).drop) dropped++;
    expect(dropped / 20_000).toBeGreaterThan(0.045);
    expect(dropped / 20_000).toBeLessThan(0.055);
  });

  it('adds the delay, and jitter within ± its bound without reordering', () => {
    const link = new ImpairedLink({ ...NO_IMPAIRMENT, delayMs: 80, jitterMs: 20 }, seeded(2));
    let last = -Infinity;
    for (let t = 0; t < 1000; t += 5) {
      const v = link.admit(1000, t);
      if (v.drop) throw new Error('no loss configured');
      expect(v.deliverAtMs).toBeGreaterThanOrEqual(last);
      expect(v.deliverAtMs).toBeLessThanOrEqual(t + 100);
      last = v.deliverAtMs;
    }
    const plain = new ImpairedLink({ ...NO_IMPAIRMENT, delayMs: 80 });
    expect(plain.admit(1000, 10)).toEqual({ drop: false, deliverAtMs: 90 });
  });

  it('lets a burst through, then queues at the cap, then drops once the queue limit is reached', () => {
    const capKbps = 800; // 100 bytes per ms
    const link = new ImpairedLink({ ...NO_IMPAIRMENT, capKbps, queueMs: 100 });
    const burst = burstBytes(capKbps);
    expect(burst).toBe(3000);
    // 3000 bytes of credit: three 1000-byte packets at t=0 leave at once.
    for (let i = 0; i < 3; i++) expect(link.admit(1000, 0)).toEqual({ drop: false, deliverAtMs: 0 });
    // Then each 1000-byte packet waits 10 ms more than the previous one.
    expect(link.admit(1000, 0)).toEqual({ drop: false, deliverAtMs: 10 });
    expect(link.admit(1000, 0)).toEqual({ drop: false, deliverAtMs: 20 });
    for (let i = 0; i < 8; i++) link.admit(1000, 0); // queue up to 100 ms
    const over = link.admit(1000, 0);
    expect(over).toEqual({ drop: true, reason: 'queue' });
    expect(link.droppedByQueue).toBe(1);
  });

  it('carries the cap rate over time: 2.5 Mbit/s into an 800 kbit/s link delivers ~800 kbit/s', () => {
    const link = new ImpairedLink({ ...NO_IMPAIRMENT, capKbps: 800, queueMs: 200 });
    let delivered = 0;
    for (let t = 0; t < 10_000; t += 4) {
      // 1250 bytes every 4 ms = 2.5 Mbit/s
      if (!link.admit(1250, t).drop) delivered += 1250;
    }
    const kbps = (delivered * 8) / 10_000;
    expect(kbps).toBeGreaterThan(780);
    expect(kbps).toBeLessThan(840);
  });
});

describe('--network spec', () => {
  it('parses roles, keys and directions', () => {
    const rules = parseNetworkSpec('viewer:loss=5,delay=80;publisher:up.cap=800,down.jitter=10');
    expect(rules).toEqual([
      { selector: 'viewer', update: { up: { lossPercent: 5, delayMs: 80 }, down: { lossPercent: 5, delayMs: 80 } } },
      { selector: 'publisher', update: { up: { capKbps: 800 }, down: { jitterMs: 10 } } },
    ]);
    expect(parseNetworkSpec('all:cap=none')[0]?.update.down).toEqual({ capKbps: null });
  });

  it.each([
    ['viewer', /who/],
    ['viewer:speed=3', /speed=3/],
    ['viewer:loss=lots', /not a number/],
    ['viewer:loss=150', /lossPercent/],
    ['viewer:cap=1', /capKbps/],
    ['viewer:delay=-5', /delayMs/],
  ])('rejects %s with a message naming the problem', (spec, message) => {
    expect(() => parseNetworkSpec(spec)).toThrow(NetworkSpecError);
    expect(() => parseNetworkSpec(spec)).toThrow(message);
  });

  it('merges updates into a profile, keeping the other fields', () => {
    const p = applyUpdate(UNIMPAIRED_PROFILE, { down: { capKbps: 300 } });
    expect(p.down).toEqual({ ...UNIMPAIRED_PROFILE.down, capKbps: 300 });
    expect(p.up).toEqual(UNIMPAIRED_PROFILE.up);
  });
});
