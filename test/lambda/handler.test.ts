/**
 * The token API handler with API Gateway v2 fixture events; AWS is faked only at the SDK boundary
 * (aws-sdk-client-mock), so routing, parsing, auth, mapping, logging and metrics all run for real.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateParticipantTokenCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListParticipantsCommand,
} from '@aws-sdk/client-ivs-realtime';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, TokenApiConfigError, type TokenApiConfig } from '../../lambda/token/app.js';
import { CreateTokenResponse, DisconnectResponse, ErrorBody, LIMITS, StageSummary, TimeResponse } from '../../contracts/token-api.js';
import {
  awsErrors,
  captureStdout,
  fakeContext,
  httpEvent,
  MEMBER,
  NOW_MS,
  postJson,
  PUBLISHER,
  STAGE_ARN,
  type StdoutCapture,
} from './fixtures/events.js';

const ivsMock = mockClient(IVSRealTimeClient);
let stdout: StdoutCapture;
let clock = NOW_MS;

beforeEach(() => {
  ivsMock.reset();
  clock = NOW_MS;
  stdout = captureStdout();
});
afterEach(() => stdout.restore());

function makeHandler(config: Partial<TokenApiConfig> = {}) {
  return createHandler({
    config: { stageArn: STAGE_ARN, minting: 'api', viewerAccess: 'public', ...config },
    ivs: new IVSRealTimeClient({ region: 'us-east-1' }),
    now: () => clock,
  });
}

async function call(event: APIGatewayProxyEventV2, config: Partial<TokenApiConfig> = {}) {
  return makeHandler(config)(event, fakeContext());
}

function json(res: APIGatewayProxyStructuredResultV2): unknown {
  expect(res.headers?.['content-type']).toMatch(/^application\/json/);
  return JSON.parse(res.body ?? '');
}

function errorOf(res: APIGatewayProxyStructuredResultV2): ErrorBody['error'] {
  return ErrorBody.parse(json(res)).error;
}

function mockTokenIssued(token = 'ivs-issued-token-secret') {
  ivsMock.on(CreateParticipantTokenCommand).callsFake((input: { userId?: string; capabilities?: string[]; duration?: number }) => ({
    participantToken: {
      token,
      participantId: 'PartIcIpant1',
      userId: input.userId,
      capabilities: input.capabilities,
      duration: input.duration,
      expirationTime: new Date(NOW_MS + (input.duration ?? 720) * 60_000),
    },
  }));
}

describe('POST /tokens (api minting)', () => {
  it('issues a viewer token with defaults via CreateParticipantToken', async () => {
    mockTokenIssued();
    const res = await call(postJson('/tokens', { role: 'viewer' }));
    expect(res.statusCode).toBe(201);
    const body = CreateTokenResponse.parse(json(res));
    expect(body).toMatchObject({
      token: 'ivs-issued-token-secret',
      participantId: 'PartIcIpant1',
      capabilities: ['SUBSCRIBE'],
      stageArn: STAGE_ARN,
      minting: 'api',
      expiresAt: new Date(NOW_MS + 720 * 60_000).toISOString(),
    });
    expect(body.userId).toMatch(/^viewer-/);
    const sent = ivsMock.commandCalls(CreateParticipantTokenCommand)[0]?.args[0].input;
    expect(sent).toEqual({ stageArn: STAGE_ARN, userId: body.userId, attributes: {}, capabilities: ['SUBSCRIBE'], duration: 720 });
    expect(res.headers?.['cache-control']).toBe('no-store');
  });

  it('passes userId, attributes and duration through', async () => {
    mockTokenIssued();
    const res = await call(postJson('/tokens', { role: 'viewer', userId: 'carol', attributes: { seat: 'B2' }, durationMinutes: 60 }));
    expect(res.statusCode).toBe(201);
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)[0]?.args[0].input).toMatchObject({
      userId: 'carol',
      attributes: { seat: 'B2' },
      duration: 60,
    });
    expect(CreateTokenResponse.parse(json(res)).expiresAt).toBe(new Date(NOW_MS + 60 * 60_000).toISOString());
  });

  it('reads a base64-encoded body', async () => {
    mockTokenIssued();
    const body = Buffer.from(JSON.stringify({ role: 'viewer', userId: 'dan' })).toString('base64');
    const res = await call(httpEvent({ method: 'POST', path: '/tokens', body, isBase64Encoded: true }));
    expect(res.statusCode).toBe(201);
    expect(CreateTokenResponse.parse(json(res)).userId).toBe('dan');
  });

  it('accepts application/json with a charset', async () => {
    mockTokenIssued();
    const res = await call(
      postJson('/tokens', { role: 'viewer' }, { headers: { 'Content-Type': 'application/json; charset=UTF-8' } }),
    );
    expect(res.statusCode).toBe(201);
  });

  it.each<[string, APIGatewayProxyEventV2, number, string]>([
    ['no body', httpEvent({ method: 'POST', path: '/tokens' }), 400, 'INVALID_REQUEST'],
    ['malformed JSON', httpEvent({ method: 'POST', path: '/tokens', body: '{"role":' }), 400, 'INVALID_JSON'],
    ['non-UTF-8 bytes', httpEvent({ method: 'POST', path: '/tokens', body: Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'), isBase64Encoded: true }), 400, 'INVALID_JSON'],
    ['text/plain', httpEvent({ method: 'POST', path: '/tokens', body: '{"role":"viewer"}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['form-encoded', httpEvent({ method: 'POST', path: '/tokens', body: 'role=viewer', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['oversize body', postJson('/tokens', { role: 'viewer', userId: 'x'.repeat(LIMITS.bodyMaxBytes) }), 413, 'PAYLOAD_TOO_LARGE'],
    ['oversize base64 body', httpEvent({ method: 'POST', path: '/tokens', body: Buffer.alloc(LIMITS.bodyMaxBytes + 1, 32).toString('base64'), isBase64Encoded: true }), 413, 'PAYLOAD_TOO_LARGE'],
    ['unknown role', postJson('/tokens', { role: 'admin' }), 400, 'INVALID_REQUEST'],
    ['duration out of range', postJson('/tokens', { role: 'viewer', durationMinutes: 20_161 }), 400, 'INVALID_REQUEST'],
    ['oversize attributes', postJson('/tokens', { role: 'viewer', attributes: { big: 'x'.repeat(1100) } }), 400, 'INVALID_REQUEST'],
    ['unknown field', postJson('/tokens', { role: 'viewer', capabilities: ['PUBLISH'] }), 400, 'INVALID_REQUEST'],
  ])('rejects %s with %i %s and never calls IVS', async (_name, event, status, code) => {
    mockTokenIssued();
    const res = await call(event);
    expect(res.statusCode).toBe(status);
    expect(errorOf(res).code).toBe(code);
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)).toHaveLength(0);
  });

  it('names the offending field', async () => {
    const res = await call(postJson('/tokens', { role: 'viewer', durationMinutes: 7200.5 }));
    expect(errorOf(res)).toMatchObject({ code: 'INVALID_REQUEST', field: 'durationMinutes' });
    const res2 = await call(postJson('/tokens', { role: 'viewer', capabilities: ['PUBLISH'] }));
    expect(errorOf(res2)).toMatchObject({ field: 'capabilities' });
  });
});

describe('auth rules', () => {
  it('issues a publisher token to a member of the publishers group (groups as API Gateway flattens them)', async () => {
    mockTokenIssued();
    const res = await call(postJson('/auth/tokens', { role: 'publisher' }, { claims: PUBLISHER }));
    expect(res.statusCode).toBe(201);
    const body = CreateTokenResponse.parse(json(res));
    expect(body.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(body.userId).toBe(PUBLISHER['sub']);
  });

  it('accepts groups as a real array too', async () => {
    mockTokenIssued();
    const res = await call(postJson('/auth/tokens', { role: 'publisher' }, { claims: { ...PUBLISHER, 'cognito:groups': ['publishers'] } }));
    expect(res.statusCode).toBe(201);
  });

  it('rejects a publisher request without sign-in (401) on either route', async () => {
    mockTokenIssued();
    for (const path of ['/tokens', '/auth/tokens']) {
      const res = await call(postJson(path, { role: 'publisher' }));
      expect([res.statusCode, errorOf(res).code]).toEqual([401, 'UNAUTHORIZED']);
    }
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)).toHaveLength(0);
  });

  it('rejects a publisher request from a signed-in non-publisher (403)', async () => {
    const res = await call(postJson('/auth/tokens', { role: 'publisher' }, { claims: MEMBER }));
    expect([res.statusCode, errorOf(res).code, errorOf(res).field]).toEqual([403, 'FORBIDDEN', 'role']);
  });

  it("rejects minting for another user's id (403), allows one's own username", async () => {
    mockTokenIssued();
    const other = await call(postJson('/auth/tokens', { role: 'publisher', userId: 'bob' }, { claims: PUBLISHER }));
    expect([other.statusCode, errorOf(other).field]).toEqual([403, 'userId']);
    const own = await call(postJson('/auth/tokens', { role: 'publisher', userId: 'alice' }, { claims: PUBLISHER }));
    expect(own.statusCode).toBe(201);
  });

  it('never trusts a bare Authorization header: only authorizer claims count', async () => {
    const res = await call(postJson('/tokens', { role: 'publisher' }, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } }));
    expect(res.statusCode).toBe(401);
  });

  it('lets anyone mint a viewer token when viewer access is public', async () => {
    mockTokenIssued();
    expect((await call(postJson('/tokens', { role: 'viewer' }), { viewerAccess: 'public' })).statusCode).toBe(201);
  });

  it('needs a signed-in viewer when viewer access is signed-in', async () => {
    mockTokenIssued();
    const anon = await call(postJson('/tokens', { role: 'viewer' }), { viewerAccess: 'signed-in' });
    expect([anon.statusCode, errorOf(anon).code]).toEqual([401, 'UNAUTHORIZED']);
    const member = await call(postJson('/tokens', { role: 'viewer' }, { claims: MEMBER }), { viewerAccess: 'signed-in' });
    expect(member.statusCode).toBe(201);
    expect(CreateTokenResponse.parse(json(member)).userId).toBe(MEMBER['sub']);
  });
});

describe('AWS errors from CreateParticipantToken', () => {
  it.each([
    ['throttling', awsErrors.throttling, 429, 'THROTTLED'],
    ['stage not found', awsErrors.notFound, 404, 'NOT_FOUND'],
    ['quota exceeded', awsErrors.quota, 503, 'QUOTA_EXCEEDED'],
    ['validation', awsErrors.validation, 400, 'INVALID_REQUEST'],
    ['access denied', awsErrors.accessDenied, 500, 'INTERNAL'],
  ] as const)('%s -> %i %s', async (_name, make, status, code) => {
    ivsMock.on(CreateParticipantTokenCommand).rejects(make());
    const res = await call(postJson('/tokens', { role: 'viewer' }));
    expect(res.statusCode).toBe(status);
    expect(errorOf(res).code).toBe(code);
    if (status === 429) expect(res.headers?.['retry-after']).toBe('1');
  });

  it('keeps access-denied detail out of the body and in the log', async () => {
    ivsMock.on(CreateParticipantTokenCommand).rejects(awsErrors.accessDenied());
    const res = await call(postJson('/tokens', { role: 'viewer' }, { requestId: 'corr-denied' }));
    expect(res.body).not.toMatch(/not authorized|arn:aws:sts/);
    expect(errorOf(res).message).toBe('internal error; try again later');
    const line = stdout.logs().find((l) => l['correlation_id'] === 'corr-denied' && l['level'] === 'ERROR');
    expect(JSON.stringify(line)).toMatch(/AccessDeniedException.*not authorized/);
  });

  it('answers 500 when IVS returns no token', async () => {
    ivsMock.on(CreateParticipantTokenCommand).resolves({ participantToken: {} });
    expect((await call(postJson('/tokens', { role: 'viewer' }))).statusCode).toBe(500);
  });
});

describe('AWS errors on every route', () => {
  const stageGet = () => httpEvent({ method: 'GET', path: '/stage' });
  const del = () =>
    httpEvent({
      method: 'DELETE',
      path: '/participants/abc',
      routeKey: 'DELETE /participants/{participantId}',
      pathParameters: { participantId: 'abc' },
      claims: PUBLISHER,
    });
  it.each([
    ['GET /stage', 'throttling', stageGet, () => ivsMock.on(GetStageCommand).rejects(awsErrors.throttling()), 429, 'THROTTLED'],
    ['GET /stage', 'quota', stageGet, () => ivsMock.on(GetStageCommand).rejects(awsErrors.quota()), 503, 'QUOTA_EXCEEDED'],
    ['GET /stage', 'access denied', stageGet, () => ivsMock.on(GetStageCommand).rejects(awsErrors.accessDenied()), 500, 'INTERNAL'],
    ['DELETE /participants', 'throttling', del, () => ivsMock.on(DisconnectParticipantCommand).rejects(awsErrors.throttling()), 429, 'THROTTLED'],
    ['DELETE /participants', 'quota', del, () => ivsMock.on(DisconnectParticipantCommand).rejects(awsErrors.quota()), 503, 'QUOTA_EXCEEDED'],
    ['DELETE /participants', 'validation', del, () => ivsMock.on(DisconnectParticipantCommand).rejects(awsErrors.validation()), 400, 'INVALID_REQUEST'],
  ] as const)('%s: %s -> %i %s', async (_route, _name, event, arrange, status, code) => {
    arrange();
    const res = await call(event());
    expect([res.statusCode, errorOf(res).code]).toEqual([status, code]);
    expect(res.headers?.['retry-after']).toBe(status === 429 ? '1' : undefined);
    if (status === 503) expect(errorOf(res).message).toMatch(/quota/);
  });

  it('serves stale counts when a later ListParticipants page is throttled', async () => {
    ivsMock.on(GetStageCommand).resolves({ stage: { arn: STAGE_ARN, name: 'test-stage', activeSessionId: 'st-1' } });
    ivsMock.on(ListParticipantsCommand).resolvesOnce({ participants: [{ published: true }, { published: false }] });
    const handler = makeHandler();
    const get = httpEvent({ method: 'GET', path: '/stage' });
    expect(StageSummary.parse(json(await handler(get, fakeContext())))).toMatchObject({ publishers: 1, subscribers: 1, stale: false });
    clock += 5_000;
    ivsMock
      .on(ListParticipantsCommand)
      .resolvesOnce({ participants: [{ published: false }], nextToken: 'page-2' })
      .rejectsOnce(awsErrors.throttling());
    const res = await handler(get, fakeContext());
    expect(res.statusCode).toBe(200);
    // Half-counted pages are never served: the last complete counts are, marked stale.
    expect(StageSummary.parse(json(res))).toMatchObject({ publishers: 1, subscribers: 1, stale: true });
  });
});

describe('attributes are public', () => {
  it('rejects a token-like attribute naming the field, and never logs its value', async () => {
    mockTokenIssued();
    const secret = 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ.c2lnbmF0dXJl';
    const res = await call(postJson('/tokens', { role: 'viewer', attributes: { note: secret } }, { requestId: 'corr-secret' }));
    expect([res.statusCode, errorOf(res).code, errorOf(res).field]).toEqual([400, 'INVALID_REQUEST', 'attributes.note']);
    expect(errorOf(res).message).toMatch(/looks like a secret/);
    expect(res.body).not.toContain(secret);
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)).toHaveLength(0);
    expect(stdout.logs()).toContainEqual(expect.objectContaining({ correlation_id: 'corr-secret', status: 400, field: 'attributes.note' }));
    expect(stdout.lines().join('\n')).not.toContain(secret);
  });
});

describe('routing', () => {
  it('routes on rawPath when there is no routeKey, under a basePath (sandbox mount)', async () => {
    mockTokenIssued();
    const res = await call(postJson('/api/tokens', { role: 'viewer' }, { routeKey: null }), { basePath: '/api' });
    expect(res.statusCode).toBe(201);
  });

  it('strips a named API Gateway stage from rawPath', async () => {
    const event = httpEvent({ method: 'GET', path: '/prod/time', routeKey: '$default' });
    (event.requestContext as { stage: string }).stage = 'prod';
    expect(TimeResponse.parse(json(await call(event)))).toEqual({ epochMs: NOW_MS });
  });

  it('tolerates a trailing slash', async () => {
    expect((await call(httpEvent({ method: 'GET', path: '/time/', routeKey: null }))).statusCode).toBe(200);
  });

  it('answers an unknown path with 404 ROUTE_NOT_FOUND', async () => {
    const res = await call(httpEvent({ method: 'GET', path: '/nope', routeKey: '$default' }));
    expect([res.statusCode, errorOf(res).code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await call(httpEvent({ method: 'GET', path: '/tokens', routeKey: null }));
    expect([res.statusCode, errorOf(res).code, res.headers?.['allow']]).toEqual([405, 'METHOD_NOT_ALLOWED', 'POST']);
  });

  it('serves GET /time from the injected clock', async () => {
    clock = NOW_MS + 1234;
    const res = await call(httpEvent({ method: 'GET', path: '/time' }));
    expect(TimeResponse.parse(json(res))).toEqual({ epochMs: NOW_MS + 1234 });
  });
});

describe('GET /stage', () => {
  function mockStage(pages: Array<Array<{ published: boolean }>>, activeSessionId = 'st-session1') {
    ivsMock.on(GetStageCommand).resolves({ stage: { arn: STAGE_ARN, name: 'test-stage', activeSessionId } });
    const list = ivsMock.on(ListParticipantsCommand);
    pages.forEach((participants, i) => {
      list.resolvesOnce({
        participants: participants.map((p, j) => ({ participantId: `p${i}-${j}`, state: 'CONNECTED', published: p.published })),
        ...(i < pages.length - 1 ? { nextToken: `page-${i + 1}` } : {}),
      });
    });
  }
  const get = httpEvent({ method: 'GET', path: '/stage' });

  it('counts CONNECTED publishers and subscribers across all pages', async () => {
    mockStage([
      [{ published: true }, { published: false }, { published: false }],
      [{ published: false }, { published: true }],
    ]);
    const res = await call(get);
    expect(StageSummary.parse(json(res))).toEqual({
      name: 'test-stage',
      arn: STAGE_ARN,
      activeSessionId: 'st-session1',
      publishers: 2,
      subscribers: 3,
      updatedAt: new Date(NOW_MS).toISOString(),
      stale: false,
    });
    const calls = ivsMock.commandCalls(ListParticipantsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      expect.objectContaining({ stageArn: STAGE_ARN, sessionId: 'st-session1', filterByState: 'CONNECTED', nextToken: undefined }),
      expect.objectContaining({ nextToken: 'page-1' }),
    ]);
  });

  it('reports zero and skips ListParticipants when no session is active', async () => {
    mockStage([], '');
    const body = StageSummary.parse(json(await call(get)));
    expect(body).toMatchObject({ activeSessionId: null, publishers: 0, subscribers: 0 });
    expect(ivsMock.commandCalls(ListParticipantsCommand)).toHaveLength(0);
  });

  it('serves the warm cache for up to 5 s, then reads again', async () => {
    mockStage([[{ published: true }]]);
    const handler = makeHandler();
    await handler(get, fakeContext());
    clock += 4_999;
    await Promise.all(Array.from({ length: 50 }, () => handler(get, fakeContext())));
    expect(ivsMock.commandCalls(GetStageCommand)).toHaveLength(1);
    clock += 1;
    ivsMock.on(ListParticipantsCommand).resolves({ participants: [] });
    const later = StageSummary.parse(json(await handler(get, fakeContext())));
    expect(ivsMock.commandCalls(GetStageCommand)).toHaveLength(2);
    expect(later.publishers).toBe(0);
  });

  it('shares one IVS read among concurrent cold requests', async () => {
    mockStage([[{ published: false }]]);
    const handler = makeHandler();
    const results = await Promise.all(Array.from({ length: 20 }, () => handler(get, fakeContext())));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(ivsMock.commandCalls(GetStageCommand)).toHaveLength(1);
  });

  it('serves the last counts marked stale when IVS throttles', async () => {
    mockStage([[{ published: true }, { published: false }]]);
    const handler = makeHandler();
    await handler(get, fakeContext());
    clock += 6_000;
    ivsMock.on(GetStageCommand).rejects(awsErrors.throttling());
    const res = await handler(get, fakeContext());
    expect(res.statusCode).toBe(200);
    expect(StageSummary.parse(json(res))).toMatchObject({
      publishers: 1,
      subscribers: 1,
      stale: true,
      updatedAt: new Date(NOW_MS).toISOString(),
    });
    // While stale, the function backs off for a TTL instead of asking IVS on every poll.
    await handler(get, fakeContext());
    expect(ivsMock.commandCalls(GetStageCommand)).toHaveLength(2);
  });

  it('answers 429 with Retry-After when throttled with nothing cached', async () => {
    ivsMock.on(GetStageCommand).rejects(awsErrors.throttling());
    const res = await call(get);
    expect([res.statusCode, errorOf(res).code, res.headers?.['retry-after']]).toEqual([429, 'THROTTLED', '1']);
  });

  it('answers 404 when the stage is gone', async () => {
    ivsMock.on(GetStageCommand).rejects(awsErrors.notFound());
    const res = await call(get);
    expect([res.statusCode, errorOf(res).code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('DELETE /participants/{participantId}', () => {
  const del = (id: string, extra: Parameters<typeof httpEvent>[0] extends infer T ? Partial<T> : never = {}) =>
    httpEvent({
      method: 'DELETE',
      path: `/participants/${id}`,
      routeKey: 'DELETE /participants/{participantId}',
      pathParameters: { participantId: id },
      ...extra,
    });

  it('disconnects with the given reason for a publisher', async () => {
    ivsMock.on(DisconnectParticipantCommand).resolves({});
    const res = await call(del('PartIcIpant1', { claims: PUBLISHER, body: JSON.stringify({ reason: 'spam' }) }));
    expect(res.statusCode).toBe(200);
    expect(DisconnectResponse.parse(json(res))).toEqual({ participantId: 'PartIcIpant1', disconnected: true });
    expect(ivsMock.commandCalls(DisconnectParticipantCommand)[0]?.args[0].input).toEqual({
      stageArn: STAGE_ARN,
      participantId: 'PartIcIpant1',
      reason: 'spam',
    });
  });

  it('uses a default reason and works without routeKey', async () => {
    ivsMock.on(DisconnectParticipantCommand).resolves({});
    const res = await call(httpEvent({ method: 'DELETE', path: '/participants/abc-123', routeKey: null, claims: PUBLISHER }));
    expect(res.statusCode).toBe(200);
    expect(ivsMock.commandCalls(DisconnectParticipantCommand)[0]?.args[0].input.reason).toBe('disconnected by a moderator');
  });

  it('requires sign-in (401) and the publishers group (403)', async () => {
    expect((await call(del('abc'))).statusCode).toBe(401);
    expect((await call(del('abc', { claims: MEMBER }))).statusCode).toBe(403);
    expect(ivsMock.commandCalls(DisconnectParticipantCommand)).toHaveLength(0);
  });

  it('validates the id and the reason', async () => {
    const badId = await call(del('bad%20id', { claims: PUBLISHER }));
    expect([badId.statusCode, errorOf(badId).field]).toEqual([400, 'participantId']);
    const longReason = await call(del('abc', { claims: PUBLISHER, body: JSON.stringify({ reason: 'r'.repeat(200) }) }));
    expect([longReason.statusCode, errorOf(longReason).field]).toEqual([400, 'reason']);
  });

  it('maps a missing participant to 404', async () => {
    ivsMock.on(DisconnectParticipantCommand).rejects(awsErrors.notFound());
    const res = await call(del('gone', { claims: PUBLISHER }));
    expect([res.statusCode, errorOf(res).code]).toEqual([404, 'NOT_FOUND']);
    expect(errorOf(res).message).toMatch(/participant gone not found/);
  });
});

describe('metrics and logs', () => {
  it('emits TokensIssued by role and minting, in the IvsTestEnv namespace', async () => {
    mockTokenIssued();
    await call(postJson('/tokens', { role: 'viewer' }));
    const doc = stdout.metrics().find((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'TokensIssued'));
    expect(doc?._aws.CloudWatchMetrics[0]?.Namespace).toBe('IvsTestEnv');
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'role', 'minting']));
    expect(doc).toMatchObject({ service: 'token-api', role: 'viewer', minting: 'api', TokensIssued: 1 });
  });

  it('emits TokenErrors by code', async () => {
    await call(postJson('/tokens', { role: 'nobody' }));
    const doc = stdout.metrics().find((d) => 'TokenErrors' in d);
    expect(doc).toMatchObject({ code: 'INVALID_REQUEST', TokenErrors: 1 });
    expect(doc).not.toHaveProperty('role');
  });

  it('logs one line per request with the correlation id, never the token, Authorization header or event', async () => {
    mockTokenIssued('SECRET-TOKEN-VALUE-123');
    const res = await call(
      postJson('/auth/tokens', { role: 'publisher' }, { claims: PUBLISHER, requestId: 'corr-42', headers: { authorization: 'Bearer SECRET-ID-TOKEN' } }),
    );
    expect(res.body).toContain('SECRET-TOKEN-VALUE-123');
    const all = stdout.lines().join('\n');
    expect(all).not.toContain('SECRET-TOKEN-VALUE-123');
    expect(all).not.toContain('SECRET-ID-TOKEN');
    expect(all).not.toContain('203.0.113.7');
    const line = stdout.logs().find((l) => l['correlation_id'] === 'corr-42');
    expect(line).toMatchObject({ message: 'request', status: 201, role: 'publisher', minting: 'api', service: 'token-api' });
  });
});

describe('createHandler config', () => {
  const ivs = new IVSRealTimeClient({ region: 'us-east-1' });
  it('refuses self-signed minting without a key loader or key ARN', () => {
    expect(() => createHandler({ config: { stageArn: STAGE_ARN, minting: 'self-signed', viewerAccess: 'public', publicKeyArn: 'k' }, ivs })).toThrow(
      TokenApiConfigError,
    );
    expect(() =>
      createHandler({
        config: { stageArn: STAGE_ARN, minting: 'self-signed', viewerAccess: 'public' },
        ivs,
        loadPrivateKeyPem: async () => 'pem',
      }),
    ).toThrow(/publicKeyArn/);
  });

  it('refuses a stage ARN that is not one', () => {
    expect(() => createHandler({ config: { stageArn: 'my-stage', minting: 'api', viewerAccess: 'public' }, ivs })).toThrow(/stageArn/);
  });
});
