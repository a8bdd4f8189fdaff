/** Starts the sandbox in a child process (bench/sandbox-child.ts) and stops it, leaving nothing running. */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, '..', 'sandbox-child.ts');

const ChildMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export interface SandboxProcess {
  readonly url: string;
  readonly pid: number;
  /** stderr/stdout tail, for error reports. */
  logTail(): string;
  stop(): Promise<void>;
}

export async function startSandbox(options: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<SandboxProcess> {
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_SANDBOX_OPTIONS: JSON.stringify({ iceAddresses: ['127.0.0.1'], ...options }) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the sandbox did not start within ${timeoutMs} ms:\n${tail}`));
    }, timeoutMs);
    child.on('message', (raw) => {
      const m = ChildMessage.safeParse(raw);
      if (!m.success) return;
      clearTimeout(timer);
      if (m.data.type === 'ready') resolve(m.data.url);
      else reject(new Error(`the sandbox failed to start: ${m.data.message}\n${tail}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${tail}`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    pid: child.pid as number,
    logTail: () => tail,
    stop: async () => {
      if (child.exitCode === null) {
        child.send?.('close');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
