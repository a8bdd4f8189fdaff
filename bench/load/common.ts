/** What every load-test mode shares: log lines, the progress line, and the clean-ups run on exit or signal. */
const isTty = process.stdout.isTTY === true;
export const log = (line: string): void => {
  if (isTty) process.stdout.write('\r\x1b[K');
  process.stdout.write(`[loadtest ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
/** One rewritten status line on a terminal; a plain line every few seconds otherwise (CI logs). */
let lastPlain = 0;
export const progress = (line: string): void => {
  if (isTty) process.stdout.write(`\r\x1b[K${line}`);
  else if (performance.now() - lastPlain > 5000) {
    lastPlain = performance.now();
    process.stdout.write(`[loadtest ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  }
};
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const cleanups: (() => Promise<void>)[] = [];
export async function cleanupAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}
