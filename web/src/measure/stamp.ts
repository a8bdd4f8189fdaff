/**
 * The frame timestamp code: a band of 40 black or white blocks across the top of the frame carrying the low 32 bits
 * of the sender's clock in integer ms plus a CRC-8 (a drawn-blocks method that decoded every frame at 640×480 VP8
 * ~0.5 Mbit/s when measured here: docs/measurement.md). Block width scales with the frame (width / 40), so the code
 * survives whatever resolution the SFU or the simulcast layer delivers. A block damaged by compression fails the
 * checksum and the frame counts as a decode error, never as a wrong latency.
 *
 * Wire format (the bench's harness pages import this module, so they and these pages read each other's stamps):
 * bits MSB first = 4 bytes of (ms mod 2^32) then CRC-8/SMBUS (poly 0x07) of those bytes; a black block is a 1 bit.
 *
 * Pure functions, no DOM: they run in the page and in Node tests.
 */

export const STAMP_BITS = 40;
/** Width the reader normalises the band to before sampling (any frame width is scaled to this). */
export const STAMP_READ_WIDTH = 640;
export const STAMP_READ_HEIGHT = STAMP_READ_WIDTH / STAMP_BITS;
/** Below this spread between the darkest and brightest block the band is not a code (e.g. a plain white wall). */
const MIN_CONTRAST = 64;
const SPAN = 2 ** 32;

/** Height in pixels of the band for a frame `width` pixels wide: one square block. */
export function stampBandHeight(width: number): number {
  return Math.max(1, Math.round(width / STAMP_BITS));
}

/** CRC-8/SMBUS (polynomial 0x07, init 0) over bytes. */
export function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** The 40 bits (MSB first) for a clock reading in ms. */
export function encodeStampBits(epochMs: number): boolean[] {
  const low = Math.round(epochMs) % SPAN >>> 0;
  const bytes = [(low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
  const bits: boolean[] = [];
  for (const byte of [...bytes, crc8(bytes)]) for (let i = 7; i >= 0; i--) bits.push(((byte >> i) & 1) === 1);
  return bits;
}

/** The low 32 bits back from 40 bits, or null when the checksum does not match. */
export function decodeStampBits(bits: readonly boolean[]): number | null {
  if (bits.length !== STAMP_BITS) return null;
  const bytes: number[] = [];
  for (let b = 0; b < 5; b++) {
    let v = 0;
    for (let i = 0; i < 8; i++) v = (v << 1) | (bits[b * 8 + i] ? 1 : 0);
    bytes.push(v);
  }
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, check] = bytes;
  if (crc8([b0, b1, b2, b3]) !== check) return null;
  return ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

/** The full ms value whose low 32 bits are `low32`, nearest to `referenceMs` (the reader's clock). */
export function unwrapStamp(low32: number, referenceMs: number): number {
  const base = Math.floor(referenceMs / SPAN) * SPAN;
  let best = base + low32;
  for (const candidate of [base - SPAN + low32, base + SPAN + low32]) {
    if (Math.abs(candidate - referenceMs) < Math.abs(best - referenceMs)) best = candidate;
  }
  return best;
}

/** What getImageData returns; structural so tests can pass plain objects. */
export interface PixelBand {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}

/**
 * Reads the code from the band's RGBA pixels (the top `stampBandHeight(frameWidth)` rows of the frame, at any width).
 * Samples the mean luma of the middle half of each block and thresholds halfway between the darkest and brightest
 * block, which tolerates the level shifts and ringing of lossy codecs. Returns the low 32 bits, or null when the band
 * holds no valid code (no contrast, or a checksum mismatch).
 */
export function readStamp(band: PixelBand): number | null {
  const { width, height, data } = band;
  if (width < STAMP_BITS || height < 1 || data.length < width * height * 4) return null;
  const block = width / STAMP_BITS;
  const y0 = Math.floor(height / 4);
  const y1 = Math.max(y0 + 1, Math.ceil((height * 3) / 4));
  const lumas: number[] = [];
  for (let b = 0; b < STAMP_BITS; b++) {
    const x0 = Math.floor(b * block + block / 4);
    const x1 = Math.max(x0 + 1, Math.ceil(b * block + (block * 3) / 4));
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        sum += 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
        n++;
      }
    }
    lumas.push(sum / n);
  }
  const lo = Math.min(...lumas);
  const hi = Math.max(...lumas);
  if (hi - lo < MIN_CONTRAST) return null;
  const threshold = (lo + hi) / 2;
  return decodeStampBits(lumas.map((l) => l < threshold));
}

/** The band's RGBA pixels for `epochMs` at `width` (white background, black blocks for 1 bits), as drawn. */
export function renderStamp(epochMs: number, width = STAMP_READ_WIDTH): { width: number; height: number; data: Uint8ClampedArray } {
  const height = stampBandHeight(width);
  const bits = encodeStampBits(epochMs);
  const data = new Uint8ClampedArray(width * height * 4);
  const block = width / STAMP_BITS;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = bits[Math.min(STAMP_BITS - 1, Math.floor(x / block))] ? 0 : 255;
      const i = (y * width + x) * 4;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Minimal 2D context surface the drawer needs (CanvasRenderingContext2D and OffscreenCanvasRenderingContext2D fit). */
export interface StampCanvas {
  fillStyle: string | CanvasGradient | CanvasPattern;
  fillRect(x: number, y: number, w: number, h: number): void;
}

/** Draws the code for `epochMs` into the top band of a frame `width` pixels wide. */
export function drawStamp(ctx: StampCanvas, epochMs: number, width: number): void {
  const height = stampBandHeight(width);
  const bits = encodeStampBits(epochMs);
  const block = width / STAMP_BITS;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  bits.forEach((bit, i) => {
    // Round edges outwards so adjacent black blocks leave no hairline gap.
    if (bit) ctx.fillRect(Math.floor(i * block), 0, Math.ceil(block), height);
  });
}
