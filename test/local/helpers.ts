/** Shared set-up for the sandbox control-plane tests: a sandbox on 127.0.0.1:0, an SDK client, a WebSocket client. */
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { type BuildAppOptions, buildApp } from '../../local/src/app.js';
import { ServerEvent } from '../../contracts/sandbox-protocol.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/powertools.js';
import './test-env.js';

/** Quiet powertools for the mounted token API (pass as BuildAppOptions.tokenApi): it logs every request, as in Lambda. */
export const quietTokenApi = (): NonNullable<BuildAppOptions['tokenApi']> => ({
  logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
});

export interface RunningSandbox {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly ivs: IVSRealTimeClient;
  close(): Promise<void>;
}

export async function startSandbox(options: BuildAppOptions = {}): Promise<RunningSandbox> {
  const app = await buildApp({ media: false, tokenApi: quietTokenApi(), ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('not listening');
  const url = `http://127.0.0.1:${address.port}`;
  const ivs = new IVSRealTimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
  });
  return {
    app,
    url,
    ivs,
    async close() {
      ivs.destroy();
      await app.close();
    },
  };
}

/** A SigV4-shaped Authorization header (the emulator checks the shape, never the signature). */
export const SIGV4_HEADER =
  'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + '0'.repeat(64);

/** An events WebSocket that queues every server message for `next()`. */
export class EventsClient {
  readonly socket: WebSocket;
  private readonly queue: ServerEvent[] = [];
  private waiters: Array<(e: ServerEvent) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws') + '/events');
    this.socket.on('message', (data) => {
      const event = ServerEvent.parse(JSON.parse(data.toString()));
      const waiter = this.waiters.shift();
      if (waiter) waiter(event);
      else this.queue.push(event);
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  opened(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next(): Promise<ServerEvent> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next message of this type (skipping others, e.g. counts pushes). */
  async nextOf<T extends ServerEvent['type']>(type: T): Promise<Extract<ServerEvent, { type: T }>> {
    for (;;) {
      const event = await this.next();
      if (event.type === type) return event as Extract<ServerEvent, { type: T }>;
    }
  }

  async join(token: string): Promise<Extract<ServerEvent, { type: 'welcome' }>> {
    await this.opened();
    this.send({ type: 'hello', token });
    const first = await this.next();
    if (first.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(first)}`);
    return first;
  }

  close(): void {
    this.socket.close();
  }
}
