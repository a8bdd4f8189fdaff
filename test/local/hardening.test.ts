/**
 * What an attacker probed (issue 15), against a listening sandbox over real sockets: the dev identity's bearer on
 * the authorizer routes, DNS-rebinding Host names (HTTP and WebSocket upgrades), framework-level rejections in the
 * project's shapes, and SigV4 verified with the real AWS SDK client when the sandbox has an access key pair.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IVSRealTimeClient, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import WebSocket from 'ws';
import { SiteConfig } from '../../contracts/site-config.js';
import { PERMISSIONS_POLICY, REFERRER_POLICY, contentSecurityPolicy } from '../../lib/csp.js';
import { networkOptions } from '../../local/src/server.js';
import { type RunningSandbox, SIGV4_HEADER, startSandbox } from './helpers.js';

let sb: RunningSandbox;
let port: number;
const webRoot = mkdtempSync(join(tmpdir(), 'hardening-web-'));
beforeAll(async () => {
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
  sb = await startSandbox({ allowedHosts: ['stage.example.test'], media: true, iceAddresses: ['127.0.0.1'], webRoot });
  port = Number(new URL(sb.url).port);
});
afterAll(async () => {
  await sb.close();
  rmSync(webRoot, { recursive: true, force: true });
});

/** One HTTP/1.1 request with a Host header of our choosing (fetch won't set Host). */
function send(path: string, host: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ agent: false, host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host, ...init.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Raw bytes on a socket: for what an HTTP client would refuse to send. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (out += c));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}
const bodyOf = (response: string): unknown => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe('DNS rebinding: the Host header must name the sandbox', () => {
  it('answers loopback names, the bound address and names it was given', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'stage.example.test', 'LOCALHOST']) {
      expect({ host, status: (await send('/config.json', host)).status }).toEqual({ host, status: 200 });
    }
  });

  it('refuses any other name with 421 and says what to use, in the shape of the route', async () => {
    const page = await send('/config.json', `evil.example:${port}`);
    expect(page.status).toBe(421);
    expect(JSON.parse(page.body)).toEqual({ error: { code: 'MISDIRECTED_REQUEST', message: expect.stringContaining('--host/--public-url') } });
    const token = await send('/api/auth/tokens', 'evil.example', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
      body: '{"role":"publisher"}',
    });
    expect(token.status).toBe(421);
    const ivs = await send('/ListStages', 'evil.example', { method: 'POST', headers: { authorization: SIGV4_HEADER }, body: '{}' });
    expect(ivs.status).toBe(421);
    expect(ivs.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    const whip = await send('/whip', 'evil.example', { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: 'v=0' });
    expect(whip.status).toBe(421);
    // X-Forwarded-Host is trusted from loopback, so a rebound page could set it: the raw Host is what counts.
    const forwarded = await send('/config.json', 'evil.example', { headers: { 'x-forwarded-host': 'localhost' } });
    expect(forwarded.status).toBe(421);
  });

  it('refuses WebSocket upgrades to another name', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, { headers: { host: 'evil.example' } });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.on('error', () => undefined);
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
    });
    expect(status).toBe(421);
  });
});

describe('the dev identity', () => {
  it('hands its bearer to pages in config.json only when it is the loopback default', async () => {
    expect(SiteConfig.parse(JSON.parse((await send('/config.json', 'localhost')).body)).sandboxBearer).toBe('dev');
    const secret = await startSandbox({ devBearer: 'a-printed-secret' });
    try {
      const cfg = SiteConfig.parse(await (await fetch(`${secret.url}/config.json`)).json());
      expect(cfg.sandboxBearer).toBeUndefined();
      const denied = await fetch(`${secret.url}/api/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dev' },
        body: '{"role":"publisher"}',
      });
      expect(denied.status).toBe(401);
      const ok = await fetch(`${secret.url}/api/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer a-printed-secret' },
        body: '{"role":"publisher"}',
      });
      expect(ok.status).toBe(201);
    } finally {
      await secret.close();
    }
  });

  it('gets a secret and SigV4 keys off loopback, and stays setup-free on loopback', () => {
    const lan = networkOptions('0.0.0.0', {});
    expect(lan.devBearer).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(lan.sigV4Credentials?.accessKeyId).toMatch(/^AKIASANDBOX[0-9A-F]{10}$/);
    expect(networkOptions('0.0.0.0', {}).devBearer).not.toBe(lan.devBearer);
    expect(networkOptions('192.168.1.20', {}).allowedHosts).toEqual(['192.168.1.20']);
    const loop = networkOptions('127.0.0.1', {});
    expect(loop.devBearer).toBeUndefined();
    expect(loop.sigV4Credentials).toBeUndefined();
  });
});

describe('the pages get CloudFront\'s security headers (lib/csp.ts)', () => {
  it('sends the same CSP (same-origin API, no upgrade on plain http) and headers with pages and config.json', async () => {
    for (const path of ['/', '/index.html', '/config.json']) {
      const res = await fetch(`${sb.url}${path}`);
      expect(res.status).toBe(200);
      expect({
        path,
        csp: res.headers.get('content-security-policy'),
        nosniff: res.headers.get('x-content-type-options'),
        frame: res.headers.get('x-frame-options'),
        referrer: res.headers.get('referrer-policy'),
        permissions: res.headers.get('permissions-policy'),
        hsts: res.headers.get('strict-transport-security'),
      }).toEqual({
        path,
        csp: contentSecurityPolicy({ connect: [] }, { upgradeInsecureRequests: false }),
        nosniff: 'nosniff',
        frame: 'DENY',
        referrer: REFERRER_POLICY,
        permissions: PERMISSIONS_POLICY,
        hsts: null,
      });
    }
    expect(contentSecurityPolicy({ connect: [] })).toMatch(/upgrade-insecure-requests$/);
  });
});

describe('framework-level rejections in the project shapes', () => {
  it('answers an over-long WHEP participant id with 414 {error:{code,message}}', async () => {
    const res = await send(`/whip/subscribe/${'a'.repeat(200)}`, 'localhost', { method: 'POST', body: '' });
    expect(res.status).toBe(414);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'URI_TOO_LONG', message: expect.any(String) } });
  });

  it('answers bad URL encoding with 400 INVALID_URL, and in AWS shape on the IVS API', async () => {
    const page = await send('/api/%zz', 'localhost');
    expect([page.status, JSON.parse(page.body)]).toEqual([400, { error: { code: 'INVALID_URL', message: expect.any(String) } }]);
    const ivs = await send(`/Get%zzStage`, 'localhost', { method: 'POST', headers: { authorization: SIGV4_HEADER } });
    expect(ivs.status).toBe(400);
    expect(ivs.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(JSON.parse(ivs.body)).toMatchObject({ message: expect.stringContaining('percent-encoding') });
  });

  it('answers headers too large with 431 in the shape of the route aimed at', async () => {
    const big = 'x'.repeat(20_000);
    const page = await raw(`GET /config.json HTTP/1.1\r\nHost: localhost\r\nX-Big: ${big}\r\n\r\n`);
    expect(page).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(page)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } });
    const ivs = await raw(`POST /ListStages HTTP/1.1\r\nHost: localhost\r\nX-Big: ${big}\r\n\r\n`);
    expect(ivs).toMatch(/^HTTP\/1\.1 431 /);
    expect(ivs).toMatch(/x-amzn-ErrorType: ValidationException/);
    expect(bodyOf(ivs)).toMatchObject({ exceptionMessage: expect.stringContaining('headers') });
  });

  it('refuses a token-API JSON body that is not UTF-8 instead of reading U+FFFD', async () => {
    const res = await fetch(`${sb.url}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"role":"view'), Buffer.from([0xff]), Buffer.from('er"}')]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'INVALID_JSON', message: expect.stringContaining('UTF-8') } });
  });
});

describe('SigV4 verified when the sandbox has an access key pair', () => {
  // Key pairs made at test time: no AWS-key lookalike is written into the source.
  const testKeyId = (): string => `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const credentials = { accessKeyId: testKeyId(), secretAccessKey: randomBytes(15).toString('hex') };
  let signed: RunningSandbox;
  beforeAll(async () => {
    signed = await startSandbox({ sigV4Credentials: credentials, devBearer: 'lan-secret' });
  });
  afterAll(async () => {
    await signed.close();
  });
  const client = (creds: { accessKeyId: string; secretAccessKey: string }) =>
    new IVSRealTimeClient({ endpoint: signed.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

  it('lets the right key pair in, with the real AWS SDK client', async () => {
    const ivs = client(credentials);
    expect((await ivs.send(new ListStagesCommand({ maxResults: 5 }))).stages?.length).toBeGreaterThan(0);
    ivs.destroy();
  });

  it('answers a wrong secret with InvalidSignatureException (403) and an unknown key with UnrecognizedClientException', async () => {
    for (const [creds, name] of [
      [{ ...credentials, secretAccessKey: 'not-the-secret-0123456789' }, 'InvalidSignatureException'],
      [{ ...credentials, accessKeyId: testKeyId() }, 'UnrecognizedClientException'],
    ] as const) {
      const ivs = client(creds);
      const err = await ivs.send(new ListStagesCommand({})).then(
        () => undefined,
        (e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number } },
      );
      ivs.destroy();
      expect({ name: err?.name, status: err?.$metadata.httpStatusCode }).toEqual({ name, status: 403 });
    }
  });

  it('refuses a well-shaped header with a made-up signature', async () => {
    const res = await fetch(`${signed.url}/ListStages`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', authorization: SIGV4_HEADER.replace('AKIDTEST', credentials.accessKeyId), 'x-amz-date': '20260101T000000Z' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('still mints through the mounted token API (its own client signs with the pair)', async () => {
    const res = await fetch(`${signed.url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer lan-secret' },
      body: '{"role":"publisher"}',
    });
    expect(res.status).toBe(201);
  });
});
