/**
 * Every sandbox route outside the emulator's SDK tests, through fastify's inject() (and a real WebSocket for /events):
 * the events protocol and its token errors, the token API mount with its dev identity, /config.json, pages, the 404
 * shape, oversized and garbage bodies. The server must answer all of it with a 4xx, never a 5xx, and keep serving.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateParticipantTokenCommand, GetStageCommand } from '@aws-sdk/client-ivs-realtime';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { InjectOptions } from 'fastify';
import WebSocket from 'ws';
import { CreateTokenResponse, ErrorBody, StageSummary } from '../../contracts/token-api.js';
import { SiteConfig } from '../../contracts/site-config.js';
import { IvsTokenClaims } from '../../contracts/ivs-token.js';
import { buildApp } from '../../local/src/app.js';
import { signIvsToken } from '../../local/src/tokens/mint.js';
import { EventsClient, quietTokenApi, type RunningSandbox, SIGV4_HEADER, startSandbox } from './helpers.js';

/** The sandbox's clock: tests move it to expire tokens without waiting. */
let clockMs = Date.now();
let sb: RunningSandbox;
let stageArn: string;

beforeAll(async () => {
  // The LAN names the tests call it by are names it was given (as --host/--public-url would): see the DNS-rebinding guard.
  sb = await startSandbox({
    media: true,
    iceAddresses: ['127.0.0.1'],
    nowMs: () => clockMs,
    events: { countsIntervalMs: 0, helloTimeoutMs: 200 },
    allowedHosts: ['192.168.1.20', 'my-laptop.local'],
  });
  stageArn = sb.app.sandbox.defaultStageArn;
});
afterAll(async () => {
  await sb?.close();
});

const inject = (opts: InjectOptions) => sb.app.inject(opts);

async function mint(capabilities: Array<'PUBLISH' | 'SUBSCRIBE'> = ['SUBSCRIBE'], duration = 60, userId = 'u') {
  const t = (await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, capabilities, duration, userId }))).participantToken;
  return { token: t?.token ?? '', participantId: t?.participantId ?? '' };
}

/** Opens /events, sends `first` (a message or raw text), and returns the server's first reply and the close. */
async function firstReply(first: unknown): Promise<{ reply: unknown; close: { code: number; reason: string } }> {
  const ws = new WebSocket(`${sb.url.replace('http', 'ws')}/events`);
  const replies: unknown[] = [];
  ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, r) => resolve({ code, reason: r.toString() })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (first !== undefined) ws.send(typeof first === 'string' || Buffer.isBuffer(first) ? first : JSON.stringify(first));
  const close = await closed;
  return { reply: replies[0], close };
}

describe('events WebSocket', () => {
  it('answers a plain GET with 426 and how to connect', async () => {
    const res = await inject({ method: 'GET', url: '/events' });
    expect(res.statusCode).toBe(426);
    expect(res.headers['upgrade']).toBe('websocket');
    expect(ErrorBody.parse(res.json()).error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/WebSocket/) });
  });

  it('rejects a first message that is not hello, garbage, binary, or a token that is not a JWT', async () => {
    for (const first of [{ type: 'ping', t: 1 }, '{not json', Buffer.from([1, 2, 3]), { type: 'hello' }, { type: 'hello', token: 'abc' }]) {
      const { reply, close } = await firstReply(first);
      expect(reply).toMatchObject({ type: 'error', code: expect.stringMatching(/^TOKEN_(MISSING|MALFORMED)$/) });
      expect(close.code).toBe(4401);
    }
  });

  it('rejects forged, expired, wrong-algorithm and unknown-stage tokens with specific codes', async () => {
    const claims = IvsTokenClaims.parse(decodeJwt((await mint()).token));
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    const forged = await signIvsToken(claims, otherKey, sb.app.sandbox.signingKey.kid);
    expect(await firstReply({ type: 'hello', token: forged })).toMatchObject({
      reply: { type: 'error', code: 'TOKEN_INVALID_SIGNATURE' },
      close: { code: 4401 },
    });
    const unknownKid = await signIvsToken(claims, otherKey, 'arn:aws:ivs:us-east-1:123456789012:public-key/notImported');
    expect((await firstReply({ type: 'hello', token: unknownKid })).reply).toMatchObject({ code: 'TOKEN_INVALID_SIGNATURE' });

    const [h, p] = (await mint()).token.split('.');
    const tampered = `${h}.${p}.${'A'.repeat(128)}`;
    expect((await firstReply({ type: 'hello', token: tampered })).reply).toMatchObject({ code: 'TOKEN_INVALID_SIGNATURE' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await firstReply({ type: 'hello', token: none })).reply).toMatchObject({ code: 'TOKEN_MALFORMED' });

    const expiring = await mint(['SUBSCRIBE'], 1);
    const saved = clockMs;
    clockMs += 2 * 60_000;
    try {
      expect(await firstReply({ type: 'hello', token: expiring.token })).toMatchObject({
        reply: { type: 'error', code: 'TOKEN_EXPIRED' },
        close: { code: 4401 },
      });
    } finally {
      clockMs = saved;
    }

    const gone = { ...claims, resource: 'arn:aws:ivs:us-east-1:123456789012:stage/noSuchStage', topic: 'noSuchStage' };
    const goneToken = await signIvsToken(gone, sb.app.sandbox.signingKey.privateKey, sb.app.sandbox.signingKey.kid);
    expect(await firstReply({ type: 'hello', token: goneToken })).toMatchObject({
      reply: { type: 'error', code: 'STAGE_NOT_FOUND' },
      close: { code: 4404 },
    });
  });

  it('closes a socket that never says hello', async () => {
    const { reply, close } = await firstReply(undefined);
    expect(reply).toMatchObject({ type: 'error', code: 'TOKEN_MISSING' });
    expect(close.code).toBe(4408);
  });

  it('allows one events connection per token, answers ping, relays mute, ignores later garbage', async () => {
    const a = await mint(['PUBLISH', 'SUBSCRIBE'], 60, 'alice');
    const b = await mint(['SUBSCRIBE'], 60, 'bob');
    const alice = new EventsClient(sb.url);
    await alice.join(a.token);
    expect((await firstReply({ type: 'hello', token: a.token })).close.code).toBe(4409);

    const bob = new EventsClient(sb.url);
    const welcome = await bob.join(b.token);
    expect(welcome.participants.map((p) => p.userId)).toEqual(['alice']);
    expect(welcome.counts).toEqual({ publishers: 0, subscribers: 2 });

    alice.send('{garbage');
    alice.send({ type: 'mute', audio: true, video: false });
    const updated = await bob.nextOf('participantUpdated');
    expect(updated.participant).toMatchObject({ userId: 'alice', audioMuted: true, videoMuted: false });
    alice.send({ type: 'ping', t: 42 });
    expect(await alice.nextOf('pong')).toEqual({ type: 'pong', t: 42, serverMs: clockMs });

    alice.close();
    expect((await bob.nextOf('participantLeft')).participantId).toBe(a.participantId);
    bob.close();
    await bob.closed;
  });

  it('drops a message larger than the frame limit without taking the server down', async () => {
    const page = new EventsClient(sb.url);
    await page.opened();
    page.send('x'.repeat(64 * 1024));
    expect((await page.closed).code).toBe(1009);
    expect((await inject({ method: 'GET', url: '/config.json' })).statusCode).toBe(200);
  });

  it('tells a joined page when its token expires', async () => {
    const saved = clockMs;
    const t = await mint(['SUBSCRIBE'], 1);
    const { exp } = IvsTokenClaims.parse(decodeJwt(t.token));
    const page = new EventsClient(sb.url);
    try {
      clockMs = exp * 1000 - 20; // verifies, then expires 20 ms after the join
      await page.join(t.token);
      expect(await page.nextOf('disconnected')).toMatchObject({ reason: 'tokenExpired' });
      expect((await page.closed).code).toBe(4410);
    } finally {
      clockMs = saved;
    }
  });
});

describe('token API mount (/api)', () => {
  it('mints viewer tokens anonymously, for the default stage, with URLs for the caller\'s host', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { host: '192.168.1.20:8080', 'content-type': 'application/json' },
      payload: { role: 'viewer', userId: 'phone' },
    });
    expect(res.statusCode).toBe(201);
    const body = CreateTokenResponse.parse(res.json());
    expect(body).toMatchObject({ stageArn, userId: 'phone', capabilities: ['SUBSCRIBE'], minting: 'api' });
    const claims = IvsTokenClaims.parse(decodeJwt(body.token));
    expect(claims).toMatchObject({ whip_url: 'http://192.168.1.20:8080/whip', events_url: 'ws://192.168.1.20:8080/events' });
    await expect(sb.app.sandbox.verifier.verify(body.token)).resolves.toMatchObject({ participantId: body.participantId });
  });

  it('stands in a dev identity for Cognito: publisher tokens from /auth/tokens, not from /tokens', async () => {
    const pub = await inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
      payload: { role: 'publisher' },
    });
    expect(pub.statusCode).toBe(201);
    expect(CreateTokenResponse.parse(pub.json())).toMatchObject({ userId: 'dev-broadcaster', capabilities: ['PUBLISH', 'SUBSCRIBE'] });

    // Like API Gateway's JWT authorizer: no bearer, a wrong one or another scheme is 401 before the handler runs.
    for (const authorization of [undefined, 'Bearer garbage', 'Basic ZGV2OmRldg==']) {
      const denied = await inject({
        method: 'POST',
        url: '/api/auth/tokens',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        payload: { role: 'publisher' },
      });
      expect({ authorization, status: denied.statusCode, body: denied.json() }).toEqual({ authorization, status: 401, body: { message: 'Unauthorized' } });
    }

    const anon = await inject({ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: { role: 'publisher' } });
    expect(anon.statusCode).toBe(401);
    expect(ErrorBody.parse(anon.json()).error.code).toBe('UNAUTHORIZED');

    const notMine = await inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
      payload: { role: 'publisher', userId: 'someone-else' },
    });
    expect(notMine.statusCode).toBe(403);
  });

  it('disconnects a participant through the emulator (dev identity in the publishers group)', async () => {
    const t = await mint(['SUBSCRIBE'], 60, 'kicked');
    const page = new EventsClient(sb.url);
    await page.join(t.token);
    // The authorizer's answer without the dev identity's bearer: nobody is disconnected.
    for (const authorization of [undefined, 'Bearer garbage', 'Basic ZGV2OmRldg==', 'dev', 'Bearer dev extra']) {
      const denied = await inject({
        method: 'DELETE',
        url: `/api/participants/${t.participantId}`,
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        payload: { reason: 'spam' },
      });
      expect({ authorization, status: denied.statusCode, body: denied.json() }).toEqual({ authorization, status: 401, body: { message: 'Unauthorized' } });
    }
    expect(sb.app.sandbox.store.isRevoked(stageArn, t.participantId)).toBe(false);
    const res = await inject({
      method: 'DELETE',
      url: `/api/participants/${t.participantId}`,
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
      payload: { reason: 'spam' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ participantId: t.participantId, disconnected: true });
    expect(await page.nextOf('disconnected')).toMatchObject({ reason: 'disconnectedByApi', message: expect.stringContaining('spam') });
    const missing = await inject({ method: 'DELETE', url: '/api/participants/nobodyAtAll', headers: { authorization: 'Bearer dev' } });
    expect(missing.statusCode).toBe(404);
  });

  it('serves /stage and /time', async () => {
    const stage = await inject({ method: 'GET', url: '/api/stage' });
    expect(stage.statusCode).toBe(200);
    expect(StageSummary.parse(stage.json())).toMatchObject({ arn: stageArn, name: 'sandbox-stage' });
    const time = await inject({ method: 'GET', url: '/api/time' });
    expect(time.json()).toEqual({ epochMs: clockMs });
  });

  it('answers bad requests in the contract\'s error shape', async () => {
    const cases: Array<[InjectOptions, number, string]> = [
      [{ method: 'GET', url: '/api/nothing' }, 404, 'ROUTE_NOT_FOUND'],
      [{ method: 'GET', url: '/api' }, 404, 'ROUTE_NOT_FOUND'],
      [{ method: 'PUT', url: '/api/tokens' }, 405, 'METHOD_NOT_ALLOWED'],
      [{ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: '{"role":' }, 400, 'INVALID_JSON'],
      [{ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: '{"role":"king"}' }, 400, 'INVALID_REQUEST'],
      [{ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'text/plain' }, payload: 'role=viewer' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ role: 'viewer', userId: 'x'.repeat(9000) }) }, 413, 'PAYLOAD_TOO_LARGE'],
      [{ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(70 * 1024) }, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [req, status, code] of cases) {
      const res = await inject(req);
      expect([req.method, req.url, res.statusCode]).toEqual([req.method, req.url, status]);
      expect(ErrorBody.parse(res.json()).error.code).toBe(code);
    }
    const res = await inject({ method: 'PUT', url: '/api/tokens' });
    expect(res.headers['allow']).toBe('POST');
  });

  it('is unavailable (503), not broken, before the server listens', async () => {
    const app = await buildApp({ media: false, tokenApi: quietTokenApi() });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/stage' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'INTERNAL' } });
    } finally {
      await app.close();
    }
  });
});

describe('token API variants', () => {
  it('viewerAccess=signed-in: viewers get a dev viewer identity that cannot mint publisher tokens', async () => {
    const own = await startSandbox({ viewerAccess: 'signed-in' });
    try {
      const anonymous = await own.app.inject({ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: { role: 'viewer' } });
      expect(anonymous.statusCode).toBe(401);
      const viewer = await own.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
        payload: { role: 'viewer' },
      });
      expect(viewer.statusCode).toBe(201);
      expect(viewer.json()).toMatchObject({ userId: 'dev-viewer' });
      const pub = await own.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
        payload: { role: 'publisher' },
      });
      expect(pub.statusCode).toBe(403);
      const cfg = SiteConfig.parse((await own.app.inject({ method: 'GET', url: '/config.json' })).json());
      expect(cfg.viewerAccess).toBe('signed-in');
    } finally {
      await own.close();
    }
  });

  it('minting=self-signed: tokens signed with the imported key are accepted by the events socket', async () => {
    const own = await startSandbox({ minting: 'self-signed' });
    try {
      const res = await own.app.inject({ method: 'POST', url: '/api/tokens', headers: { 'content-type': 'application/json' }, payload: { role: 'viewer' } });
      expect(res.statusCode).toBe(201);
      const body = CreateTokenResponse.parse(res.json());
      expect(body.minting).toBe('self-signed');
      expect(decodeProtectedHeader(body.token).kid).toBe(own.app.sandbox.selfSigned?.publicKeyArn);
      const page = new EventsClient(own.url);
      expect(await page.join(body.token)).toMatchObject({ participantId: body.participantId });
      page.close();
      await page.closed;
    } finally {
      await own.close();
    }
  });
});

describe('/config.json', () => {
  it('tells the pages they run against the sandbox, with an API URL for the caller\'s host', async () => {
    const res = await inject({ method: 'GET', url: '/config.json', headers: { host: 'my-laptop.local:8443' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(SiteConfig.parse(res.json())).toEqual({
      backend: 'sandbox',
      apiUrl: 'http://my-laptop.local:8443/api',
      region: 'us-east-1',
      stageArn,
      viewerAccess: 'public',
      sandboxBearer: 'dev',
    });
  });

  it('refuses to echo a Host that is not host[:port] (nor a name of the sandbox)', async () => {
    const res = await inject({ method: 'GET', url: '/config.json', headers: { host: 'evil.com/<script>' } });
    expect(res.statusCode).toBe(421);
    expect(res.json()).toMatchObject({ error: { code: 'MISDIRECTED_REQUEST' } });
  });
});

describe('emulator endpoints follow the caller', () => {
  it('stage endpoints name the Host the caller used (a phone on the LAN gets a reachable URL)', async () => {
    const res = await inject({
      method: 'POST',
      url: '/GetStage',
      headers: { host: '192.168.1.20:8080', authorization: SIGV4_HEADER, 'content-type': 'application/json' },
      payload: { arn: stageArn },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stage: { endpoints: { whip: 'http://192.168.1.20:8080/whip', events: 'ws://192.168.1.20:8080/events' } } });
    const viaSdk = await sb.ivs.send(new GetStageCommand({ arn: stageArn }));
    expect(viaSdk.stage?.endpoints?.whip).toBe(`${sb.url}/whip`);
  });
});

describe('pages', () => {
  it('serves the built pages at / and answers a missing file with the 404 shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>home</title>');
    writeFileSync(join(dir, 'viewer.html'), '<!doctype html><title>viewer</title>');
    const app = await buildApp({ media: false, webRoot: dir });
    try {
      const index = await app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toMatch(/text\/html/);
      expect(index.body).toContain('home');
      expect((await app.inject({ method: 'GET', url: '/viewer.html' })).body).toContain('viewer');
      const missing = await app.inject({ method: 'GET', url: '/nope.html' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
      const traversal = await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' });
      expect(traversal.statusCode).toBeGreaterThanOrEqual(400);
      expect(traversal.statusCode).toBeLessThan(500);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without built pages, / is a 404 in the error shape', async () => {
    const res = await inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'nothing at GET /' } });
  });
});

describe('bad input never becomes a 5xx', () => {
  it('survives odd methods, paths, headers and bodies on every route', async () => {
    const paths = ['/', '/events', '/config.json', '/api/tokens', '/api/auth/tokens', '/api/participants/%ZZ', '/api/stage', '/CreateStage', '/tags/x', '/tags/%E0%A4%A', '/whip', '/whip/publish/x', '/whip/subscribe/x', '/edge/whip/subscribe/x', '/whip/sessions/not-a-uuid', '/%00', '/a'.repeat(500)];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
    const bodies: Array<{ payload?: string; headers?: Record<string, string> }> = [
      {},
      { payload: '{', headers: { 'content-type': 'application/json' } },
      { payload: 'null', headers: { 'content-type': 'application/json' } },
      { payload: '\u0000\u0001', headers: { 'content-type': 'application/octet-stream' } },
      { payload: 'v=0', headers: { 'content-type': 'application/sdp', authorization: 'Bearer x.y.z' } },
      { payload: '{}', headers: { 'content-type': 'application/json', authorization: SIGV4_HEADER } },
    ];
    let requests = 0;
    for (const url of paths) {
      for (const method of methods) {
        for (const b of bodies) {
          const res = await inject({ method, url, ...(method === 'GET' || method === 'HEAD' ? { headers: b.headers } : b) });
          requests++;
          expect([method, url, res.statusCode < 500]).toEqual([method, url, true]);
        }
      }
    }
    expect(requests).toBe(paths.length * methods.length * bodies.length);
    expect((await inject({ method: 'GET', url: '/config.json' })).statusCode).toBe(200);
  });
});

describe('HTTPS (phones on the LAN need a secure origin)', () => {
  // A certificate is made at test time with the openssl CLI (Node cannot make X.509 certificates itself).
  const openssl = spawnSync('openssl', ['version']).status === 0;
  (openssl ? it : it.skip)('serves the token API over HTTPS, its IVS client calling the emulator over HTTPS too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost']);
    expect(made.status).toBe(0);
    const tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    const app = await buildApp({ media: false, https: tls, tokenApi: quietTokenApi() });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = address !== null && typeof address === 'object' ? address.port : 0;
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/api/tokens', method: 'POST', ca: tls.cert, servername: 'localhost', headers: { 'content-type': 'application/json', host: `localhost:${port}` } },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end('{"role":"viewer"}');
      });
      expect(status).toBe(201);
      const claims = IvsTokenClaims.parse(decodeJwt(CreateTokenResponse.parse(JSON.parse(body)).token));
      expect(claims).toMatchObject({ whip_url: `https://localhost:${port}/whip`, events_url: `wss://localhost:${port}/events` });
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('signing key', () => {
  it('a key passed in signs the tokens across restarts (same kid); a key that is not P-384 is refused at boot', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const first = await buildApp({ media: false, signingKeyPem: pem, tokenApi: quietTokenApi() });
    const origin = { http: 'http://localhost', ws: 'ws://localhost' };
    const { participantToken } = await first.sandbox.store.createParticipantToken({ stageArn: first.sandbox.defaultStageArn }, origin);
    await first.close();
    const second = await buildApp({ media: false, signingKeyPem: pem, tokenApi: quietTokenApi() });
    try {
      expect(second.sandbox.signingKey.kid).toBe(first.sandbox.signingKey.kid);
      // The stage is new (state is in memory), so the old token's signature is good but its stage is gone.
      await expect(second.sandbox.verifier.verify(participantToken.token)).rejects.toMatchObject({ code: 'STAGE_NOT_FOUND' });
    } finally {
      await second.close();
    }
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(buildApp({ media: false, signingKeyPem: p256 })).rejects.toThrow(/P-384/);
    await expect(buildApp({ media: false, signingKeyPem: 'not a key' })).rejects.toThrow(/PEM/);
  });
});
