/**
 * Property-based fuzzing of the whole sandbox through fastify's router and hooks (inject): random methods, paths,
 * hosts, credentials and JSON bodies against the IVS API, the token API mount, the media plane and the pages, with
 * operation names, tag keys and attribute keys drawn from the object prototype's own names. Whatever arrives, the
 * answer is never a 5xx, every error is the route's shape (AWS's on the IVS API, `{error:{code,message}}` or the
 * authorizer's `{message}` elsewhere), and nothing reaches Object.prototype. FUZZ_RUNS raises the count.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { isIvsApiRequest } from '../../local/src/framework-errors.js';
import { type RunningSandbox, SIGV4_HEADER, startSandbox } from './helpers.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1500);

/** Every name an object answers from its prototype, and the ones that reach it. */
const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__'];
const OPERATIONS = [
  'CreateStage',
  'GetStage',
  'ListStages',
  'UpdateStage',
  'DeleteStage',
  'CreateParticipantToken',
  'ListParticipants',
  'GetParticipant',
  'ListParticipantEvents',
  'DisconnectParticipant',
  'ListStageSessions',
  'GetStageSession',
  'ImportPublicKey',
  'GetPublicKey',
  'ListPublicKeys',
  'DeletePublicKey',
  'StartComposition',
  'CreateStorageConfiguration',
];

let sb: RunningSandbox;
let stageArn: string;
const stats = { requests: 0, byStatus: new Map<number, number>() };
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  sb = await startSandbox({ media: true, iceAddresses: ['127.0.0.1'], quotas: { stages: 30, publicKeys: 5 } });
  stageArn = sb.app.sandbox.defaultStageArn;
});
afterAll(async () => {
  await sb.close();
  const counts = [...stats.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`);
  process.stdout.write(`sandbox fuzz: ${stats.requests} requests, ${counts.join(' ')}\n`);
});

const protoKey = fc.constantFrom(...PROTOTYPE_NAMES);
const key = fc.oneof(protoKey, fc.constantFrom('aws:owner', 'AWS:x', 'env', ''), fc.string({ maxLength: 20 }));
const record = fc.dictionary(key, fc.oneof(fc.string({ maxLength: 40 }), fc.anything()), { maxKeys: 6 });
const arn = fc.oneof(
  fc.constant('STAGE'),
  fc.constantFrom('arn:aws:ivs:us-east-1:123456789012:stage/none', 'arn:aws:ivs:us-east-1:123456789012:public-key/x', ''),
  fc.string({ maxLength: 30 }),
);
const member = fc.record(
  {
    arn,
    stageArn: arn,
    name: fc.oneof(fc.string({ maxLength: 20 }), protoKey),
    tags: record,
    attributes: record,
    capabilities: fc.oneof(fc.constant(['PUBLISH', 'SUBSCRIBE']), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })),
    participantId: fc.oneof(fc.string({ maxLength: 70 }), protoKey),
    sessionId: fc.string({ maxLength: 20 }),
    autoParticipantRecordingConfiguration: fc.oneof(fc.constant({ storageConfigurationArn: '' }), record),
    maxResults: fc.oneof(fc.integer({ min: -1, max: 200 }), fc.anything()),
    role: fc.constantFrom('publisher', 'viewer', '__proto__'),
    userId: fc.string({ maxLength: 40 }),
    reason: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
);
/** JSON text with prototype names as own keys (JSON.stringify drops a literal `__proto__` member, so splice it in). */
const jsonBody = fc.tuple(member, fc.option(protoKey, { nil: undefined })).map(([m, extra]) => {
  const text = JSON.stringify(m).replaceAll('"STAGE"', JSON.stringify(stageArn ?? ''));
  return extra === undefined ? text : text.replace(/^\{/, `{${JSON.stringify(extra)}:{"a":1},`).replace(/,\}$/, '}');
});
const body = fc.oneof(
  { weight: 6, arbitrary: jsonBody },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'v=0\r\n', '\u0000', '{"tags":{"__proto__":"p","constructor":"c"}}') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)) },
);
const segment = fc.oneof(protoKey, fc.constantFrom(...OPERATIONS), fc.string({ maxLength: 30 }).map(encodeURIComponent));
const path = fc.oneof(
  { weight: 5, arbitrary: segment.map((op) => `/${op}`) },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(arn, protoKey), fc.array(key, { maxLength: 3 })).map(([a, keys]) => `/tags/${encodeURIComponent(a === 'STAGE' ? 'ARN' : a)}${keys.length ? `?${keys.map((k) => `tagKeys=${encodeURIComponent(k)}`).join('&')}` : ''}`) },
  { weight: 2, arbitrary: fc.constantFrom('/api/tokens', '/api/auth/tokens', '/api/stage', '/api/time').chain((p) => fc.constant(p)) },
  { weight: 1, arbitrary: segment.map((s) => `/api/participants/${s}`) },
  { weight: 1, arbitrary: segment.map((s) => `/api/${s}?${s}=1&constructor=2`) },
  { weight: 1, arbitrary: fc.oneof(fc.constant('/whip'), segment.map((s) => `/whip/subscribe/${s}`), segment.map((s) => `/whip/publish/${s}`), segment.map((s) => `/whip/sessions/${s}`)) },
  { weight: 1, arbitrary: fc.constantFrom('/config.json', '/events', '/', `/${'a'.repeat(300)}`, '/%zz', '/tags/%E0%A4%A') },
);
const method = fc.constantFrom('POST', 'POST', 'POST', 'GET', 'DELETE', 'PUT', 'OPTIONS');
const authorization = fc.option(fc.oneof(fc.constant(SIGV4_HEADER), fc.constantFrom('Bearer dev', 'Bearer garbage', 'Basic ZGV2OmRldg=='), fc.string({ maxLength: 30 })), { nil: undefined });
const contentType = fc.option(fc.constantFrom('application/json', 'application/sdp', 'text/plain', 'application/x-amz-json-1.1'), { nil: undefined });
const host = fc.oneof({ weight: 8, arbitrary: fc.constant('localhost') }, { weight: 1, arbitrary: fc.constantFrom('evil.example', '127.0.0.1:1', '[::1]') });
const headerExtras = fc.dictionary(fc.oneof(protoKey, fc.constantFrom('x-forwarded-host', 'origin')), fc.string({ maxLength: 20 }), { maxKeys: 2 });

const request = fc.record({ method, path, body: fc.option(body, { nil: undefined }), authorization, contentType, host, headerExtras });

function shapeProblem(method: string, url: string, status: number, headers: Record<string, unknown>, text: string): string | undefined {
  if (status >= 500) return `5xx: ${text.slice(0, 200)}`;
  if (status < 400) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${text.slice(0, 100)}`;
  }
  const o = json as { error?: { code?: unknown; message?: unknown }; message?: unknown; exceptionMessage?: unknown };
  if (isIvsApiRequest(method, url)) {
    if (typeof headers['x-amzn-errortype'] !== 'string') return 'IVS error without x-amzn-ErrorType';
    return typeof o.message === 'string' && typeof o.exceptionMessage === 'string' ? undefined : 'IVS error without message';
  }
  if (typeof o.error?.code === 'string' && typeof o.error.message === 'string') return undefined;
  if (status === 401 && o.message === 'Unauthorized') return undefined;
  return `not {error:{code,message}}: ${text.slice(0, 100)}`;
}

describe('the sandbox under random requests', () => {
  it(`never answers 5xx and keeps every error in its route's shape (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const payload = r.body === undefined || r.method === 'GET' ? undefined : r.body;
        const opts: InjectOptions = {
          method: r.method as InjectOptions['method'],
          url: r.path.replace('ARN', encodeURIComponent(stageArn)),
          headers: {
            ...r.headerExtras,
            host: r.host,
            ...(r.authorization !== undefined ? { authorization: r.authorization } : {}),
            ...(r.contentType !== undefined ? { 'content-type': r.contentType } : {}),
          },
          ...(payload !== undefined ? { payload } : {}),
        };
        const res = await sb.app.inject(opts);
        stats.requests += 1;
        stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
        const problem = shapeProblem(r.method, String(opts.url), res.statusCode, res.headers, res.body);
        if (problem !== undefined) throw new Error(`${r.method} ${String(opts.url)} -> ${res.statusCode}: ${problem}`);
      }),
      { numRuns: RUNS },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>)['a']).toBeUndefined();
    expect(stats.byStatus.get(500) ?? 0).toBe(0);
  }, 120_000);
});
