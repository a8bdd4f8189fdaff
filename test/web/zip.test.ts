/** web/zip.ts: the portable pages' archive is a valid zip whose entries inflate back to the files. */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { parseArgs } from '../../web/build.js';
import { crc32, zipBytes } from '../../web/zip.js';

/** Reads every entry back through the central directory, as an unzip tool does. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const localName = zip.readUInt16LE(local + 26);
    const body = zip.subarray(local + 30 + localName, local + 30 + localName + size);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    at += 46 + nameLength;
  }
  return out;
}

describe('zip', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips compressible and incompressible files with their names', () => {
    const text = Buffer.from('<!doctype html>'.repeat(200));
    const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 251));
    const back = readZip(zipBytes([
      { name: 'index.html', data: text },
      { name: 'assets/頁.bin', data: noise },
    ]));
    expect([...back.keys()]).toEqual(['index.html', 'assets/頁.bin']);
    expect(back.get('index.html')?.equals(text)).toBe(true);
    expect(back.get('assets/頁.bin')?.equals(noise)).toBe(true);
  });
});

describe('build:web flags', () => {
  it('--portable builds into web/dist-portable and zips it; the default stays the hosted build', () => {
    const portable = parseArgs(['--portable']);
    expect(portable.portable).toBe(true);
    expect(portable.outdir).toMatch(/web[\\/]dist-portable$/);
    expect(portable.zip).toMatch(/web[\\/]ivs-test-env-pages\.zip$/);
    const hosted = parseArgs([]);
    expect(hosted.portable).toBeUndefined();
    expect(hosted.zip).toBeUndefined();
    expect(() => parseArgs(['--zip', 'x.zip'])).toThrow('--zip goes with --portable');
    expect(() => parseArgs(['--portable', '--zip', 'x.tar'])).toThrow('.zip');
  });
});
