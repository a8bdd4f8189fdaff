/**
 * The fleet container's bootstrap (lib/fleet/bootstrap.ts), run with `node -e` exactly as the task definition runs it,
 * against a stand-in for the ECS credentials endpoint and for S3 on 127.0.0.1: it fetches the task role's
 * credentials, signs the GET with a SigV4 signature the AWS SDK's own signer agrees with, and runs what it downloaded.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { BOOTSTRAP_JS } from '../../lib/fleet/bootstrap.js';

const CREDS = { AccessKeyId: 'ASIATESTTESTTEST', SecretAccessKey: `test-${Math.random().toString(36).slice(2)}`, Token: 'session-token-for-test' };
const KEY = '/0123abcd.mjs';
const BUNDLE = "process.stdout.write('bundle ran with ' + process.env.MARKER + '\\n'); process.exit(0);";

let server: Server;
let base: string;
let tmp: string;
const seen: { path: string; authorized: boolean }[] = [];

/** Recomputes the request's signature with the SDK's signer and compares. */
async function validSignature(req: IncomingMessage): Promise<boolean> {
  const auth = String(req.headers['authorization'] ?? '');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return false;
  const signer = new SignatureV4({
    credentials: { accessKeyId: CREDS.AccessKeyId, secretAccessKey: CREDS.SecretAccessKey, sessionToken: CREDS.Token },
    region: 'eu-west-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const [host, port] = String(req.headers['host']).split(':');
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: host as string,
      port: Number(port),
      path: req.url ?? '/',
      headers: { host: String(req.headers['host']), 'x-amz-content-sha256': String(req.headers['x-amz-content-sha256']) },
    },
    { signingDate: new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) },
  );
  return signed.headers['authorization'] === auth;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'fleet-bootstrap-'));
  server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/creds') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(CREDS));
        return;
      }
      const authorized = await validSignature(req);
      seen.push({ path: req.url ?? '', authorized });
      if (!authorized || req.headers['x-amz-security-token'] !== CREDS.Token) {
        res.statusCode = 403;
        res.end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
        return;
      }
      res.end(BUNDLE);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

function runBootstrap(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', BOOTSTRAP_JS], { env: { PATH: process.env['PATH'] ?? '', TMPDIR: tmp, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('fleet bootstrap', () => {
  it('downloads the bundle with a valid SigV4 signature from the task credentials and runs it', async () => {
    const r = await runBootstrap({
      WORKER_BUNDLE_URL: `${base}${KEY}`,
      AWS_REGION: 'eu-west-1',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/creds`,
      MARKER: 'the task env',
    });
    expect(r).toEqual({ code: 0, out: 'bundle ran with the task env\n' });
    expect(seen.pop()).toEqual({ path: KEY, authorized: true });
  });

  it('fails with exit 70 and the S3 answer when the signature is refused (wrong region here)', async () => {
    const r = await runBootstrap({ WORKER_BUNDLE_URL: `${base}${KEY}`, AWS_REGION: 'us-east-1', AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/creds` });
    expect(r.code).toBe(70);
    expect(r.out).toContain('GET worker bundle answered 403');
    expect(r.out).not.toContain(CREDS.SecretAccessKey);
    expect(seen.pop()).toEqual({ path: KEY, authorized: false });
  });

  it('says what is missing when there is no credentials endpoint', async () => {
    const r = await runBootstrap({ WORKER_BUNDLE_URL: `${base}${KEY}`, AWS_REGION: 'eu-west-1' });
    expect(r).toEqual({ code: 70, out: 'fleet bootstrap: no container credentials endpoint (is the task role set?)\n' });
  });
});
