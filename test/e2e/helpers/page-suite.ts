/**
 * The setup every page test file shares: one sandbox (serving the pages built once per run) and one Chromium per file, started
 * before its tests, and the pages a test opened closed after the file even when a test failed half way.
 * Call usePageSuite() once at the top level of a test file (it registers beforeAll/afterAll).
 */
import { afterAll, beforeAll } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { openPage, type OpenedPage, type PageName } from './pages.js';
import { startSandbox, type RunningSandbox } from '../../../testkit/sandbox.js';
import { builtWebRoot } from './web-root.js';

/** Sandbox start and Chromium launch on a busy 2-core machine. */
const SETUP_TIMEOUT_MS = 180_000;
export const TEST_TIMEOUT_MS = 150_000;
/** How long a poll waits for a state the page reaches. */
export const WAIT_MS = 60_000;

export interface PageSuite {
  /** Available inside tests (throws before beforeAll ran). */
  readonly sandbox: RunningSandbox;
  readonly browser: Browser;
  /** Opens one of the sandbox's pages in a context of its own. */
  open(name: PageName, locale?: string): Promise<OpenedPage>;
  /** Closes the page now, instead of after the file. */
  close(page: OpenedPage): Promise<void>;
  /** Has a page opened some other way closed after the file. */
  track(page: OpenedPage): OpenedPage;
}

export function usePageSuite(): PageSuite {
  let sandbox: RunningSandbox | undefined;
  let browser: Browser | undefined;
  const opened: OpenedPage[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ webRoot: builtWebRoot() });
    browser = await launchChromium();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    for (const p of opened) await p.close().catch(() => undefined);
    await browser?.close();
    await sandbox?.stop();
  }, 60_000);

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test, not at file load`);
    return value;
  };
  const track = (page: OpenedPage): OpenedPage => {
    opened.push(page);
    return page;
  };
  return {
    get sandbox() {
      return started(sandbox, 'the sandbox');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    open: async (name, locale) => track(await openPage(started(browser, 'Chromium'), started(sandbox, 'the sandbox').url, name, locale)),
    close: async (page) => {
      await page.close();
      const i = opened.indexOf(page);
      if (i >= 0) opened.splice(i, 1);
    },
    track,
  };
}
