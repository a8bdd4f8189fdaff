/**
 * The sandbox for the page tests, as a child process (tsx): builds web/ into a temporary directory with web/build.ts,
 * starts local/src/app.ts's buildApp with those pages on 127.0.0.1:0 (ICE on loopback only), and reports its URL over
 * IPC. Closes on "close" from the parent, on SIGTERM, or when the parent goes away, and removes the build.
 * Options arrive as JSON in E2E_SANDBOX_OPTIONS (validated by the sandbox's own config schema).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../../local/src/app.js';
import { buildWeb } from '../../../web/build.js';

const send = (msg: unknown): void => {
  process.send?.(msg);
};

async function main(): Promise<void> {
  const options = JSON.parse(process.env['E2E_SANDBOX_OPTIONS'] ?? '{}') as Record<string, unknown>;
  const outdir = await mkdtemp(join(tmpdir(), 'ivs-e2e-web-'));
  await buildWeb({ outdir, minify: false });
  const app = await buildApp({ iceAddresses: ['127.0.0.1'], ...options, webRoot: outdir });
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
    await rm(outdir, { recursive: true, force: true }).catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'close') void close();
  });
  process.on('SIGTERM', () => void close());
  // The IPC channel closes when the parent exits, however it exits: never outlive it.
  process.on('disconnect', () => void close());
  send({ type: 'ready', url: `http://127.0.0.1:${address.port}`, stageArn: app.sandbox.defaultStageArn });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
