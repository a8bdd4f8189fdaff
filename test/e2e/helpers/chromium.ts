/**
 * Page helpers for the e2e tests. Chromium itself (path, flags from shared/notes/webrtc-here.md, launch) is owned by
 * bench/lib/chromium.ts; re-exported here so the tests keep one import.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export { launchChromium } from '../../../testkit/chromium.js';

export interface PageOptions {
  /** navigator.language(s) of the context, e.g. 'en-US' or 'zh-TW'. @default 'en-US' */
  readonly locale?: string;
}

/** A context of its own per page, so storage (remembered language, token) never leaks between "people". */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { context, page };
}

/** Collects page errors and console errors, so a failing assertion can say what the page complained about. */
export function watchConsole(page: Page): () => string {
  const lines: string[] = [];
  page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') lines.push(`${msg.type()}: ${msg.text()}`);
  });
  return () => lines.slice(-40).join('\n');
}
