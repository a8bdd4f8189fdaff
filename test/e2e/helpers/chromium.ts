/**
 * Headless Debian Chromium for the e2e tests, with the flags measured in shared/notes/webrtc-here.md: a fake camera
 * and microphone that need no permission prompt, loopback ICE candidates, no background throttling (several pages
 * play at once) and autoplay without a gesture. Never downloads a browser.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--autoplay-policy=no-user-gesture-required',
] as const;

/** Playwright gives each launch a fresh temporary profile (--user-data-dir) and deletes it on close. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

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
