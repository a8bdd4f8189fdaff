/**
 * The measurement panels on the real pages against the running sandbox in real Chromium: the broadcaster page goes
 * live with its fake camera and the time code stamped in, the viewer page joins through the SFU; the viewer's probe
 * shows a latency value and a histogram, the stats charts gain points as samples arrive, and the cost page computes
 * an estimate. Two pages plus one for the cost page; everything on 127.0.0.1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchConsole } from './helpers/chromium.js';
import { startSandbox, type RunningSandbox } from '../../testkit/sandbox.js';
import { builtWebRoot } from './helpers/web-root.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let sandbox: RunningSandbox;
let browser: Browser;
const artifacts = process.env['MEASURE_SCREENSHOTS'];

beforeAll(async () => {
  // The sandbox in its own process (as `npm start` runs it), serving the real built pages.
  sandbox = await startSandbox({ webRoot: builtWebRoot() });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

interface Opened {
  readonly page: Page;
  readonly problems: () => string;
}

async function open(name: 'broadcaster' | 'viewer'): Promise<Opened> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const consoleProblems = watchConsole(page);
  await page.goto(`${sandbox.url}/${name}.html`);
  // The panels are mounted once their chunk has loaded (web/src/pages/common.ts mountPanels).
  await page.waitForSelector('#latency-panel .measure-clock', { timeout: 30_000 });
  return { page, problems: () => `${consoleProblems()}\nsandbox:\n${sandbox.logTail().slice(-2000)}` };
}

/** The page's documented controls (web/pages/*.html, partials/token-card.html): token from the API, then go. */
async function start(o: Opened, button: '#publish-start' | '#join'): Promise<void> {
  await o.page.click('#token-fetch');
  // The token card shows its summary once the token is usable; the go button ignores clicks before that.
  await o.page.waitForSelector('#token-summary:not([hidden])', { timeout: 30_000 });
  await o.page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement).disabled, button, { timeout: 30_000 });
  await o.page.click(button);
  await o.page.waitForFunction(() => document.querySelector('[data-testid=conn-state]')?.getAttribute('data-state') === 'connected', null, {
    timeout: 60_000,
  });
}

function chartPoints(page: Page, metric: string): Promise<number> {
  return page.$eval(`#stats-panel .measure-chart-${metric}`, (el) => Number((el as HTMLElement).dataset['points'] ?? '0'));
}

describe('measurement panels on the sandbox', () => {
  it('the viewer probe shows latency and a histogram, and the stats charts move', async () => {
    const broadcaster = await open('broadcaster');
    const viewer = await open('viewer');
    try {
      // Stamping is switched on before going live (it applies to the next publish).
      await broadcaster.page.check('.measure-stamp-toggle');
      await start(broadcaster, '#publish-start');
      await start(viewer, '#join');
      // Both clocks synced against the sandbox's /api/time.
      await viewer.page.waitForFunction(() => /offset/i.test(document.querySelector('.measure-clock')?.textContent ?? ''), null, { timeout: 30_000 });

      // Latency: wait until a few dozen stamped frames were read.
      await viewer.page.waitForFunction(() => Number(document.querySelector('.measure-samples')?.textContent ?? '0') >= 60, null, { timeout: 60_000 });
      const readout = await viewer.page.evaluate(() => ({
        current: document.querySelector('.measure-current')?.textContent ?? '',
        p50: document.querySelector('.measure-p50')?.textContent ?? '',
        p95: document.querySelector('.measure-p95')?.textContent ?? '',
        firstFrame: document.querySelector('.measure-firstFrame')?.textContent ?? '',
        decodeErrors: document.querySelector('.measure-decodeErrors')?.textContent ?? '',
        histogramTotal: Number((document.querySelector('.measure-histogram') as HTMLElement | null)?.dataset['total'] ?? '0'),
      }));
      console.log(`sandbox probe: ${JSON.stringify(readout)}`);
      for (const v of [readout.current, readout.p50, readout.p95, readout.firstFrame]) expect(v).toMatch(/^-?\d+ ms$/);
      expect(readout.histogramTotal).toBeGreaterThanOrEqual(60);

      // The exported run is the panel's numbers as JSON.
      const [download] = await Promise.all([viewer.page.waitForEvent('download'), viewer.page.click('.measure-export')]);
      const path = await download.path();
      const run = JSON.parse(await readFile(path, 'utf8')) as { kind: string; summary: { count: number; p50: number; p95: number }; clock: unknown };
      expect(run.kind).toBe('ivs-test-env/latency-run');
      expect(run.summary.count).toBeGreaterThanOrEqual(60);
      expect(run.summary.p95).toBeGreaterThanOrEqual(run.summary.p50);
      expect(run.clock).not.toBeNull();
      console.log(`sandbox latency run: count ${run.summary.count}, p50 ${run.summary.p50.toFixed(1)} ms, p95 ${run.summary.p95.toFixed(1)} ms`);

      // Stats: rows for the sent and received streams, and chart points growing sample by sample.
      for (const { page } of [broadcaster, viewer]) {
        const first = await chartPoints(page, 'bitrate');
        await page.waitForFunction((n) => Number((document.querySelector('.measure-chart-bitrate') as HTMLElement).dataset['points']) >= n + 2, first, { timeout: 30_000 });
        expect(await chartPoints(page, 'bitrate')).toBeGreaterThanOrEqual(first + 2);
        expect(await page.locator('.measure-table tbody tr').count()).toBeGreaterThanOrEqual(1);
      }
      const viewerRow = await viewer.page.$eval('.measure-table tbody tr[data-key$=":video:inbound"]', (tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
      );
      expect(Number(viewerRow[2])).toBeGreaterThan(0); // bitrate kbit/s
      expect(viewerRow[4]).toMatch(/^\d+×\d+$/); // resolution

      if (artifacts) {
        await broadcaster.page.screenshot({ path: join(artifacts, 'measure-e2e-broadcaster.png'), fullPage: true });
        await viewer.page.screenshot({ path: join(artifacts, 'measure-e2e-viewer.png'), fullPage: true });
      }
    } catch (err: unknown) {
      const panel = async (p: Page): Promise<string> => p.evaluate(() => ['[data-testid=conn-state]', '#page-error-text', '#token-status', '.log-list, #event-log, [data-testid=event-log]'].map((sel) => document.querySelector(sel)?.textContent ?? '').join(' | ')).catch(() => '');
      console.log(`viewer panels: ${await panel(viewer.page)}\nbroadcaster panels: ${await panel(broadcaster.page)}`);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nbroadcaster:\n${broadcaster.problems()}\nviewer:\n${viewer.problems()}`);
    } finally {
      await broadcaster.page.context().close();
      await viewer.page.context().close();
    }
  }, 180_000);

  it('the cost page computes participant hours and USD from the rate file', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${sandbox.url}/cost.html`);
      await page.fill('#cost-hosts', '2');
      await page.fill('#cost-viewers', '48');
      await page.fill('#cost-hours', '3');
      await expect(page.textContent('#cost-ph')).resolves.toBe('150');
      const pricing = JSON.parse(await readFile(join(here, '../../web/data/ivs-realtime-pricing.json'), 'utf8')) as {
        defaultTier: string;
        tiers: { id: string; usdPerParticipantHour: number }[];
      };
      const rate = pricing.tiers.find((t) => t.id === pricing.defaultTier)?.usdPerParticipantHour ?? NaN;
      const shown = Number(await page.$eval('#cost-usd', (el) => (el as HTMLElement).dataset['usd']));
      expect(shown).toBeCloseTo(150 * rate, 2);
      // The seed README's three examples are listed with the current figure beside them.
      expect(await page.locator('#cost-seed tbody tr').count()).toBe(3);
      // Bad input names the field instead of showing a figure.
      await page.fill('#cost-hours', '0');
      await expect(page.isVisible('#cost-error')).resolves.toBe(true);
      expect(await page.textContent('#cost-usd')).toBe('–');
      if (artifacts) {
        await page.fill('#cost-hours', '3');
        await page.screenshot({ path: join(artifacts, 'measure-e2e-cost.png'), fullPage: true });
      }
    } finally {
      await context.close();
    }
  }, 60_000);
});
