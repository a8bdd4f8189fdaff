/**
 * The tools page ("check before you go live") end to end in Debian's headless Chromium with the fake camera and
 * microphone, against the sandbox (pages built fresh from web/) on 127.0.0.1: every environment line passes, the
 * preview plays and the level meter moves, pasted tokens are read (and never sent), the clock syncs to GET /time.
 * Every wait polls for a condition. PAGES_SCREENSHOTS=dir saves the page in both languages (pages-tools-LANG.png).
 */
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { translate } from '../../web/src/i18n/index.js';
import { newPage, watchConsole } from './helpers/chromium.js';
import { TEST_TIMEOUT_MS, WAIT_MS, usePageSuite } from './helpers/page-suite.js';
import { videoMotion, type OpenedPage } from './helpers/pages.js';
import { pollUntil } from './helpers/poll.js';

const suite = usePageSuite();
const { close } = suite;

async function openTools(locale = 'en-US', prepare?: (page: Page) => Promise<unknown>): Promise<OpenedPage> {
  const { page, context } = await newPage(suite.browser, { locale });
  const consoleTail = watchConsole(page);
  await prepare?.(page);
  await page.goto(`${suite.sandbox.url}/tools.html`);
  // Module script with top-level await: ready once the environment lines are drawn and the language applied.
  await page.waitForFunction(() => document.documentElement.lang !== '' && document.querySelectorAll('#env-checks li').length > 0);
  const p: OpenedPage = { page, context, consoleTail, close: () => context.close() };
  return suite.track(p);
}

interface Verdict {
  readonly visible: boolean;
  readonly usable: string | null;
  readonly problem: string | null;
  readonly text: string;
}

async function verdict(page: Page): Promise<Verdict> {
  const v = page.locator('[data-testid=inspect-verdict]');
  return {
    visible: await v.isVisible(),
    usable: await v.getAttribute('data-usable'),
    problem: await v.getAttribute('data-problem'),
    text: ((await v.textContent()) ?? '').trim(),
  };
}

async function inspect(page: Page, token: string): Promise<Verdict> {
  await page.locator('#inspect-input').fill(token);
  await page.locator('#inspect-run').click();
  return pollUntil(() => verdict(page), (v) => v.visible && v.usable !== null, 'the token verdict', WAIT_MS);
}

async function level(page: Page): Promise<number> {
  return Number((await page.locator('[data-testid=mic-level]').getAttribute('data-level')) ?? '0');
}

describe('the tools page', () => {
  it('is linked from the header, and every environment line passes in Chromium with the fake camera', async () => {
    const p = await openTools();
    expect(await p.page.locator('nav a[data-page=tools]').getAttribute('aria-current')).toBe('page');
    const lines = await p.page.locator('#env-checks li').evaluateAll((nodes) =>
      nodes.map((n) => ({ id: (n as HTMLElement).dataset['check'], status: (n as HTMLElement).dataset['status'], text: n.textContent ?? '' })),
    );
    expect(lines.map((l) => l.id)).toEqual(['secureContext', 'getUserMedia', 'enumerateDevices', 'peerConnection', 'codecs', 'browser']);
    expect(lines.filter((l) => l.status !== 'pass')).toEqual([]);
    expect(lines.find((l) => l.id === 'browser')?.text).toMatch(/Chrome \d+/);
    expect(lines.find((l) => l.id === 'codecs')?.text).toMatch(/VP8/);
    expect(await p.page.locator('#env-summary').getAttribute('data-status')).toBe('pass');
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('the camera preview plays a moving picture and the microphone meter moves', async () => {
    const p = await openTools();
    expect(await level(p.page)).toBe(0);
    await p.page.locator('#media-start').click();
    await pollUntil(() => p.page.locator('#media-status').getAttribute('data-state'), (s) => s === 'on', 'media on', WAIT_MS);
    const motion = await pollUntil(() => videoMotion(p.page, '#preview'), (m) => m.moving, 'a moving preview', WAIT_MS);
    expect(motion.width).toBeGreaterThan(0);
    // Chromium's fake microphone beeps once a second: the meter rises above silence at some point.
    const seen = await pollUntil(() => level(p.page), (l) => l > 0.02, 'the mic meter to move', WAIT_MS, 50);
    expect(seen).toBeLessThanOrEqual(1);
    // Once the test has access, the pickers list the fake devices by name.
    const cameras = await p.page.locator('#camera-select option').count();
    expect(cameras).toBeGreaterThan(1);
    expect((await p.page.locator('[data-testid=page-error]').isVisible())).toBe(false);
    await p.page.locator('#media-stop').click();
    await pollUntil(() => p.page.locator('#media-status').getAttribute('data-state'), (s) => s === 'off', 'media off', WAIT_MS);
    expect(await level(p.page)).toBe(0);
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('a pasted expired token shows its problem, and the token is sent nowhere', async () => {
    const p = await openTools();
    const { token } = await suite.sandbox.mintExpired({ userId: 'late', capabilities: ['PUBLISH', 'SUBSCRIBE'], agoMinutes: 5 });
    const leaks: string[] = [];
    p.page.on('request', (req) => {
      const body = req.postData() ?? '';
      const headers = JSON.stringify(req.headers());
      if (req.url().includes(token) || body.includes(token) || headers.includes(token)) leaks.push(req.url());
    });
    const v = await inspect(p.page, token);
    expect(v.usable).toBe('false');
    expect(v.problem).toBe('tokenExpired');
    expect(v.text).not.toBe('');
    expect(v.text).not.toMatch(/\{\w+\}/);
    expect(await p.page.locator('#inspect-countdown').getAttribute('data-expired')).toBe('true');
    await p.page.locator('#clock-run').click(); // some traffic after the paste, to be sure none of it carries the token
    await pollUntil(() => p.page.locator('#clock-status').getAttribute('data-state'), (s) => s === 'done' || s === 'failed', 'clock sync', WAIT_MS);
    expect(leaks).toEqual([]);
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('a malformed token names what is wrong', async () => {
    const p = await openTools();
    const v = await inspect(p.page, 'eyJhbGciOiJFUzM4NCJ9.not-json.sig');
    expect(v).toMatchObject({ usable: 'false', problem: 'tokenMalformed' });
    expect(await p.page.locator('#inspect-facts').isVisible()).toBe(false);
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('a valid sandbox token shows its role, user, stage and the sandbox driver', async () => {
    const p = await openTools();
    const { token, participantId } = await suite.sandbox.mint({ userId: 'tool-user', capabilities: ['SUBSCRIBE'] });
    const v = await inspect(p.page, `Bearer ${token}`);
    expect(v).toMatchObject({ usable: 'true', problem: null });
    expect(v.text).toBe(translate('en', 'tools.token.ok', { pages: translate('en', 'tools.token.pages.viewer') }));
    expect(await p.page.locator('#inspect-role').getAttribute('data-role')).toBe('viewer');
    expect(await p.page.locator('#inspect-driver').getAttribute('data-driver')).toBe('sandbox');
    expect(await p.page.locator('#inspect-driver').textContent()).toBe(translate('en', 'token.driver.sandbox'));
    expect(await p.page.locator('#inspect-user').textContent()).toBe('tool-user');
    expect(await p.page.locator('#inspect-participant').textContent()).toBe(participantId);
    expect(await p.page.locator('#inspect-stage').getAttribute('title')).toBe(suite.sandbox.stageArn);
    expect(await p.page.locator('#inspect-claims').textContent()).toContain('"user_id": "tool-user"');
    expect(await p.page.locator('#inspect-countdown').getAttribute('data-expired')).toBe('false');
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('clock sync against the sandbox shows an offset within its error of zero (same machine, same clock)', async () => {
    const p = await openTools();
    // The page syncs once on load when config.json names a token API (the sandbox's does).
    await pollUntil(() => p.page.locator('#clock-status').getAttribute('data-state'), (s) => s === 'done' || s === 'failed', 'clock sync', WAIT_MS);
    expect(await p.page.locator('#clock-status').getAttribute('data-state')).toBe('done');
    const offset = Number(await p.page.locator('[data-testid=clock-offset]').getAttribute('data-offset-ms'));
    const errorText = (await p.page.locator('#clock-error').textContent()) ?? '';
    const error = Number(/([\d.]+)/.exec(errorText)?.[1]);
    expect(Number.isFinite(offset)).toBe(true);
    expect(Number.isFinite(error)).toBe(true);
    // Browser and sandbox read the same system clock, so the true offset is 0 and must lie inside ± error
    // (plus the two clocks' millisecond rounding).
    expect(Math.abs(offset)).toBeLessThanOrEqual(error + 2);
    expect(Number(await p.page.locator('#clock-samples').textContent())).toBeGreaterThan(0);
    await close(p);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['NotAllowedError', 'permissionDenied'],
    ['NotFoundError', 'noDevice'],
    ['NotReadableError', 'deviceBusy'],
  ] as const)('getUserMedia failing with %s shows %s in the alert box, in the page language', async (name, reason) => {
    // The browser's own failure, made on purpose: the fake devices never fail by themselves.
    const p = await openTools('en-US', (page) =>
      page.addInitScript((errorName) => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused for the test', errorName));
      }, name),
    );
    await p.page.locator('#media-start').click();
    const box = p.page.locator('[data-testid=page-error]');
    await pollUntil(() => box.getAttribute('data-reason'), (r) => r !== null, 'the alert', WAIT_MS);
    expect(await box.getAttribute('data-reason')).toBe(reason);
    expect(((await p.page.locator('#page-error-text').textContent()) ?? '').trim()).toBe(
      translate('en', `error.${reason}`, { kind: 'any', detail: '' }).trim(),
    );
    expect(await p.page.locator('#media-status').getAttribute('data-state')).toBe('off');
    await p.page.locator('#lang-select').selectOption('zh-TW');
    expect(((await p.page.locator('#page-error-text').textContent()) ?? '').trim()).toBe(
      translate('zh-TW', `error.${reason}`, { kind: 'any', detail: '' }).trim(),
    );
    await close(p);
  }, TEST_TIMEOUT_MS);

  it('without a token API in config.json the clock section says it cannot sync', async () => {
    const p = await openTools('en-US', (page) => page.route('**/config.json', (route) => route.fulfill({ status: 404, body: '' })));
    await pollUntil(() => p.page.locator('#clock-status').getAttribute('data-state'), (s) => s === 'noApi', 'noApi', WAIT_MS);
    expect(await p.page.locator('#clock-status').textContent()).toBe(translate('en', 'tools.clock.noApi'));
    expect(await p.page.locator('#clock-run').isDisabled()).toBe(true);
    expect(await p.page.locator('#clock-facts').isVisible()).toBe(false);
    await close(p);
  }, TEST_TIMEOUT_MS);

  it.each([['en-US', 'en'], ['zh-TW', 'zh-TW']] as const)('in %s: title and lines in the page language (screenshot)', async (locale, lang) => {
    const p = await openTools(locale);
    expect(await p.page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await p.page.locator('h1').textContent()).toBe(translate(lang, 'tools.title'));
    expect(await p.page.locator('#env-checks li[data-check=peerConnection] .check-text').textContent()).toBe(
      translate(lang, 'tools.env.peerConnection.pass'),
    );
    await p.page.locator('#media-start').click();
    await pollUntil(() => videoMotion(p.page, '#preview'), (m) => m.moving, 'a moving preview', WAIT_MS);
    const { token } = await suite.sandbox.mint({ userId: `shot-${lang}`, capabilities: ['PUBLISH', 'SUBSCRIBE'] });
    await inspect(p.page, token);
    await pollUntil(() => p.page.locator('#clock-status').getAttribute('data-state'), (s) => s === 'done' || s === 'failed', 'clock sync', WAIT_MS);
    const dir = process.env['PAGES_SCREENSHOTS'];
    if (dir) await p.page.screenshot({ path: join(dir, `pages-tools-${lang}.png`), fullPage: true });
    await p.page.locator('#media-stop').click();
    await close(p);
  }, TEST_TIMEOUT_MS);
});
