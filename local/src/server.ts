/**
 * Listening and shutting down (the app itself is app.ts): HTTP timeouts, and a graceful close on SIGINT/SIGTERM
 * that tells pages why they are dropped, ends peer connections (fastify preClose), then exits. A second signal
 * exits at once.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type BuildAppOptions, buildApp } from './app.js';

export interface ListenOptions {
  readonly port: number;
  readonly host: string;
}

/** A stuck close (a peer that never answers) must not keep Ctrl-C from working. */
const CLOSE_DEADLINE_MS = 10_000;
/**
 * A group signal reaches this process twice: from the terminal or CI runner, and relayed by npm to its child a few
 * milliseconds later. A repeat this soon is that copy, not a person asking to stop right now.
 */
export const RELAYED_SIGNAL_WINDOW_MS = 500;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Off loopback, anyone on the network reaches the sandbox: the IVS API then verifies SigV4 against a fresh access key
 * pair and the dev identity needs a fresh secret (main.ts prints both), unless the caller chose its own.
 */
export function networkOptions(host: string, options: BuildAppOptions): BuildAppOptions {
  const named = host === '0.0.0.0' || host === '::' ? [] : [host.includes(':') ? `[${host}]` : host];
  const allowedHosts = [...(options.allowedHosts ?? []), ...named];
  if (isLoopbackHost(host)) return { ...options, allowedHosts };
  return {
    ...options,
    allowedHosts,
    devBearer: options.devBearer ?? randomBytes(18).toString('base64url'),
    sigV4Credentials: options.sigV4Credentials ?? {
      accessKeyId: `AKIASANDBOX${randomBytes(5).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
    },
  };
}

export async function startServer(options: BuildAppOptions & ListenOptions): Promise<FastifyInstance> {
  const { port, host, ...appOptions } = options;
  const app = await buildApp(networkOptions(host, appOptions));
  // Slow or silent clients can't hold sockets forever; SDP offers and API bodies are small and quick.
  app.server.headersTimeout = 15_000;
  app.server.requestTimeout = 30_000;
  app.server.keepAliveTimeout = 10_000;
  await app.listen({ port, host });
  return app;
}

/** Closes `app` on SIGINT/SIGTERM and exits; returns a function that removes the handlers (tests). */
export function closeOnSignals(
  app: FastifyInstance,
  onClosed: (code: number) => void = (code) => process.exit(code),
  nowMs: () => number = () => performance.now(),
): () => void {
  let closingSince: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (closingSince !== undefined) {
      if (nowMs() - closingSince < RELAYED_SIGNAL_WINDOW_MS) return;
      onClosed(1);
      return;
    }
    closingSince = nowMs();
    app.log.info({ signal }, 'closing');
    const deadline = setTimeout(() => onClosed(1), CLOSE_DEADLINE_MS);
    deadline.unref();
    app.close().then(
      () => {
        clearTimeout(deadline);
        onClosed(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'close failed');
        clearTimeout(deadline);
        onClosed(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
