import { describe, expect, it } from '@jest/globals';
import { SeqTracker } from '../../testkit/webrtc/sequence.js';

describe('SeqTracker (subscriber loss from RTP sequence numbers)', () => {
  it('counts nothing lost for an unbroken run, including reordering', () => {
    const t = new SeqTracker();
    for (const s of [10, 11, 13, 12, 14]) t.push(s);
    expect(t.lost()).toBe(0);
    expect(t.received).toBe(5);
  });

  it('counts the gaps that never filled', () => {
    const t = new SeqTracker();
    for (const s of [1, 2, 5, 6, 9]) t.push(s);
    expect(t.lost()).toBe(4); // 3, 4, 7, 8
  });

  it('follows the 16-bit wrap', () => {
    const t = new SeqTracker();
    for (const s of [65533, 65534, 65535, 0, 2]) t.push(s);
    expect(t.lost()).toBe(1); // 1
  });

  it('reports nothing before the first packet', () => {
    expect(new SeqTracker().lost()).toBe(0);
  });
});
