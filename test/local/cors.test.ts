/**
 * CORS by route group (local/src/cors.ts): the media and events routes answer any origin (the participant token is
 * the credential), with the Private Network Access preflight; the token API answers its own origin and --allow-origin
 * only and refuses the rest before minting; the IVS control plane and the pages send no CORS headers at all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../../local/src/app.js';
import { parseSandboxOptions } from '../../local/src/config.js';
import { SIGV4_HEADER, quietTokenApi } from './helpers.js';
import { type MediaSandbox, sdpOffer, startMediaSandbox } from './media-fixtures.js';

const PAGES = 'https://you.github.io';
const STRANGER = 'https://evil.example';

let sb: MediaSandbox;
let own: string;

beforeAll(async () => {
  sb = await startMediaSandbox({ allowedOrigins: [PAGES], tokenApi: quietTokenApi() });
  own = sb.url;
});

afterAll(async () => {
  await sb.close();
});

const preflight = (url: string, origin: string, method = 'POST', privateNetwork = true) =>
  sb.app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type',
      ...(privateNetwork ? { 'access-control-request-private-network': 'true' } : {}),
    },
  });

describe('media and events: any origin', () => {
  it.each([
    ['/whip', 'POST'],
    ['/whip/subscribe/somebody', 'POST'],
    ['/whip/publish/someone', 'POST'],
    ['/edge/whip/subscribe/somebody', 'POST'],
    ['/whip/sessions/00000000-0000-4000-8000-000000000000', 'DELETE'],
    ['/whep/sessions/00000000-0000-4000-8000-000000000000', 'DELETE'],
  ])('a preflight for %s (%s) from a page on another origin is allowed, private network included', async (url, method) => {
    for (const origin of [PAGES, STRANGER, 'null']) {
      const res = await preflight(url, origin, method);
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(String(res.headers['access-control-allow-methods'])).toContain(method);
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toBe('authorization, content-type');
      expect(res.headers['access-control-allow-private-network']).toBe('true');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('no Private Network Access header unless the preflight asks for it', async () => {
    const res = await preflight('/whip', PAGES, 'POST', false);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('a publish from another origin gets its answer with Location readable; a refusal is readable too', async () => {
    const { token } = await sb.token(['PUBLISH', 'SUBSCRIBE']);
    const ok = await sb.app.inject({
      method: 'POST',
      url: '/whip',
      headers: { origin: 'null', authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
      payload: sdpOffer({ direction: 'sendonly' }),
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    expect(ok.headers['access-control-expose-headers']).toBe('Location');
    const del = await sb.app.inject({ method: 'DELETE', url: new URL(String(ok.headers['location'])).pathname, headers: { origin: PAGES } });
    expect(del.statusCode).toBe(204);
    expect(del.headers['access-control-allow-origin']).toBe('*');

    const refused = await sb.app.inject({
      method: 'POST',
      url: '/whip',
      headers: { origin: STRANGER, 'content-type': 'application/sdp' },
      payload: sdpOffer({ direction: 'sendonly' }),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
  });

  it('the events route answers other origins (its plain-HTTP 426 is readable)', async () => {
    const res = await sb.app.inject({ method: 'GET', url: '/events', headers: { origin: PAGES } });
    expect(res.statusCode).toBe(426);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('token API: an allow-list', () => {
  const mint = (origin: string | undefined) =>
    sb.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
      payload: JSON.stringify({ role: 'viewer' }),
    });

  it('the sandbox own origin and --allow-origin mint, with the origin echoed and Vary: Origin', async () => {
    // inject() reaches the app as host "localhost:80"; a real page names the address it loaded from.
    for (const [origin, host] of [
      [own, new URL(own).host],
      [PAGES, undefined],
    ] as const) {
      const res = await sb.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { 'content-type': 'application/json', origin, ...(host ? { host } : {}) },
        payload: JSON.stringify({ role: 'viewer' }),
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(String(res.headers['vary'])).toContain('Origin');
    }
    const pre = await preflight('/api/tokens', PAGES);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(PAGES);
    expect(String(pre.headers['access-control-allow-headers'])).toContain('Authorization');
  });

  it('another origin is refused before anything is minted, with what to do', async () => {
    for (const origin of [STRANGER, 'null', `${PAGES}.evil.example`]) {
      const res = await mint(origin);
      expect(res.statusCode).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('ORIGIN_NOT_ALLOWED');
      expect(body.error.message).toContain('--allow-origin');
      const pre = await preflight('/api/tokens', origin);
      expect(pre.statusCode).toBe(403);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('callers that are not browsers (no Origin) still mint', async () => {
    const res = await mint(undefined);
    expect(res.statusCode).toBe(201);
  });
});

describe('no CORS where none belongs', () => {
  it('the IVS control plane answers no origin', async () => {
    const res = await sb.app.inject({
      method: 'POST',
      url: '/ListStages',
      headers: { origin: PAGES, authorization: SIGV4_HEADER, 'content-type': 'application/json', 'x-amz-date': '20260101T000000Z' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await preflight('/ListStages', PAGES);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('config.json answers no origin', async () => {
    const res = await sb.app.inject({ method: 'GET', url: '/config.json', headers: { origin: PAGES } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('--allow-origin follows the stack allowedOrigins rule', () => {
  it.each([
    ['http://you.github.io', 'must use https'],
    ['https://you.github.io/', 'not a bare origin'],
    ['https://you.github.io/repo', 'not a bare origin'],
    ['you.github.io', 'not a URL'],
  ])('%s is refused (%s)', (origin, why) => {
    expect(() => parseSandboxOptions({ allowedOrigins: [origin] })).toThrow(why);
  });

  it('http is fine for localhost', async () => {
    expect(parseSandboxOptions({ allowedOrigins: ['http://localhost:5173'] }).allowedOrigins).toEqual(['http://localhost:5173']);
    await expect(buildApp({ media: false, allowedOrigins: ['https://x.example/'] })).rejects.toThrow('allowedOrigins');
  });
});
