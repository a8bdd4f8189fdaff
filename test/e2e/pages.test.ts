/**
 * The pages end to end without media: token messages and the language switch, in Debian's headless Chromium against
 * the sandbox (pages built fresh from web/) on 127.0.0.1, tokens pasted into the token card as a person would.
 * The broadcast itself (camera -> SFU -> viewers) is pages-broadcast.test.ts. Every wait polls for a condition.
 */
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { translate } from '../../web/src/i18n/index.js';
import { TEST_TIMEOUT_MS, WAIT_MS, usePageSuite } from './helpers/page-suite.js';
import { connState, pageError, useToken, type OpenedPage } from './helpers/pages.js';
import { pollUntil } from './helpers/poll.js';

const suite = usePageSuite();
const { open, close } = suite;

describe('tokens the broadcaster page refuses, each with its message', () => {
  it('an expired token: tokenExpired, and going live connects nothing', async () => {
    const b = await open('broadcaster');
    const { token } = await suite.sandbox.mintExpired({ userId: 'late', capabilities: ['PUBLISH', 'SUBSCRIBE'], agoMinutes: 5 });
    await useToken(b.page, token);
    const shown = await pollUntil(() => pageError(b.page), (e) => e.visible, 'expired message', WAIT_MS);
    expect(shown.reason).toBe('tokenExpired');
    expect(shown.text).not.toMatch(/\{\w+\}/);
    await b.page.locator('#publish-start').click();
    expect((await pageError(b.page)).reason).toBe('tokenExpired');
    expect(await connState(b.page)).toBe('idle');
    await close(b);
  }, TEST_TIMEOUT_MS);

  it('a viewer token: tokenCannotPublish, and going live connects nothing', async () => {
    const b = await open('broadcaster');
    const { token } = await suite.sandbox.mint({ userId: 'watcher', capabilities: ['SUBSCRIBE'] });
    await useToken(b.page, token);
    const shown = await pollUntil(() => pageError(b.page), (e) => e.visible, 'cannot-publish message', WAIT_MS);
    expect(shown.reason).toBe('tokenCannotPublish');
    expect(shown.text).toBe(translate('en', 'error.tokenCannotPublish', { capability: 'PUBLISH', detail: 'the token lacks the PUBLISH capability' }));
    await b.page.locator('#publish-start').click();
    expect((await pageError(b.page)).reason).toBe('tokenCannotPublish');
    expect(await connState(b.page)).toBe('idle');
    await close(b);
  }, TEST_TIMEOUT_MS);
});

describe('the server ending a session', () => {
  it('DisconnectParticipant: the viewer page says it was disconnected and stops', async () => {
    const v = await open('viewer');
    const { token, participantId } = await suite.sandbox.mint({ userId: 'kicked-viewer', capabilities: ['SUBSCRIBE'] });
    await useToken(v.page, token);
    await v.page.locator('#join').click();
    await pollUntil(() => connState(v.page), (s) => s === 'connected' || s === 'failed', 'joined', WAIT_MS);
    expect(await connState(v.page)).toBe('connected');
    await suite.sandbox.disconnect(participantId, 'removed by the test');
    await pollUntil(() => connState(v.page), (s) => s !== 'connected', 'the session to end', WAIT_MS);
    expect(await connState(v.page)).toBe('disconnected');
    const shown = await pollUntil(() => pageError(v.page), (e) => e.visible, 'disconnected message', WAIT_MS);
    expect(shown.reason).toBe('disconnectedByServer');
    expect(shown.text).not.toMatch(/\{\w+\}/);
    // Join is offered again (with a new token: this one is revoked).
    await expect(v.page.locator('#join').isVisible()).resolves.toBe(true);
    await close(v);
  }, TEST_TIMEOUT_MS);
});

describe('language', () => {
  it('follows the suite.browser, switches with the selector (messages included) and is remembered', async () => {
    const b = await open('broadcaster', 'en-US');
    const h1 = b.page.locator('h1');
    expect(await b.page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect((await h1.textContent())?.trim()).toBe(translate('en', 'bc.title'));
    const { token } = await suite.sandbox.mint({ userId: 'watcher', capabilities: ['SUBSCRIBE'] });
    await useToken(b.page, token);
    await pollUntil(() => pageError(b.page), (e) => e.visible, 'a message to translate', WAIT_MS);
    const english = (await pageError(b.page)).text;

    await b.page.locator('[data-testid=lang-select]').selectOption('zh-TW');
    await pollUntil(() => b.page.evaluate(() => document.documentElement.lang), (l) => l === 'zh-TW', 'lang zh-TW', WAIT_MS);
    expect((await h1.textContent())?.trim()).toBe(translate('zh-TW', 'bc.title'));
    expect((await b.page.locator('#publish-start').textContent())?.trim()).toBe(translate('zh-TW', 'bc.start'));
    const chinese = (await pageError(b.page)).text;
    expect(chinese).not.toBe(english);
    expect(chinese).toMatch(/\p{Script=Han}/u);

    await b.page.reload();
    await b.page.waitForFunction(() => document.documentElement.lang !== '');
    expect(await b.page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    expect((await h1.textContent())?.trim()).toBe(translate('zh-TW', 'bc.title'));
    await close(b);

    const v = await open('viewer', 'zh-TW');
    expect(await v.page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    expect((await v.page.locator('#join').textContent())?.trim()).toBe(translate('zh-TW', 'vw.join'));
    await close(v);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['index', 'home.title'],
    ['broadcaster', 'bc.title'],
    ['viewer', 'vw.title'],
  ] as const)('%s renders in both languages, chosen from the browser', async (name, titleId) => {
    for (const [locale, lang] of [['en-US', 'en'], ['zh-TW', 'zh-TW']] as const) {
      const p = await open(name, locale);
      expect(await p.page.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect((await p.page.locator('h1').textContent())?.trim()).toBe(translate(lang, titleId));
      // Nav and footer come from the shared partials: translated too.
      expect((await p.page.locator('nav a[data-page=viewer]').textContent())?.trim()).toBe(translate(lang, 'nav.viewer'));
      // For the closing note of the issue: PAGES_SCREENSHOTS=dir saves each page in each language.
      const dir = process.env['PAGES_SCREENSHOTS'];
      if (dir) await p.page.screenshot({ path: join(dir, `${name}-${lang}.png`), fullPage: true });
      await close(p);
    }
  }, TEST_TIMEOUT_MS);
});
