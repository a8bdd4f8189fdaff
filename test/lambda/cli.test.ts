/**
 * `npm run token` (lambda/token/cli.ts): flags judged by the API's own contract (exit 2 with the usage), the three
 * minting modes (a token API over real HTTP on 127.0.0.1, local self-signing verified with the public key, and
 * CreateParticipantToken through the SDK, faked at the SDK boundary), and the token never reaching stderr.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateParticipantTokenCommand, GetStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { main, USAGE, type CliIo } from '../../lambda/token/cli.js';
import { CreateTokenResponse, type ErrorBody } from '../../contracts/token-api.js';
import { IvsTokenClaims } from '../../contracts/ivs-token.js';
import { awsErrors, EVENTS_URL, generateTestKeys, NOW_MS, PUBLIC_KEY_ARN, STAGE_ARN, WHIP_URL, type TestKeys } from './fixtures/events.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], extra: Partial<CliIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    now: () => NOW_MS,
    ...extra,
  });
  return { code, stdout, stderr };
}

// Paths exist before the it.each tables below are built; the key itself is generated at test time.
const dir = mkdtempSync(join(tmpdir(), 'token-cli-'));
const keyFile = join(dir, 'signing-key.pem');
let keys: TestKeys;
beforeAll(() => {
  keys = generateTestKeys();
  writeFileSync(keyFile, keys.privateKeyPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const selfSigned = (...more: string[]) => [
  '--self-signed',
  keyFile,
  '--public-key-arn',
  PUBLIC_KEY_ARN,
  '--stage',
  STAGE_ARN,
  '--whip-url',
  WHIP_URL,
  '--events-url',
  EVENTS_URL,
  ...more,
];

describe('flags', () => {
  it('prints the usage on --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Usage: npm run token');
    expect(r.stdout).toMatch(/--minutes +token lifetime in MINUTES/);
  });

  it.each<[string, string[], RegExp]>([
    ['no flags', [], /--role is required/],
    ['an unknown flag', ['--role', 'viewer', '--rol', 'x', ...selfSigned()], /Unknown option '--rol'/],
    ['a positional argument', ['viewer', ...selfSigned()], /positional/i],
    ['an unknown role', ['--role', 'admin', ...selfSigned()], /--role: role must be one of "publisher", "viewer"/],
    ['zero minutes', ['--role', 'viewer', '--minutes', '0', ...selfSigned()], /--minutes: durationMinutes must be at least 1/],
    ['too many minutes', ['--role', 'viewer', '--minutes', '20161', ...selfSigned()], /at most 20160/],
    ['fractional minutes', ['--role', 'viewer', '--minutes', '1.5', ...selfSigned()], /whole number/],
    ['minutes as words', ['--role', 'viewer', '--minutes', 'two hours', ...selfSigned()], /--minutes "two hours" is not a number/],
    ['an attribute without =', ['--role', 'viewer', '--attr', 'seat', ...selfSigned()], /--attr "seat" must be KEY=VALUE/],
    ['a secret-looking attribute', ['--role', 'viewer', '--attr', `k=AKIA${randomBytes(8).toString('hex').toUpperCase()}`, ...selfSigned()], /--attr: attribute "k" looks like a secret/],
    ['oversize attributes', ['--role', 'viewer', '--attr', `a=${'x'.repeat(1100)}`, ...selfSigned()], /the limit is 1024 bytes/],
    ['no minting mode', ['--role', 'viewer'], /choose how to mint/],
    ['two modes', ['--role', 'viewer', '--api', 'http://127.0.0.1:1', ...selfSigned()], /choose one of --api or --self-signed/],
    ['a stage that is not an ARN', ['--role', 'viewer', '--stage', 'my-stage'], /--stage must be an IVS stage ARN/],
    ['an --api that is not a URL', ['--role', 'viewer', '--api', 'localhost'], /--api /],
    ['--bearer outside --api', ['--role', 'viewer', '--bearer', 'x', '--stage', STAGE_ARN], /--bearer does not apply with --stage/],
    ['self-signed without a key ARN', ['--role', 'viewer', '--self-signed', keyFile, '--stage', STAGE_ARN], /needs --public-key-arn/],
    ['self-signed with half the endpoints', ['--role', 'viewer', ...selfSigned().slice(0, 6), '--whip-url', WHIP_URL], /both --whip-url and --events-url/],
  ])('rejects %s with the usage and exit code 2', async (_name, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(USAGE);
  });
});

describe('--self-signed', () => {
  it('prints only a token that verifies with the public key and carries every IVS claim', async () => {
    const r = await run(['--role', 'viewer', '--user', 'alice', '--minutes', '60', '--attr', 'seat=B2', '--attr', 'lang=zh-TW', ...selfSigned()]);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`);
    const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, { algorithms: ['ES384'], currentDate: new Date(NOW_MS) });
    expect(protectedHeader).toEqual({ alg: 'ES384', typ: 'JWT', kid: PUBLIC_KEY_ARN });
    const claims = IvsTokenClaims.parse(payload);
    expect(claims).toEqual({
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 60 * 60,
      jti: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
      resource: STAGE_ARN,
      topic: 'AbCdEf123456',
      whip_url: WHIP_URL,
      events_url: EVENTS_URL,
      user_id: 'alice',
      attributes: { seat: 'B2', lang: 'zh-TW' },
      capabilities: { allow_publish: false, allow_subscribe: true },
      version: '1.0',
    });
    // Details on stderr, never the token.
    expect(r.stderr).toContain(`participant ${claims.jti}`);
    expect(r.stderr).toContain('expires 2025-01-15T13:00:00.000Z');
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).not.toContain(token.split('.')[2]);
  });

  it('gives a publisher PUBLISH and SUBSCRIBE for the default 720 minutes, and --json prints the contract response', async () => {
    const r = await run(['--role', 'publisher', '--json', ...selfSigned()]);
    expect(r.code).toBe(0);
    const body = CreateTokenResponse.parse(JSON.parse(r.stdout));
    expect(body).toMatchObject({ capabilities: ['PUBLISH', 'SUBSCRIBE'], minting: 'self-signed', stageArn: STAGE_ARN });
    expect(body.userId).toMatch(/^publisher-/);
    const claims = IvsTokenClaims.parse((await jwtVerify(body.token, keys.publicKey, { currentDate: new Date(NOW_MS) })).payload);
    expect(claims.exp - claims.iat).toBe(720 * 60);
    expect(claims.capabilities).toEqual({ allow_publish: true, allow_subscribe: true });
    expect(decodeProtectedHeader(body.token).kid).toBe(PUBLIC_KEY_ARN);
  });

  it('exits 1 naming the file when the key cannot be read', async () => {
    const r = await run(['--role', 'viewer', ...selfSigned().map((a) => (a === keyFile ? join(dir, 'missing.pem') : a))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read --self-signed .*missing\.pem \(ENOENT\)/);
    expect(r.stdout).toBe('');
  });

  it('exits 1 when the file is not a P-384 private key', async () => {
    const bad = join(dir, 'not-a-key.pem');
    writeFileSync(bad, 'hello');
    const r = await run(['--role', 'viewer', ...selfSigned().map((a) => (a === keyFile ? bad : a))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('--stage (CreateParticipantToken through the SDK)', () => {
  const ivsMock = mockClient(IVSRealTimeClient);
  beforeEach(() => {
    ivsMock.reset();
  });
  afterAll(() => ivsMock.restore());

  it('sends the request with the IVS field names and prints the token IVS issued', async () => {
    ivsMock.on(CreateParticipantTokenCommand).resolves({
      participantToken: {
        token: 'IVS-ISSUED-SECRET',
        participantId: 'PartIcIpant1',
        userId: 'alice',
        capabilities: ['SUBSCRIBE'],
        expirationTime: new Date(NOW_MS + 60 * 60_000),
      },
    });
    const r = await run(['--role', 'viewer', '--user', 'alice', '--minutes', '60', '--attr', 'seat=B2', '--stage', STAGE_ARN, '--endpoint', 'http://127.0.0.1:1']);
    expect(r).toMatchObject({ code: 0, stdout: 'IVS-ISSUED-SECRET\n' });
    expect(r.stderr).not.toContain('IVS-ISSUED-SECRET');
    expect(ivsMock.commandCalls(CreateParticipantTokenCommand)[0]?.args[0].input).toEqual({
      stageArn: STAGE_ARN,
      userId: 'alice',
      attributes: { seat: 'B2' },
      capabilities: ['SUBSCRIBE'],
      duration: 60,
    });
  });

  it.each([
    ['throttling', awsErrors.throttling, /429 THROTTLED/],
    ['a missing stage', awsErrors.notFound, /404 NOT_FOUND: stage not found/],
    ['an exhausted quota', awsErrors.quota, /503 QUOTA_EXCEEDED/],
    ['access denied (the operator sees the cause)', awsErrors.accessDenied, /AccessDeniedException: .*not authorized/],
  ] as const)('exits 1 on %s', async (_name, make, message) => {
    ivsMock.on(CreateParticipantTokenCommand).rejects(make());
    const r = await run(['--role', 'viewer', '--stage', STAGE_ARN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('reads whip/events URLs with GetStage for --self-signed when they are not given', async () => {
    ivsMock.on(GetStageCommand).resolves({ stage: { arn: STAGE_ARN, endpoints: { whip: WHIP_URL, events: EVENTS_URL } } });
    const r = await run(['--role', 'viewer', '--self-signed', keyFile, '--public-key-arn', PUBLIC_KEY_ARN, '--stage', STAGE_ARN]);
    expect(r.code).toBe(0);
    const claims = IvsTokenClaims.parse((await jwtVerify(r.stdout.trim(), keys.publicKey, { currentDate: new Date(NOW_MS) })).payload);
    expect([claims.whip_url, claims.events_url]).toEqual([WHIP_URL, EVENTS_URL]);
    expect(ivsMock.commandCalls(GetStageCommand)[0]?.args[0].input).toEqual({ arn: STAGE_ARN });
  });
});

describe('--api (a token API over HTTP)', () => {
  interface Seen {
    readonly method: string | undefined;
    readonly url: string | undefined;
    readonly authorization: string | undefined;
    readonly contentType: string | undefined;
    readonly body: unknown;
  }
  let server: Server;
  let base: string;
  let seen: Seen[];
  let reply: { status: number; body: string; headers?: Record<string, string> };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((text) => {
        seen.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body: JSON.parse(text) as unknown,
        });
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr !== 'object') throw new Error('not listening');
    base = `http://127.0.0.1:${addr.port}/api`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
  });

  const issued: CreateTokenResponse = {
    token: 'API-ISSUED-SECRET',
    participantId: 'PartIcIpant1',
    userId: 'alice',
    capabilities: ['SUBSCRIBE'],
    expiresAt: new Date(NOW_MS + 3_600_000).toISOString(),
    stageArn: STAGE_ARN,
    minting: 'api',
  };

  it('POSTs the contract request to /tokens and prints the token', async () => {
    reply = { status: 201, body: JSON.stringify(issued) };
    const r = await run(['--role', 'viewer', '--user', 'alice', '--minutes', '60', '--api', `${base}/`]);
    expect(r).toMatchObject({ code: 0, stdout: 'API-ISSUED-SECRET\n' });
    expect(r.stderr).not.toContain('API-ISSUED-SECRET');
    expect(seen).toEqual([
      { method: 'POST', url: '/api/tokens', authorization: undefined, contentType: 'application/json', body: { role: 'viewer', userId: 'alice', durationMinutes: 60 } },
    ]);
  });

  it('uses the signed-in route /auth/tokens with the bearer token', async () => {
    reply = { status: 201, body: JSON.stringify({ ...issued, capabilities: ['PUBLISH', 'SUBSCRIBE'] }) };
    const r = await run(['--role', 'publisher', '--api', base, '--bearer', 'ID-TOKEN']);
    expect(r.code).toBe(0);
    expect(seen[0]).toMatchObject({ url: '/api/auth/tokens', authorization: 'Bearer ID-TOKEN', body: { role: 'publisher' } });
    expect(r.stderr).not.toContain('ID-TOKEN');
  });

  it('exits 1 with the API error code, field and Retry-After', async () => {
    const err: ErrorBody = { error: { code: 'THROTTLED', message: 'IVS is throttling requests; retry after 1 s' } };
    reply = { status: 429, body: JSON.stringify(err), headers: { 'retry-after': '1' } };
    const throttled = await run(['--role', 'viewer', '--api', base]);
    expect(throttled).toMatchObject({ code: 1, stdout: '' });
    expect(throttled.stderr).toMatch(/429 THROTTLED: IVS is throttling.*; retry after 1 s/);

    reply = { status: 403, body: JSON.stringify({ error: { code: 'FORBIDDEN', message: 'you may only mint tokens for your own userId', field: 'userId' } }) };
    const forbidden = await run(['--role', 'viewer', '--user', 'bob', '--api', base, '--bearer', 'x']);
    expect(forbidden.stderr).toMatch(/403 FORBIDDEN \(userId\): you may only mint/);
  });

  it('exits 1 when the answer is not the contract response', async () => {
    reply = { status: 201, body: JSON.stringify({ token: 'x' }) };
    expect((await run(['--role', 'viewer', '--api', base])).stderr).toMatch(/not with a token response/);
    reply = { status: 200, body: '<html>' };
    expect((await run(['--role', 'viewer', '--api', base])).stderr).toMatch(/not JSON: is --api the token API's base URL/);
    reply = { status: 502, body: '{"message":"Internal Server Error"}' };
    expect((await run(['--role', 'viewer', '--api', base])).stderr).toMatch(/answered 502 without an error body/);
  });

  it('exits 1 when nothing listens', async () => {
    const r = await run(['--role', 'viewer', '--api', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not reach http:\/\/127\.0\.0\.1:1\/tokens/);
  });
});

describe('as a process (npm run token)', () => {
  const spawnCli = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'lambda/token/cli.ts', ...args],
        { cwd: process.cwd(), env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('exits 2 with the usage on bad flags, and 0 with only the token on stdout', async () => {
    const bad = await spawnCli(['--role', 'viewer', '--minutes', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: npm run token');
    const good = await spawnCli(['--role', 'viewer', '--user', 'alice', ...selfSigned()]);
    expect(good.code).toBe(0);
    const token = good.stdout.trim();
    await expect(jwtVerify(token, keys.publicKey)).resolves.toBeDefined();
    expect(good.stderr).not.toContain(token);
  }, 60_000);
});
