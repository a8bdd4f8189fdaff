/**
 * The frame timestamp code through real lossy compression: Chromium encodes stamped frames with VP8 at a capped
 * bitrate (and once scaled down to half size), decodes what arrives, and the panel's reader reads each frame. Every
 * code read must be one that was sent (the checksum stops damaged codes), and most frames must be readable.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { servePages, type ServedPages } from './measure-harness.js';
import { startChromium, type OwnedChromium } from '../../testkit/chromium.js';
import type { RoundTripResult } from './measure-stamp-page.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let pages: ServedPages;
let chromium: OwnedChromium;
let page: Page;

beforeAll(async () => {
  pages = await servePages({ stamp: join(here, 'measure-stamp-page.ts') });
  chromium = await startChromium();
  page = await chromium.browser.newPage();
  await page.goto(`${pages.url}/stamp.html`);
  await page.waitForFunction(() => 'roundTrip' in window);
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await pages?.close();
});

async function roundTrip(opts: { maxBitrate: number; scaleDown: number }): Promise<RoundTripResult> {
  return page.evaluate(
    (o) => (window as unknown as { roundTrip(x: unknown): Promise<RoundTripResult> }).roundTrip(o),
    { width: 640, height: 480, fps: 30, frames: 150, ...opts },
  );
}

describe('stamp round trip through VP8', () => {
  it.each([
    { maxBitrate: 500_000, scaleDown: 1 },
    { maxBitrate: 250_000, scaleDown: 2 },
    { maxBitrate: 100_000, scaleDown: 1 },
  ])('reads back what was sent at $maxBitrate bit/s, scaled down ×$scaleDown', async (opts) => {
    const r = await roundTrip(opts);
    console.log(`stamp round trip ${JSON.stringify(opts)}: ${JSON.stringify(r)}`);
    expect(r.sent).toBe(150);
    expect(r.received).toBeGreaterThanOrEqual(10); // a starved encoder drops frames; enough to judge the code
    // The encoder may scale further under its bitrate cap; the reader copes with any width.
    expect(r.receivedWidth).toBeGreaterThan(0);
    expect(r.receivedWidth).toBeLessThanOrEqual(640 / opts.scaleDown);
    // A damaged code is rejected, never misread.
    expect(r.wrong).toBe(0);
    expect(r.decoded + r.decodeErrors).toBe(r.received);
    // Most frames carry a readable code even through a starved encoder.
    expect(r.decoded).toBeGreaterThanOrEqual(r.received * 0.8);
  }, 120_000);
});
