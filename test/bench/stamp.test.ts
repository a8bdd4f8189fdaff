import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  STAMP_BITS,
  STAMP_HEIGHT,
  STAMP_WIDTH,
  crc8,
  decodeBits,
  encodeStamp,
  readStampPixels,
  renderStampPixels,
  unwrapStamp,
} from '../../bench/harness/stamp.js';

describe('stamp code', () => {
  it('uses CRC-8/SMBUS (check value of "123456789" is 0xF4)', () => {
    expect(crc8([...'123456789'].map((c) => c.charCodeAt(0)))).toBe(0xf4);
  });

  it('round-trips the low 32 bits of any ms value through bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (ms) => {
        const bits = encodeStamp(ms);
        expect(bits).toHaveLength(STAMP_BITS);
        expect(decodeBits(bits)).toBe(ms % 2 ** 32);
      }),
    );
  });

  it('rejects a code with any single flipped bit', () => {
    const bits = encodeStamp(1_764_000_000_123);
    for (let i = 0; i < STAMP_BITS; i++) {
      const damaged = bits.slice();
      damaged[i] = !damaged[i];
      expect(decodeBits(damaged)).toBeNull();
    }
  });

  it('unwraps to the value nearest the reader clock, across a 2^32 boundary', () => {
    const now = 1_764_000_000_000;
    expect(unwrapStamp((now - 42) % 2 ** 32, now)).toBe(now - 42);
    const edge = 2 ** 32 * 411; // a multiple of 2^32
    expect(unwrapStamp((edge - 5) % 2 ** 32, edge + 3)).toBe(edge - 5);
    expect(unwrapStamp((edge + 5) % 2 ** 32, edge - 3)).toBe(edge + 5);
  });

  it('reads what it drew, and tolerates mild noise (compression-like)', () => {
    const ms = 1_764_000_123_456;
    const px = renderStampPixels(ms);
    expect(readStampPixels(px, STAMP_WIDTH, STAMP_HEIGHT)).toBe(ms % 2 ** 32);
    // Deterministic noise of ±60 levels: blocks stay on their side of the 50 % threshold.
    const noisy = Uint8ClampedArray.from(px, (v, i) => v + (((i * 2654435761) >>> 0) % 121) - 60);
    expect(readStampPixels(noisy)).toBe(ms % 2 ** 32);
  });

  it('counts a mangled band as a decode error, not a wrong time', () => {
    const px = renderStampPixels(123_456);
    // Paint block 3 (a bit position) the opposite colour.
    const block = STAMP_WIDTH / STAMP_BITS;
    for (let y = 0; y < STAMP_HEIGHT; y++) {
      for (let x = 3 * block; x < 4 * block; x++) {
        const i = (y * STAMP_WIDTH + x) * 4;
        const v = (px[i] as number) > 127 ? 0 : 255;
        px[i] = v;
        px[i + 1] = v;
        px[i + 2] = v;
      }
    }
    expect(readStampPixels(px)).toBeNull();
  });
});
