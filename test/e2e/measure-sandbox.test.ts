/**
 * The measurement panels against the running sandbox in real Chromium: a broadcaster publishes its fake camera with
 * the time code stamped in, a viewer subscribes through the SFU; the viewer's probe shows a latency value and a
 * histogram, the stats charts gain points as samples arrive, and the built cost page computes an estimate.
 * Two pages plus one for the cost page; everything on 127.0.0.1.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../local/src/app.js';
import { buildWeb } from '../../web/build.js';
import { quietTokenApi } from '../local/helpers.js';
import { launchChromium, watchConsole } from './helpers/chromium.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let app: FastifyInstance;
let base: string;
let browser: Browser;
let webRoot: string;
const artifacts = process.env['MEASURE_SCREENSHOTS'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'measure-web-'));
  await buildWeb({ outdir: webRoot });
  // The probe page is bundled into the served directory, so it loads from the sandbox's own origin (same-origin API,
  // WHIP/WHEP and events, as the real pages).
  await build({
    entryPoints: { 'measure-probe': join(here, 'measure-probe-page.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'chrome120',
    outdir: join(webRoot, 'probe'),
    logLevel: 'silent',
  });
  await writeFile(
    join(webRoot, 'measure-probe.html'),
    '<!doctype html><meta charset="utf-8"><title>probe</title><body><script type="module" src="probe/measure-probe.js"></script></body>',
  );
  // The built files are served by a small route here rather than buildApp's webRoot: @fastify/static is ESM-only and
  // jest's module loader cannot load it.
  app = await buildApp({ logger: false, iceAddresses: ['127.0.0.1'], tokenApi: quietTokenApi() });
  const root = webRoot;
  app.get('/*', async (request, reply) => {
    const rel = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^[/\\]+/, '');
    if (rel.startsWith('..') || rel === '') return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such file' } });
    const file = join(root, rel);
    try {
      const body = await readFile(file);
      return await reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(body);
    } catch {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such file' } });
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

async function openProbe(role: 'broadcaster' | 'viewer'): Promise<{ page: Page; problems: () => string }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const consoleProblems = watchConsole(page);
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  const problems = (): string =>
    `${consoleProblems()}\n${missing.slice(-10).join('\n')}\npanels: `;
  await page.goto(`${base}/measure-probe.html?role=${role}`);
  await page.waitForFunction(() => document.body.dataset['joined'] === 'true' || document.body.dataset['error'] !== undefined, null, { timeout: 60_000 });
  const error = await page.evaluate(() => document.body.dataset['error'] ?? null);
  if (error) throw new Error(`${role} failed to join: ${error}\n${problems()}`);
  return { page, problems };
}

function chartPoints(page: Page, metric: string): Promise<number> {
  return page.$eval(`.measure-chart-${metric}`, (el) => Number((el as HTMLElement).dataset['points'] ?? '0'));
}

describe('measurement panels on the sandbox', () => {
  it('the viewer probe shows latency and a histogram, and the stats charts move', async () => {
    const broadcaster = await openProbe('broadcaster');
    const viewer = await openProbe('viewer');
    try {
      // The stamp toggle is on (mounted with stamp: true) and the clock synced against /api/time.
      expect(await broadcaster.page.isChecked('.measure-stamp-toggle')).toBe(true);
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
        await broadcaster.page.screenshot({ path: join(artifacts, 'measure-broadcaster.png'), fullPage: true });
        await viewer.page.screenshot({ path: join(artifacts, 'measure-viewer.png'), fullPage: true });
      }
    } catch (err: unknown) {
      const panel = async (p: Page): Promise<string> => p.evaluate(() => document.querySelector('main')?.textContent ?? '').catch(() => '');
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
      await page.goto(`${base}/cost.html`);
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
        await page.screenshot({ path: join(artifacts, 'measure-cost.png'), fullPage: true });
      }
    } finally {
      await context.close();
    }
  }, 60_000);
});
