/**
 * The sandbox as a child process of the bench, so its CPU and memory are measured apart from the bench, the browser
 * and the subscriber fleet. Builds the app with local/src/app.ts's buildApp, listens on 127.0.0.1:0 and reports the
 * URL to the parent over IPC; closes gracefully on "close" from the parent, on SIGTERM, or when the parent dies.
 * Options come as JSON in BENCH_SANDBOX_OPTIONS (validated by the sandbox's own config schema).
 */
import type { AddressInfo } from 'node:net';

interface Closable {
  listen(opts: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
  server: { address(): AddressInfo | string | null };
}

const send = (msg: unknown): void => {
  process.send?.(msg);
};

async function main(): Promise<void> {
  const options: unknown = JSON.parse(process.env['BENCH_SANDBOX_OPTIONS'] ?? '{}');
  // A computed specifier: the bench type-checks (and says what is missing) even before the app module exists.
  const appModule = new URL('../local/src/app.js', import.meta.url).href;
  const mod = (await import(appModule)) as { buildApp?: (o: unknown) => Promise<Closable> };
  if (typeof mod.buildApp !== 'function') throw new Error('local/src/app.ts does not export buildApp()');
  const app = await mod.buildApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the sandbox did not bind a TCP port');
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    await app.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'close') void close();
  });
  process.on('SIGTERM', () => void close());
  // The IPC channel closes when the parent exits, however it exits: never outlive it.
  process.on('disconnect', () => void close());
  send({ type: 'ready', url: `http://127.0.0.1:${address.port}` });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
