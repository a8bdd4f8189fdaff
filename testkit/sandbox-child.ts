/**
 * The sandbox as a child process (tsx) of the bench and the page tests, so its CPU and memory are measured apart from
 * theirs. Starts it through local/src/server.ts's startServer (the same HTTP timeouts as `npm start`) on
 * 127.0.0.1:0 with ICE on loopback only, and reports its URL over IPC. Closes on "close" from the parent, on SIGTERM,
 * or when the parent goes away. Options arrive as JSON in TESTKIT_SANDBOX_OPTIONS (validated by the sandbox's own
 * config schema).
 */
import type { BuildAppOptions } from '../local/src/app.js';
import { startServer } from '../local/src/server.js';

const send = (msg: unknown): void => {
  process.send?.(msg);
};

async function main(): Promise<void> {
  const options = JSON.parse(process.env['TESTKIT_SANDBOX_OPTIONS'] ?? '{}') as BuildAppOptions;
  const app = await startServer({ iceAddresses: ['127.0.0.1'], ...options, host: '127.0.0.1', port: 0 });
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
  send({ type: 'ready', url: `http://127.0.0.1:${address.port}`, stageArn: app.sandbox.defaultStageArn });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
