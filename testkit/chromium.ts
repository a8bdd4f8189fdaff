/**
 * The one place that launches headless Debian Chromium (bench harness, e2e tests, sandbox media test), with the flags
 * measured in shared/notes/webrtc-here.md: a fake camera and microphone that need no permission prompt, loopback ICE
 * candidates, no background throttling (several pages play at once) and autoplay without a gesture. Never downloads a
 * browser. Lives in bench/ because bench must not import from test/, while tests may import from bench/.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const CHROMIUM_ARGS: readonly string[] = [
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
];

export interface ChromiumOptions {
  /** Flags added after CHROMIUM_ARGS. @default [] */
  readonly extraArgs?: readonly string[];
  /** How long launch may take before it fails. @default playwright's own (180 s) */
  readonly timeoutMs?: number;
}

/** playwright's launch() always uses a fresh temporary profile (it refuses --user-data-dir) and removes it on close. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    // playwright-core adds its own --headless; ours (=new) comes first and wins in current Chromium.
    headless: true,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
}

/** A launched browser whose close() never throws, for cleanup lists. */
export interface OwnedChromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startChromium(options: ChromiumOptions = {}): Promise<OwnedChromium> {
  const browser = await launchChromium(options);
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}
