/**
 * Self-signed minting: tokens verify with the public half of a key generated here, carry exactly the header and
 * claims IVS documents for key-pair tokens, and the key and endpoints are loaded once per container.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetStageCommand, IVSRealTimeClient, CreateParticipantTokenCommand } from '@aws-sdk/client-ivs-realtime';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { createHandler, type TokenApiConfig } from '../../lambda/token/app.js';
import { CreateTokenResponse, ErrorBody } from '../../contracts/token-api.js';
import { IvsTokenClaims, IvsTokenHeader } from '../../contracts/ivs-token.js';
import { pemFromSecret } from '../../lambda/token/minting.js';
import {
  captureStdout,
  EVENTS_URL,
  fakeContext,
  generateTestKeys,
  NOW_MS,
  postJson,
  PUBLIC_KEY_ARN,
  PUBLISHER,
  STAGE_ARN,
  WHIP_URL,
  type StdoutCapture,
  type TestKeys,
} from './fixtures/events.js';

const ivsMock = mockClient(IVSRealTimeClient);
let keys: TestKeys;
let stdout: StdoutCapture;

beforeAll(() => {
  keys = generateTestKeys();
});
beforeEach(() => {
  ivsMock.reset();
  stdout = captureStdout();
});
afterEach(() => stdout.restore());

function makeHandler(config: Partial<TokenApiConfig> = {}, loadPrivateKeyPem = async () => keys.privateKeyPem) {
  return createHandler({
    config: {
      stageArn: STAGE_ARN,
      minting: 'self-signed',
      viewerAccess: 'public',
      publicKeyArn: PUBLIC_KEY_ARN,
      whipUrl: WHIP_URL,
      eventsUrl: EVENTS_URL,
      ...config,
    },
    ivs: new IVSRealTimeClient({ region: 'us-east-1' }),
    loadPrivateKeyPem,
    now: () => NOW_MS,
  });
}

async function mint(handler: ReturnType<typeof makeHandler>, body: unknown, claims?: Record<string, string>) {
  const res = await handler(postJson(claims ? '/auth/tokens' : '/tokens', body, claims ? { claims } : {}), fakeContext());
  expect(res.statusCode).toBe(201);
  return CreateTokenResponse.parse(JSON.parse(res.body ?? ''));
}

describe('self-signed tokens', () => {
  it('verify with the public key and carry every IVS claim', async () => {
    const handler = makeHandler();
    const body = await mint(handler, { role: 'publisher', attributes: { seat: 'A1' }, durationMinutes: 30 }, PUBLISHER as Record<string, string>);

    const header = IvsTokenHeader.parse(decodeProtectedHeader(body.token));
    expect(decodeProtectedHeader(body.token)).toEqual({ alg: 'ES384', typ: 'JWT', kid: PUBLIC_KEY_ARN });
    expect(header.kid).toBe(PUBLIC_KEY_ARN);

    // currentDate pins jose's exp/iat checks to the handler's fixed clock.
    const { payload } = await jwtVerify(body.token, keys.publicKey, { algorithms: ['ES384'], currentDate: new Date(NOW_MS) });
    const claims = IvsTokenClaims.parse(payload);
    expect(Object.keys(payload).sort()).toEqual(
      ['attributes', 'capabilities', 'events_url', 'exp', 'iat', 'jti', 'resource', 'topic', 'user_id', 'version', 'whip_url'],
    );
    expect(claims).toEqual({
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 30 * 60,
      jti: body.participantId,
      resource: STAGE_ARN,
      topic: 'AbCdEf123456',
      events_url: EVENTS_URL,
      whip_url: WHIP_URL,
      user_id: PUBLISHER['sub'],
      attributes: { seat: 'A1' },
      capabilities: { allow_publish: true, allow_subscribe: true },
      version: '1.0',
    });
    expect(body).toMatchObject({
      minting: 'self-signed',
      capabilities: ['PUBLISH', 'SUBSCRIBE'],
      userId: PUBLISHER['sub'],
      expiresAt: new Date((NOW_MS / 1000 + 30 * 60) * 1000).toISOString(),
    });
    expect(body.participantId).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)).toHaveLength(0);
  });

  it('gives viewers subscribe only and a fresh participant id per token', async () => {
    const handler = makeHandler();
    const a = await mint(handler, { role: 'viewer', userId: 'v1' });
    const b = await mint(handler, { role: 'viewer', userId: 'v1' });
    expect(a.participantId).not.toBe(b.participantId);
    const { payload } = await jwtVerify(a.token, keys.publicKey, { currentDate: new Date(NOW_MS) });
    expect(payload['capabilities']).toEqual({ allow_publish: false, allow_subscribe: true });
    expect(payload['user_id']).toBe('v1');
  });

  it('does not verify with another key', async () => {
    const token = (await mint(makeHandler(), { role: 'viewer' })).token;
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    await expect(jwtVerify(token, other, { currentDate: new Date(NOW_MS) })).rejects.toThrow(/signature/);
  });

  it('loads and imports the private key once per container', async () => {
    let loads = 0;
    const handler = makeHandler({}, async () => {
      loads++;
      return keys.privateKeyPem;
    });
    await Promise.all(Array.from({ length: 10 }, () => mint(handler, { role: 'viewer' })));
    await mint(handler, { role: 'viewer' });
    expect(loads).toBe(1);
  });

  it('answers a generic 500 when the key cannot be loaded, and retries on the next request', async () => {
    let attempt = 0;
    const handler = makeHandler({}, async () => {
      attempt++;
      if (attempt === 1) throw new Error('secret not found: token-signing-key');
      return keys.privateKeyPem;
    });
    const first = await handler(postJson('/tokens', { role: 'viewer' }), fakeContext());
    expect(first.statusCode).toBe(500);
    expect(ErrorBody.parse(JSON.parse(first.body ?? '')).error.message).not.toMatch(/secret/);
    expect((await handler(postJson('/tokens', { role: 'viewer' }), fakeContext())).statusCode).toBe(201);
  });

  it('rejects a key that is not P-384 (generic 500, detail in the log)', async () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const res = await makeHandler({}, async () => p256)(postJson('/tokens', { role: 'viewer', userId: 'x' }, { requestId: 'corr-p256' }), fakeContext());
    expect(res.statusCode).toBe(500);
    expect(stdout.logs().some((l) => l['correlation_id'] === 'corr-p256' && l['level'] === 'ERROR')).toBe(true);
  });

  it('reads whip/events endpoints from GetStage once when not configured', async () => {
    ivsMock.on(GetStageCommand).resolves({
      stage: { arn: STAGE_ARN, endpoints: { whip: 'https://from-getstage.whip.example', events: 'wss://from-getstage.events.example' } },
    });
    const handler = makeHandler({ whipUrl: undefined, eventsUrl: undefined });
    const a = await mint(handler, { role: 'viewer' });
    await mint(handler, { role: 'viewer' });
    const { payload } = await jwtVerify(a.token, keys.publicKey, { currentDate: new Date(NOW_MS) });
    expect([payload['whip_url'], payload['events_url']]).toEqual(['https://from-getstage.whip.example', 'wss://from-getstage.events.example']);
    expect(ivsMock.commandCalls(GetStageCommand)).toHaveLength(1);
  });

  it('emits TokensIssued with minting=self-signed', async () => {
    await mint(makeHandler(), { role: 'viewer' });
    expect(stdout.metrics().find((d) => 'TokensIssued' in d)).toMatchObject({ minting: 'self-signed', role: 'viewer' });
  });
});

describe('pemFromSecret', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
  it.each([pem, `  ${pem}\n`, JSON.stringify({ privateKey: pem }), JSON.stringify({ privateKeyPem: pem }), new TextEncoder().encode(pem), { privateKey: pem }])(
    'accepts %#',
    (value) => {
      expect(pemFromSecret(value)).toBe(pem);
    },
  );
  it.each([undefined, '', 'not a key', '{"other":1}', { other: 1 }])('rejects %j without echoing it', (value) => {
    expect(() => pemFromSecret(value)).toThrow('the private-key secret holds neither a PEM nor JSON with a privateKey field');
  });
});
