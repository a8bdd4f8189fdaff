/**
 * Driving the real pages (web/pages, served by the sandbox) the way a person does: paste a token, press the
 * buttons, read what the page shows. Selectors are the ids and data-testid hooks the pages document
 * (web/src/ui/token-panel.ts, video-grid.ts, errors.ts, the page HTML).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newPage, watchConsole } from './chromium.js';

export type PageName = 'index' | 'broadcaster' | 'viewer';

export interface OpenedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** The page's last console errors/warnings, for failure messages. */
  readonly consoleTail: () => string;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, baseUrl: string, name: PageName, locale = 'en-US'): Promise<OpenedPage> {
  const { page, context } = await newPage(browser, { locale });
  const consoleTail = watchConsole(page);
  await page.goto(`${baseUrl}/${name === 'index' ? '' : `${name}.html`}`);
  // The page scripts are modules with top-level await: ready once the token card is wired and the language applied.
  await page.waitForFunction(() => document.documentElement.lang !== '' && document.getElementById('lang-select') !== null);
  return { page, context, consoleTail, close: () => context.close() };
}

/** Pastes a token into the token card and presses "Use pasted token". */
export async function useToken(page: Page, token: string): Promise<void> {
  await page.locator('#token-input').fill(token);
  await page.locator('#token-use').click();
}

export async function connState(page: Page): Promise<string | null> {
  return page.locator('[data-testid=conn-state]').getAttribute('data-state');
}

export async function counts(page: Page): Promise<{ publishers: string; viewers: string }> {
  return {
    publishers: (await page.locator('[data-testid=count-publishers]').textContent())?.trim() ?? '',
    viewers: (await page.locator('[data-testid=count-viewers]').textContent())?.trim() ?? '',
  };
}

export interface PageErrorShown {
  readonly visible: boolean;
  readonly reason: string | null;
  readonly text: string;
}

export async function pageError(page: Page): Promise<PageErrorShown> {
  const box = page.locator('[data-testid=page-error]');
  return {
    visible: await box.isVisible(),
    reason: await box.getAttribute('data-reason'),
    text: ((await page.locator('#page-error-text').textContent()) ?? '').trim(),
  };
}

export interface TileState {
  readonly userId: string;
  readonly hasStream: string;
  readonly videoMuted: string;
  readonly audioMuted: string;
  readonly label: string;
}

export async function tiles(page: Page): Promise<TileState[]> {
  return page.locator('[data-testid=grid] [data-testid=tile]').evaluateAll((nodes) =>
    nodes.map((n) => {
      const el = n as HTMLElement;
      return {
        userId: el.dataset['userId'] ?? '',
        hasStream: el.dataset['hasStream'] ?? '',
        videoMuted: el.dataset['videoMuted'] ?? '',
        audioMuted: el.dataset['audioMuted'] ?? '',
        label: (el.querySelector('figcaption')?.textContent ?? '').trim(),
      };
    }),
  );
}

export interface Motion {
  readonly width: number;
  readonly height: number;
  /** Frames the element presented while we watched. */
  readonly frames: number;
  /** Whether two frames some time apart differ in their pixels (the fake camera's picture moves). */
  readonly moving: boolean;
}

/**
 * Watches one <video> for a few presented frames: is it decoding, and does the picture change? Resolves with what
 * it saw (never throws), so callers poll it until it says moving.
 */
export async function videoMotion(page: Page, selector: string): Promise<Motion> {
  return page.evaluate(async (sel) => {
    const video = document.querySelector<HTMLVideoElement>(sel);
    if (!video || video.videoWidth === 0) return { width: 0, height: 0, frames: 0, moving: false };
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { width: video.videoWidth, height: video.videoHeight, frames: 0, moving: false };
    const grab = (): Uint8ClampedArray => {
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    };
    const nextFrame = (): Promise<boolean> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 2_000);
        video.requestVideoFrameCallback(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    let frames = 0;
    if (await nextFrame()) frames++;
    const first = grab();
    for (let i = 0; i < 10; i++) if (await nextFrame()) frames++;
    const last = grab();
    let diff = 0;
    for (let i = 0; i < first.length; i += 4) {
      diff += Math.abs((first[i] ?? 0) - (last[i] ?? 0)) + Math.abs((first[i + 1] ?? 0) - (last[i + 1] ?? 0));
    }
    return { width: video.videoWidth, height: video.videoHeight, frames, moving: frames >= 5 && diff > 0 };
  }, selector);
}
