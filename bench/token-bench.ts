/**
 * Token issuance in-process: lambda/'s real handler (createHandler) in self-signed mode, fed API Gateway HTTP API v2
 * events for `POST /tokens` back to back on this one thread, so tokens/s is a per-core figure and every request's
 * latency is the handler's own (parse, plan, ES384 sign, respond). The signing key is generated here, per run, and
 * never written anywhere. Logs and metrics are silenced: they would measure stdout, not the handler.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHandler } from '../lambda/token/app.js';
import { summarize } from '../web/src/measure/percentiles.js';

const STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/BenchStage01';
const PUBLIC_KEY_ARN = 'arn:aws:ivs:us-east-1:123456789012:public-key/BenchKey0001';

export interface TokenBenchOptions {
  /** Measurement time after a short warm-up. */
  readonly seconds: number;
}

export interface TokenBenchResult {
  /** Successful tokens per second through the handler on one thread. */
  readonly selfSignedPerSec: number;
  readonly handlerP50Ms: number;
  readonly handlerP99Ms: number;
  readonly requests: number;
  /** Bare ES384 signatures per second with node:crypto on this thread: the ceiling for any token handler here. */
  readonly rawSignPerSec: number;
}

function rawSignRate(key: KeyObject, seconds: number): number {
  const payload = Buffer.alloc(600, 0x61);
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    sign('sha384', payload, { key, dsaEncoding: 'ieee-p1363' });
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

function tokenEvent(i: number): APIGatewayProxyEventV2 {
  const body = JSON.stringify({ role: 'viewer', userId: `bench-${i}` });
  return {
    version: '2.0',
    routeKey: 'POST /tokens',
    rawPath: '/tokens',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'bench.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/tokens', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${i}`,
      routeKey: 'POST /tokens',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench-token',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-token',
  memoryLimitInMB: '512',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench-token',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** Powertools reads its "disabled" switch from the environment when a Metrics is built, and only there. */
function silentMetrics(): Metrics {
  const before = process.env['POWERTOOLS_METRICS_DISABLED'];
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  try {
    return new Metrics({ namespace: 'Bench', serviceName: 'token-bench' });
  } finally {
    if (before === undefined) delete process.env['POWERTOOLS_METRICS_DISABLED'];
    else process.env['POWERTOOLS_METRICS_DISABLED'] = before;
  }
}

export async function benchTokens(options: TokenBenchOptions): Promise<TokenBenchResult> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const handler = createHandler({
    config: {
      stageArn: STAGE_ARN,
      minting: 'self-signed',
      viewerAccess: 'public',
      publicKeyArn: PUBLIC_KEY_ARN,
      whipUrl: 'https://bench.global-bm.whip.live-video.net',
      eventsUrl: 'wss://global.events.live-video.net',
    },
    // Never called in self-signed mode with fixed endpoints; a loopback endpoint makes sure of it.
    ivs: new IVSRealTimeClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    loadPrivateKeyPem: async () => pem,
    logger: new Logger({ serviceName: 'token-bench', logLevel: 'SILENT' }),
    metrics: silentMetrics(),
  });
  let i = 0;
  const one = async (): Promise<boolean> => {
    const res = await handler(tokenEvent(i++), context);
    return res.statusCode === 201;
  };
  // Warm-up: key import, JIT.
  const warmEnd = performance.now() + Math.min(1000, options.seconds * 200);
  while (performance.now() < warmEnd) if (!(await one())) throw new Error('the token handler did not return 201 during warm-up');
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  const end = t0 + options.seconds * 1000;
  while (performance.now() < end) {
    const s = performance.now();
    const ok = await one();
    if (ok) latencies.push(performance.now() - s);
    else failed++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  if (failed > 0) throw new Error(`${failed} token requests failed during the measurement`);
  const summary = summarize(latencies);
  return {
    selfSignedPerSec: latencies.length / elapsed,
    handlerP50Ms: summary?.p50 ?? 0,
    handlerP99Ms: summary?.p99 ?? 0,
    requests: latencies.length,
    rawSignPerSec: rawSignRate(privateKey, Math.max(0.5, options.seconds / 3)),
  };
}
