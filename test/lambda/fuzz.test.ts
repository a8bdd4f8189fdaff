/**
 * Property-based fuzzing of the whole handler: whatever method, path, headers, body, encoding and claims arrive,
 * the answer is never a 5xx, every 4xx is a well-formed contract ErrorBody, every 2xx matches its route's response
 * schema, and no caller without the publishers group ever receives PUBLISH.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateParticipantTokenCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListParticipantsCommand,
} from '@aws-sdk/client-ivs-realtime';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { createHandler, type TokenApiHandler } from '../../lambda/token/app.js';
import { CreateTokenResponse, DisconnectResponse, ErrorBody, LIMITS, StageSummary, TimeResponse } from '../../contracts/token-api.js';
import { parseGroups } from '../../lambda/token/core.js';
import {
  captureStdout,
  EVENTS_URL,
  fakeContext,
  generateTestKeys,
  NOW_MS,
  PUBLIC_KEY_ARN,
  STAGE_ARN,
  WHIP_URL,
  type StdoutCapture,
} from './fixtures/events.js';

const ivsMock = mockClient(IVSRealTimeClient);
let stdout: StdoutCapture;

beforeAll(() => {
  stdout = captureStdout();
  ivsMock.on(CreateParticipantTokenCommand).callsFake((input: { userId?: string; capabilities?: string[]; duration?: number }) => ({
    participantToken: {
      token: 'fuzz-token',
      participantId: 'FuzzPart1234',
      userId: input.userId,
      capabilities: input.capabilities,
      expirationTime: new Date(NOW_MS + (input.duration ?? 720) * 60_000),
    },
  }));
  ivsMock.on(GetStageCommand).resolves({ stage: { arn: STAGE_ARN, name: 'fuzz', activeSessionId: 'st-1' } });
  ivsMock.on(ListParticipantsCommand).resolves({ participants: [{ published: true }, { published: false }] });
  ivsMock.on(DisconnectParticipantCommand).resolves({});
});
afterAll(() => {
  stdout.restore();
  ivsMock.restore();
});

/** Whatever arrived, no token (issued or sent) and no request body or header ever reaches the log. */
function expectNothingSecretLogged(): void {
  const lines = stdout.lines();
  expect(lines.length).toBeGreaterThan(0);
  const all = lines.join('\n');
  expect(all).not.toContain('fuzz-token');
  expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
  expect(all).not.toContain('203.0.113.7');
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const KNOWN_PATHS = ['/tokens', '/auth/tokens', '/stage', '/time', '/participants/abc123', '/participants/', '/', '/api/tokens'];
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'get', 'post'),
  fc.string({ maxLength: 10 }),
);
const path = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.string({ maxLength: 40 }).map((s) => `/${s}`),
  fc.string({ maxLength: 70 }).map((s) => `/participants/${s}`),
  fc.webPath(),
);
const routeKey = fc.option(
  fc.oneof(
    fc.constantFrom('$default', 'POST /tokens', 'POST /auth/tokens', 'GET /stage', 'GET /time', 'DELETE /participants/{participantId}'),
    fc.string({ maxLength: 30 }),
  ),
  { nil: undefined },
);

const role = fc.oneof(fc.constantFrom('publisher', 'viewer'), fc.string({ maxLength: 12 }), fc.anything());
const userId = fc.oneof(fc.string({ maxLength: 140 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer(), fc.constant(null));
const attributes = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 300 }), { maxKeys: 8 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.anything(), { maxKeys: 3 }),
  fc.constant({ __proto__: 'x', constructor: 'y' }),
  fc.constant({ t: 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhYmNkZWZnaCJ9.sig' }),
  fc.anything(),
);
const durationMinutes = fc.oneof(
  fc.integer({ min: -10, max: 30_000 }),
  fc.double(),
  fc.constantFrom(0, 1, 720, 7200, 20_160, 20_161, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 6 }),
);
/** Near-valid token requests: the schema's fields with hostile values, sometimes plus an unknown field. */
const tokenRequest = fc.record(
  { role, userId, attributes, durationMinutes, extra: fc.anything() },
  { requiredKeys: [] },
);
const bodyValue = fc.oneof(
  { weight: 5, arbitrary: tokenRequest },
  { weight: 1, arbitrary: fc.record({ reason: fc.oneof(fc.string({ maxLength: 200 }), fc.anything()) }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);
const body = fc.option(
  fc.oneof(
    { weight: 6, arbitrary: bodyValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[[[[', 'null', '"str"', '{"role":"viewer"', '\u0000') },
    { weight: 1, arbitrary: fc.integer({ min: LIMITS.bodyMaxBytes - 2, max: LIMITS.bodyMaxBytes + 50 }).map((n) => `{"role":"viewer","userId":"${'x'.repeat(n)}"}`) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')) },
  ),
  { nil: undefined },
);
const contentType = fc.option(
  fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/ld+json', 'text/plain', 'multipart/form-data', ''),
    fc.string({ maxLength: 40 }),
  ),
  { nil: undefined },
);
const headers = fc.tuple(
  contentType,
  fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 60 }), { maxKeys: 5 }),
);
const groups = fc.oneof(
  fc.constantFrom('[publishers]', '[publishers other]', '[viewers]', '["publishers"]', 'publishers', '[]', '[publishersx]'),
  fc.string({ maxLength: 30 }),
  fc.array(fc.oneof(fc.constant('publishers'), fc.string({ maxLength: 10 })), { maxLength: 3 }),
);
const claims = fc.option(
  fc.oneof(
    fc.record(
      {
        sub: fc.oneof(fc.constantFrom('sub-alice', 'sub-bob'), fc.string({ maxLength: 20 })),
        'cognito:username': fc.oneof(fc.constantFrom('alice', 'bob'), fc.string({ maxLength: 20 })),
        'cognito:groups': groups,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 15 }), fc.anything(), { maxKeys: 4 }),
    fc.anything(),
  ),
  { nil: undefined },
);

const event = fc
  .record({ method, path, routeKey, body, base64: fc.boolean(), headers, claims, pathParam: fc.option(fc.string({ maxLength: 70 }), { nil: undefined }) })
  .map((e): APIGatewayProxyEventV2 => {
    const [ct, extraHeaders] = e.headers;
    const hdrs: Record<string, string> = { ...extraHeaders };
    if (ct !== undefined) hdrs['content-type'] = ct;
    const encodedBody = e.body !== undefined && e.base64 ? Buffer.from(e.body, 'utf8').toString('base64') : e.body;
    return {
      version: '2.0',
      routeKey: e.routeKey,
      rawPath: e.path,
      rawQueryString: '',
      headers: hdrs,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'abc123',
        http: { method: e.method, path: e.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'fuzz' },
        requestId: 'fuzz',
        routeKey: e.routeKey ?? '$default',
        stage: '$default',
        time: '15/Jan/2025:12:00:00 +0000',
        timeEpoch: NOW_MS,
        ...(e.claims !== undefined ? { authorizer: { jwt: { claims: e.claims, scopes: null } } } : {}),
      },
      ...(e.pathParam !== undefined ? { pathParameters: { participantId: e.pathParam } } : {}),
      ...(encodedBody !== undefined ? { body: encodedBody } : {}),
      isBase64Encoded: e.base64,
    } as APIGatewayProxyEventV2;
  });

// ---------------------------------------------------------------------------------------------------------------
// Invariants

const SUCCESS_SCHEMAS = [CreateTokenResponse, StageSummary, DisconnectResponse, TimeResponse];

function callerIsPublisher(e: APIGatewayProxyEventV2): boolean {
  const auth = (e.requestContext as { authorizer?: { jwt?: { claims?: unknown } } }).authorizer;
  const c = auth?.jwt?.claims;
  if (c === null || typeof c !== 'object') return false;
  const sub = (c as Record<string, unknown>)['sub'];
  return typeof sub === 'string' && sub.length > 0 && parseGroups((c as Record<string, unknown>)['cognito:groups']).includes('publishers');
}

function checkResponse(e: APIGatewayProxyEventV2, res: APIGatewayProxyStructuredResultV2): void {
  const status = res.statusCode ?? 0;
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThan(500);
  expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
  const parsed: unknown = JSON.parse(res.body ?? '');
  if (status >= 400) {
    // Strict at the top: an error body carries nothing beside `error`.
    const err = z.strictObject(ErrorBody.shape).parse(parsed);
    expect(err.error.message.length).toBeGreaterThan(0);
    return;
  }
  expect(SUCCESS_SCHEMAS.some((s) => s.safeParse(parsed).success)).toBe(true);
  const token = CreateTokenResponse.safeParse(parsed);
  if (token.success && token.data.capabilities.includes('PUBLISH')) expect(callerIsPublisher(e)).toBe(true);
}

async function runProperty(handler: TokenApiHandler, numRuns: number, arb: fc.Arbitrary<APIGatewayProxyEventV2>): Promise<number> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (e) => {
      runs++;
      checkResponse(e, await handler(e, fakeContext()));
    }),
    { numRuns, seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31) },
  );
  return runs;
}

describe('fuzzing the token API handler', () => {
  it('never answers 5xx and always a well-formed body, over 10,000 generated requests (api minting)', async () => {
    const handler = createHandler({
      config: { stageArn: STAGE_ARN, minting: 'api', viewerAccess: 'public', basePath: '/api' },
      ivs: new IVSRealTimeClient({ region: 'us-east-1' }),
      now: () => NOW_MS,
    });
    expect(await runProperty(handler, 10_000, event)).toBe(10_000);
    expectNothingSecretLogged();
  }, 120_000);

  it('holds for 2,000 token requests with self-signed minting and signed-in viewer access', async () => {
    const keys = generateTestKeys();
    const handler = createHandler({
      config: {
        stageArn: STAGE_ARN,
        minting: 'self-signed',
        viewerAccess: 'signed-in',
        publicKeyArn: PUBLIC_KEY_ARN,
        whipUrl: WHIP_URL,
        eventsUrl: EVENTS_URL,
      },
      ivs: new IVSRealTimeClient({ region: 'us-east-1' }),
      loadPrivateKeyPem: async () => keys.privateKeyPem,
      now: () => NOW_MS,
    });
    const tokenEvents = event.map((e) => ({ ...e, routeKey: 'POST /auth/tokens', requestContext: { ...e.requestContext, http: { ...e.requestContext.http, method: 'POST' } } }));
    expect(await runProperty(handler, 2_000, tokenEvents)).toBe(2_000);
    expectNothingSecretLogged();
  }, 120_000);
});
