/**
 * The bench's own frame timestamp code (the drawn-blocks method in shared/notes/webrtc-here.md): a row of 40 black or
 * white 16-px blocks across the top of a 640-px frame, carrying the low 32 bits of the capture time in ms and a CRC-8
 * so that a block damaged by compression makes the frame count as a decode error rather than a wrong latency.
 * Pure functions; runs in the browser (harness pages) and in Node (tests).
 */

export const STAMP_BITS = 40;
/** Width the code is drawn and read at; the reader scales whatever resolution arrives to this width. */
export const STAMP_WIDTH = 640;
export const STAMP_BLOCK = STAMP_WIDTH / STAMP_BITS;
/** Height of the band that holds the code (one block row). */
export const STAMP_HEIGHT = STAMP_BLOCK;

/** CRC-8, polynomial 0x07 (CRC-8/SMBUS), over bytes. */
export function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** 40 bits, most significant first: low 32 bits of the integer ms, then the CRC-8 of those 4 bytes. */
export function encodeStamp(ms: number): boolean[] {
  const low = Math.round(ms) >>> 0;
  const bytes = [(low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
  const all = [...bytes, crc8(bytes)];
  const bits: boolean[] = [];
  for (const byte of all) for (let i = 7; i >= 0; i--) bits.push(((byte >> i) & 1) === 1);
  return bits;
}

/** The low 32 bits back from 40 bits, or null when the checksum does not match. */
export function decodeBits(bits: readonly boolean[]): number | null {
  if (bits.length !== STAMP_BITS) return null;
  const bytes: number[] = [];
  for (let b = 0; b < 5; b++) {
    let v = 0;
    for (let i = 0; i < 8; i++) v = (v << 1) | (bits[b * 8 + i] ? 1 : 0);
    bytes.push(v);
  }
  if (crc8(bytes.slice(0, 4)) !== bytes[4]) return null;
  return (((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number)) >>> 0;
}

/** The full ms value whose low 32 bits are `low32`, nearest to `referenceMs` (the reader's clock). */
export function unwrapStamp(low32: number, referenceMs: number): number {
  const span = 2 ** 32;
  const base = Math.floor(referenceMs / span) * span;
  let best = base + low32;
  for (const candidate of [base - span + low32, base + span + low32]) {
    if (Math.abs(candidate - referenceMs) < Math.abs(best - referenceMs)) best = candidate;
  }
  return best;
}

/**
 * Reads the code from RGBA pixels of the band (STAMP_WIDTH × STAMP_HEIGHT, as getImageData returns them): the mean
 * luma of the middle half of each block, thresholded at 50 %. Returns the low 32 bits or null.
 */
export function readStampPixels(rgba: ArrayLike<number>, width = STAMP_WIDTH, height = STAMP_HEIGHT): number | null {
  const block = width / STAMP_BITS;
  const y0 = Math.floor(height / 4);
  const y1 = Math.max(y0 + 1, Math.ceil((height * 3) / 4));
  const bits: boolean[] = [];
  for (let b = 0; b < STAMP_BITS; b++) {
    const x0 = Math.floor(b * block + block / 4);
    const x1 = Math.max(x0 + 1, Math.ceil(b * block + (block * 3) / 4));
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        // Rec. 601 luma; chroma is irrelevant for black/white blocks but the weights keep it honest.
        sum += 0.299 * (rgba[i] as number) + 0.587 * (rgba[i + 1] as number) + 0.114 * (rgba[i + 2] as number);
        n++;
      }
    }
    // A black block is a 1 bit.
    bits.push(sum / n < 128);
  }
  return decodeBits(bits);
}

/** Pixels of the band for `ms` (RGBA), as the publisher draws them: white background, black blocks for 1 bits. */
export function renderStampPixels(ms: number, width = STAMP_WIDTH, height = STAMP_HEIGHT): Uint8ClampedArray {
  const bits = encodeStamp(ms);
  const out = new Uint8ClampedArray(width * height * 4);
  const block = width / STAMP_BITS;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = bits[Math.min(STAMP_BITS - 1, Math.floor(x / block))] ? 0 : 255;
      const i = (y * width + x) * 4;
      out[i] = v;
      out[i + 1] = v;
      out[i + 2] = v;
      out[i + 3] = 255;
    }
  }
  return out;
}
