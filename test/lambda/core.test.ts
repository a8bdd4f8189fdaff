import { describe, expect, it } from '@jest/globals';
import { CreateTokenRequest, ErrorBody, LIMITS } from '../../contracts/token-api.js';
import {
  ANONYMOUS,
  callerFromClaims,
  capabilitiesFor,
  claimsFor,
  isPublisher,
  mapAwsError,
  parseGroups,
  parseRequest,
  planToken,
  randomId,
  THROTTLE_RETRY_AFTER_SECONDS,
  type Caller,
} from '../../lambda/token/core.js';
import { ApiError } from '../../lambda/token/errors.js';
import { IvsTokenClaims } from '../../contracts/ivs-token.js';
import { awsErrors, EVENTS_URL, NOW_MS, STAGE_ARN, WHIP_URL } from './fixtures/events.js';

const alice: Caller = { authenticated: true, subject: 'sub-alice', username: 'alice', groups: ['publishers'] };
const bob: Caller = { authenticated: true, subject: 'sub-bob', username: 'bob', groups: [] };

function rejection(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('capabilitiesFor', () => {
  it('gives publishers PUBLISH and SUBSCRIBE, viewers SUBSCRIBE only', () => {
    expect(capabilitiesFor('publisher')).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(capabilitiesFor('viewer')).toEqual(['SUBSCRIBE']);
  });
});

describe('parseGroups', () => {
  it.each<[unknown, string[]]>([
    ['[publishers other]', ['publishers', 'other']],
    ['[publishers]', ['publishers']],
    ['[]', []],
    ['publishers', ['publishers']],
    ['publishers,other', ['publishers', 'other']],
    ['["publishers","other"]', ['publishers', 'other']],
    [['publishers', 'other'], ['publishers', 'other']],
    [['publishers', 3, ''], ['publishers']],
    ['  [ publishers   other ] ', ['publishers', 'other']],
    [undefined, []],
    [42, []],
  ])('parses %j', (input, expected) => {
    expect(parseGroups(input)).toEqual(expected);
  });
});

describe('callerFromClaims', () => {
  it('reads subject, username and API Gateway-flattened groups', () => {
    const caller = callerFromClaims({ sub: 's1', 'cognito:username': 'alice', 'cognito:groups': '[publishers other]' });
    expect(caller).toEqual({ authenticated: true, subject: 's1', username: 'alice', groups: ['publishers', 'other'] });
    expect(isPublisher(caller)).toBe(true);
  });

  it('accepts access-token style `username`', () => {
    expect(callerFromClaims({ sub: 's1', username: 'al' }).username).toBe('al');
  });

  it.each([undefined, null, 'x', [], {}, { sub: '' }, { sub: 5 }, { sub: 's', nested: { a: 1 } }])(
    'treats %j as anonymous',
    (claims) => {
      expect(callerFromClaims(claims)).toEqual(ANONYMOUS);
    },
  );

  it('is not a publisher without the publishers group', () => {
    expect(isPublisher(callerFromClaims({ sub: 's1', 'cognito:groups': '[publishersX]' }))).toBe(false);
    expect(isPublisher(ANONYMOUS)).toBe(false);
  });
});

describe('planToken', () => {
  it('defaults duration to 720 minutes and attributes to {}', () => {
    const plan = planToken({ request: { role: 'viewer' }, caller: ANONYMOUS, viewerAccess: 'public', generateUserId: () => 'gen-1' });
    expect(plan).toEqual({
      role: 'viewer',
      userId: 'gen-1',
      capabilities: ['SUBSCRIBE'],
      attributes: {},
      durationMinutes: LIMITS.durationMinutes.default,
    });
    expect(LIMITS.durationMinutes.default).toBe(720);
  });

  it('lets an anonymous viewer name a display userId on a public deployment', () => {
    expect(planToken({ request: { role: 'viewer', userId: 'carol' }, caller: ANONYMOUS, viewerAccess: 'public' }).userId).toBe('carol');
  });

  it('generates distinct viewer ids when none is given', () => {
    const a = planToken({ request: { role: 'viewer' }, caller: ANONYMOUS, viewerAccess: 'public' }).userId;
    const b = planToken({ request: { role: 'viewer' }, caller: ANONYMOUS, viewerAccess: 'public' }).userId;
    expect(a).toMatch(/^viewer-[A-Za-z0-9]{8}$/);
    expect(a).not.toBe(b);
  });

  it('defaults a signed-in caller to their subject', () => {
    expect(planToken({ request: { role: 'viewer' }, caller: bob, viewerAccess: 'signed-in' }).userId).toBe('sub-bob');
  });

  it('lets a signed-in caller mint for their own subject or username', () => {
    expect(planToken({ request: { role: 'publisher', userId: 'alice' }, caller: alice, viewerAccess: 'public' }).userId).toBe('alice');
    expect(planToken({ request: { role: 'publisher', userId: 'sub-alice' }, caller: alice, viewerAccess: 'public' }).userId).toBe(
      'sub-alice',
    );
  });

  it("forbids minting for another user's id", () => {
    const err = rejection(() => planToken({ request: { role: 'viewer', userId: 'alice' }, caller: bob, viewerAccess: 'public' }));
    expect([err.status, err.code, err.field]).toEqual([403, 'FORBIDDEN', 'userId']);
  });

  it('requires a signed-in caller for publisher tokens (401) and the publishers group (403)', () => {
    const anon = rejection(() => planToken({ request: { role: 'publisher' }, caller: ANONYMOUS, viewerAccess: 'public' }));
    expect([anon.status, anon.code]).toEqual([401, 'UNAUTHORIZED']);
    const member = rejection(() => planToken({ request: { role: 'publisher' }, caller: bob, viewerAccess: 'public' }));
    expect([member.status, member.code, member.field]).toEqual([403, 'FORBIDDEN', 'role']);
    const ok = planToken({ request: { role: 'publisher', durationMinutes: 60 }, caller: alice, viewerAccess: 'public' });
    expect(ok.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(ok.durationMinutes).toBe(60);
  });

  it('requires a signed-in viewer when viewer access is signed-in', () => {
    const err = rejection(() => planToken({ request: { role: 'viewer' }, caller: ANONYMOUS, viewerAccess: 'signed-in' }));
    expect(err.status).toBe(401);
    expect(planToken({ request: { role: 'viewer' }, caller: bob, viewerAccess: 'signed-in' }).capabilities).toEqual(['SUBSCRIBE']);
  });
});

describe('parseRequest messages', () => {
  const fields = Object.keys(CreateTokenRequest.shape);
  const cases: Array<[string, unknown, { field?: string; message: RegExp }]> = [
    ['missing role', {}, { field: 'role', message: /role is required: one of "publisher", "viewer"/ }],
    ['unknown role', { role: 'admin' }, { field: 'role', message: /role must be one of "publisher", "viewer"/ }],
    ['unknown field', { role: 'viewer', stage: 'x' }, { field: 'stage', message: /unknown field "stage"; allowed fields: role, userId/ }],
    ['not an object', [1], { message: /request body must be a JSON object/ }],
    ['null body', null, { message: /request body must be a JSON object/ }],
    ['wrong type', { role: 'viewer', userId: 5 }, { field: 'userId', message: /userId: .*expected string/ }],
    ['empty userId', { role: 'viewer', userId: '' }, { field: 'userId', message: /userId must not be empty/ }],
    ['long userId', { role: 'viewer', userId: 'u'.repeat(129) }, { field: 'userId', message: /at most 128/ }],
    ['fractional minutes', { role: 'viewer', durationMinutes: 1.5 }, { field: 'durationMinutes', message: /whole number/ }],
    ['zero minutes', { role: 'viewer', durationMinutes: 0 }, { field: 'durationMinutes', message: /at least 1/ }],
    ['too many minutes', { role: 'viewer', durationMinutes: 20_161 }, { field: 'durationMinutes', message: /at most 20160/ }],
    ['minutes as string', { role: 'viewer', durationMinutes: '60' }, { field: 'durationMinutes', message: /expected number/ }],
    ['non-string attribute', { role: 'viewer', attributes: { a: 1 } }, { field: 'attributes.a', message: /attributes\.a: .*expected string/ }],
    ['oversize attributes', { role: 'viewer', attributes: { a: 'x'.repeat(1024) } }, { field: 'attributes', message: /1025 bytes; the limit is 1024/ }],
    [
      'secret-looking attribute',
      { role: 'viewer', attributes: { note: 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4eHh4eHgifQ.sig' } },
      { field: 'attributes.note', message: /looks like a secret/ },
    ],
  ];
  it.each(cases)('%s -> 400 naming the field', (_name, body, expected) => {
    const err = rejection(() => parseRequest(CreateTokenRequest, body, fields));
    expect(err.status).toBe(400);
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.field).toBe(expected.field);
    expect(err.message).toMatch(expected.message);
    expect(ErrorBody.parse(err.toBody())).toEqual(err.toBody());
  });

  it('accepts exactly 1024 bytes of attributes and the duration bounds', () => {
    expect(parseRequest(CreateTokenRequest, { role: 'viewer', attributes: { a: 'x'.repeat(1023) } }).attributes?.['a']).toHaveLength(1023);
    expect(parseRequest(CreateTokenRequest, { role: 'viewer', durationMinutes: 1 }).durationMinutes).toBe(1);
    expect(parseRequest(CreateTokenRequest, { role: 'viewer', durationMinutes: 20_160 }).durationMinutes).toBe(20_160);
  });
});

describe('claimsFor', () => {
  it('lays out IVS key-pair token claims with exp = iat + minutes', () => {
    const plan = planToken({ request: { role: 'publisher', attributes: { seat: 'A1' }, durationMinutes: 90 }, caller: alice, viewerAccess: 'public' });
    const claims = claimsFor(plan, { stageArn: STAGE_ARN, whipUrl: WHIP_URL, eventsUrl: EVENTS_URL }, 'pid123', NOW_MS);
    expect(IvsTokenClaims.parse(claims)).toEqual(claims);
    expect(claims).toEqual({
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 90 * 60,
      jti: 'pid123',
      resource: STAGE_ARN,
      topic: 'AbCdEf123456',
      whip_url: WHIP_URL,
      events_url: EVENTS_URL,
      user_id: 'sub-alice',
      attributes: { seat: 'A1' },
      capabilities: { allow_publish: true, allow_subscribe: true },
      version: '1.0',
    });
  });
});

describe('randomId', () => {
  it('is base62 of the requested length and does not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId(12)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});

describe('mapAwsError', () => {
  it('maps throttling to 429 with Retry-After', () => {
    const err = mapAwsError(awsErrors.throttling());
    expect([err.status, err.code, err.headers['retry-after']]).toEqual([429, 'THROTTLED', String(THROTTLE_RETRY_AFTER_SECONDS)]);
  });

  it('maps any 429 status to throttling, whatever the name', () => {
    expect(mapAwsError(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } })).status).toBe(429);
  });

  it('maps a missing stage to 404 NOT_FOUND', () => {
    const err = mapAwsError(awsErrors.notFound());
    expect([err.status, err.code, err.message]).toEqual([404, 'NOT_FOUND', 'stage not found']);
  });

  it('maps quota exhaustion to 503 QUOTA_EXCEEDED with advice', () => {
    const err = mapAwsError(awsErrors.quota());
    expect([err.status, err.code]).toEqual([503, 'QUOTA_EXCEEDED']);
    expect(err.message).toMatch(/quota/);
  });

  it('maps IVS validation to 400', () => {
    const err = mapAwsError(awsErrors.validation());
    expect([err.status, err.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(err.message).toMatch(/IVS rejected the request: duration/);
  });

  it('maps access denied and unknown failures to a generic 500 that keeps the cause for the log', () => {
    const denied = awsErrors.accessDenied();
    const err = mapAwsError(denied);
    expect([err.status, err.code]).toEqual([500, 'INTERNAL']);
    expect(err.message).not.toMatch(/arn:|not authorized/);
    expect(err.cause).toBe(denied);
    expect(mapAwsError('boom').status).toBe(500);
    expect(mapAwsError(new TypeError('x')).status).toBe(500);
  });

  it('passes ApiErrors through', () => {
    const original = ApiError.forbidden('no');
    expect(mapAwsError(original)).toBe(original);
  });
});
