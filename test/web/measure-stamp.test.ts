import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  STAMP_BITS,
  crc8,
  decodeStampBits,
  drawStamp,
  encodeStampBits,
  readStamp,
  renderStamp,
  stampBandHeight,
  unwrapStamp,
  type StampCanvas,
} from '../../web/src/measure/stamp.js';

const SPAN = 2 ** 32;

describe('stamp bits', () => {
  it('uses CRC-8/SMBUS (check value of "123456789" is 0xF4)', () => {
    expect(crc8([...'123456789'].map((c) => c.charCodeAt(0)))).toBe(0xf4);
  });

  it('round-trips the low 32 bits of any epoch ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (ms) => {
        const bits = encodeStampBits(ms);
        expect(bits).toHaveLength(STAMP_BITS);
        expect(decodeStampBits(bits)).toBe(ms % SPAN);
      }),
    );
  });

  it('rejects any single flipped bit', () => {
    const bits = encodeStampBits(1_764_000_000_123);
    for (let i = 0; i < STAMP_BITS; i++) {
      const damaged = bits.slice();
      damaged[i] = !damaged[i];
      expect(decodeStampBits(damaged)).toBeNull();
    }
  });

  it('unwraps to the value nearest the reader clock, across a 2^32 boundary', () => {
    const now = 1_764_000_000_000;
    expect(unwrapStamp((now - 42) % SPAN, now)).toBe(now - 42);
    const edge = SPAN * 411;
    expect(unwrapStamp((edge - 5) % SPAN, edge + 3)).toBe(edge - 5);
    expect(unwrapStamp((edge + 5) % SPAN, edge - 3)).toBe(edge + 5);
  });
});

describe('readStamp on pixels', () => {
  it('reads what renderStamp drew at several frame widths', () => {
    const ms = 1_764_000_123_456;
    for (const width of [320, 640, 1280, 1920]) {
      const band = renderStamp(ms, width);
      expect(band.height).toBe(stampBandHeight(width));
      expect(readStamp(band)).toBe(ms % SPAN);
    }
  });

  it('tolerates noise and a level shift (limited-range video, ringing)', () => {
    const ms = 1_700_000_000_001;
    const band = renderStamp(ms);
    // Map 0..255 to 16..235 (limited range) and add deterministic noise of ±40.
    const data = Uint8ClampedArray.from(band.data, (v, i) => (i % 4 === 3 ? 255 : 16 + (v * 219) / 255 + (((i * 2654435761) >>> 0) % 81) - 40));
    expect(readStamp({ ...band, data })).toBe(ms % SPAN);
  });

  it('returns null for a plain band (no contrast), not the code for 0', () => {
    const white = { width: 640, height: 16, data: new Uint8ClampedArray(640 * 16 * 4).fill(255) };
    expect(readStamp(white)).toBeNull();
    // Sanity: the all-zero code really is all white, so only the contrast rule keeps a white wall from reading as 0.
    expect(encodeStampBits(0).every((b) => !b)).toBe(true);
  });

  it('counts one mangled block as a decode error, not a wrong time', () => {
    const band = renderStamp(987_654_321);
    const block = band.width / STAMP_BITS;
    const data = Uint8ClampedArray.from(band.data);
    for (let y = 0; y < band.height; y++) {
      for (let x = Math.floor(3 * block); x < Math.floor(4 * block); x++) {
        const i = (y * band.width + x) * 4;
        const v = 255 - (data[i] as number);
        data[i] = v;
        data[i + 1] = v;
        data[i + 2] = v;
      }
    }
    expect(readStamp({ ...band, data })).toBeNull();
  });

  it('rejects a band too small or with too few pixels', () => {
    expect(readStamp({ width: 20, height: 1, data: new Uint8ClampedArray(80) })).toBeNull();
    expect(readStamp({ width: 640, height: 16, data: new Uint8ClampedArray(10) })).toBeNull();
  });
});

describe('drawStamp', () => {
  it('paints into a canvas what readStamp reads back', () => {
    // A tiny software canvas: fillRect over an RGBA buffer.
    const width = 640;
    const height = stampBandHeight(width);
    const data = new Uint8ClampedArray(width * height * 4);
    const ctx: StampCanvas = {
      fillStyle: '#000',
      fillRect(x, y, w, h) {
        const v = this.fillStyle === '#fff' ? 255 : 0;
        for (let yy = Math.max(0, y); yy < Math.min(height, y + h); yy++) {
          for (let xx = Math.max(0, x); xx < Math.min(width, x + w); xx++) {
            const i = (yy * width + xx) * 4;
            data[i] = v;
            data[i + 1] = v;
            data[i + 2] = v;
            data[i + 3] = 255;
          }
        }
      },
    };
    const ms = 1_764_111_222_333;
    drawStamp(ctx, ms, width);
    expect(readStamp({ width, height, data })).toBe(ms % SPAN);
  });
});
