/**
 * The measurement panels end to end in Chromium over a WebRTC loopback (test/e2e/measure-loopback-page.ts): the
 * latency panel's stamper publishes, its reader decodes every received frame into a latency value, percentiles and a
 * histogram, the export holds the same numbers, and the stats charts gain a point per sample. No SFU involved, so
 * this holds whatever state the sandbox's media plane is in; measure-sandbox.test.ts runs the same panels through it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { servePages, type ServedPages } from './measure-harness.js';
import { startChromium, type OwnedChromium } from '../../testkit/chromium.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let pages: ServedPages;
let chromium: OwnedChromium;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  pages = await servePages({ loopback: join(here, 'measure-loopback-page.ts') });
  chromium = await startChromium();
  const context = await chromium.browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 1100 } });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${pages.url}/loopback.html`);
  await page.waitForFunction(() => document.body.dataset['joined'] === 'true' || document.body.dataset['error'] !== undefined, null, { timeout: 60_000 });
  const error = await page.evaluate(() => document.body.dataset['error'] ?? null);
  if (error) throw new Error(`loopback page failed: ${error} ${problems.join('; ')}`);
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await pages?.close();
});

describe('measurement panels over a loopback', () => {
  it('the probe turns stamped frames into latency, percentiles and a histogram, and exports them', async () => {
    await page.waitForFunction(() => Number(document.querySelector('#latency-panel .measure-samples')?.textContent ?? '0') >= 60, null, {
      timeout: 60_000,
    });
    const shown = await page.evaluate(() => {
      const text = (sel: string): string => document.querySelector(`#latency-panel ${sel}`)?.textContent ?? '';
      return {
        current: text('.measure-current'),
        p50: text('.measure-p50'),
        p95: text('.measure-p95'),
        firstFrame: text('.measure-firstFrame'),
        errors: text('.measure-decodeErrors'),
        histogramTotal: Number((document.querySelector('#latency-panel .measure-histogram') as HTMLElement).dataset['total']),
      };
    });
    console.log(`loopback probe: ${JSON.stringify(shown)}`);
    for (const v of [shown.current, shown.p50, shown.p95, shown.firstFrame]) expect(v).toMatch(/^-?\d+ ms$/);
    expect(shown.histogramTotal).toBeGreaterThanOrEqual(60);
    expect(shown.errors).toMatch(/^\d+ \/ \d+$/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#latency-panel .measure-export')]);
    const run = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      kind: string;
      frames: number;
      decodeErrors: number;
      firstFrameMs: number;
      summary: { count: number; p50: number; p95: number; min: number; max: number };
      samples: { latencyMs: number }[];
    };
    expect(run.kind).toBe('ivs-test-env/latency-run');
    expect(run.samples.length).toBe(run.summary.count);
    expect(run.summary.count).toBeGreaterThanOrEqual(60);
    // Every sample is a real delay: the frame was stamped before it was presented, on the same clock.
    expect(run.summary.min).toBeGreaterThanOrEqual(0);
    expect(run.summary.p50).toBeGreaterThanOrEqual(run.summary.min);
    expect(run.summary.p95).toBeGreaterThanOrEqual(run.summary.p50);
    expect(run.firstFrameMs).toBeGreaterThan(0);
    // The run went on between reading the panel and exporting: the file holds at least what was shown.
    expect(run.summary.count).toBeGreaterThanOrEqual(shown.histogramTotal);
    // The stamped video reads back: decode errors are a small share of frames.
    expect(run.decodeErrors).toBeLessThanOrEqual(run.frames * 0.2);
    console.log(`loopback latency run: frames ${run.frames}, decode errors ${run.decodeErrors}, p50 ${run.summary.p50.toFixed(1)} ms, p95 ${run.summary.p95.toFixed(1)} ms, first frame ${run.firstFrameMs.toFixed(0)} ms`);
  }, 90_000);

  it('the stats panel fills its table and its charts gain a point per sample', async () => {
    const points = (): Promise<number> => page.$eval('#stats-panel .measure-chart-bitrate', (el) => Number((el as HTMLElement).dataset['points'] ?? '0'));
    const before = await points();
    await page.waitForFunction(
      (n) => Number((document.querySelector('#stats-panel .measure-chart-bitrate') as HTMLElement).dataset['points']) >= n + 2,
      before,
      { timeout: 30_000 },
    );
    expect(await points()).toBeGreaterThanOrEqual(before + 2);
    const rows = await page.$$eval('#stats-panel .measure-table tbody tr', (trs) =>
      trs.map((tr) => ({ key: (tr as HTMLElement).dataset['key'], cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
    );
    const inbound = rows.find((r) => r.key === 'remote-host:video:inbound');
    const outbound = rows.find((r) => r.key === 'local:video:outbound');
    expect(inbound && outbound).toBeTruthy();
    expect(Number(inbound?.cells[2])).toBeGreaterThan(0); // bitrate
    expect(inbound?.cells[4]).toMatch(/^\d+×\d+$/); // resolution
    expect(outbound?.cells[9]).toMatch(/^(none|bandwidth|cpu|other)$/); // quality limitation reason
    // The raw download is the unreduced reports.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#stats-panel .measure-download')]);
    const raw = JSON.parse(await readFile(await download.path(), 'utf8')) as { kind: string; samples: { streams: { rtc: Record<string, { type: string }> }[] }[] };
    expect(raw.kind).toBe('ivs-test-env/raw-stats');
    expect(raw.samples.length).toBeGreaterThan(2);
    const last = raw.samples[raw.samples.length - 1];
    expect(last?.streams.flatMap((st) => Object.values(st.rtc)).some((s) => s.type === 'outbound-rtp')).toBe(true);
    expect(problems).toEqual([]);
    if (process.env['MEASURE_SCREENSHOTS']) await page.screenshot({ path: join(process.env['MEASURE_SCREENSHOTS'], 'measure-loopback.png'), fullPage: true });
  }, 60_000);
});
