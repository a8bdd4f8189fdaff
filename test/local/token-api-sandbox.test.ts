/**
 * lambda/'s token API handler (createHandler) against the sandbox's IVS emulator over real HTTP, through the real
 * @aws-sdk/client-ivs-realtime client (endpoint override, dummy credentials): tokens minted by the emulator
 * (api mode) or signed with a key imported by ImportPublicKey (self-signed mode) are accepted by the sandbox's own
 * verifier and events WebSocket; GET /stage counts real participants across pages; DELETE disconnects one; a real
 * ResourceNotFoundException becomes 404. The CLI's SDK, self-signed and --api paths run against the same sandbox.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateStageCommand,
  DeletePublicKeyCommand,
  DeleteStageCommand,
  ImportPublicKeyCommand,
  IVSRealTimeClient,
} from '@aws-sdk/client-ivs-realtime';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { decodeProtectedHeader } from 'jose';
import { createHandler, type TokenApiConfig, type TokenApiHandler } from '../../lambda/token/app.js';
import { main } from '../../lambda/token/cli.js';
import { CreateTokenResponse, DisconnectResponse, ErrorBody, StageSummary } from '../../contracts/token-api.js';
import {
  captureStdout,
  fakeContext,
  httpEvent,
  postJson,
  PUBLISHER,
  type StdoutCapture,
} from '../lambda/fixtures/events.js';
import { EventsClient, type RunningSandbox, startSandbox } from './helpers.js';

let sb: RunningSandbox;
let stdout: StdoutCapture;
/** Every token any test received: none may appear in the captured log output. */
const issuedTokens: string[] = [];
/** Moves the handler's clock past the 5 s stage cache without waiting. */
let skewMs = 0;
const clients: EventsClient[] = [];

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  stdout = captureStdout();
});
afterEach(async () => {
  const lines = stdout.lines().join('\n');
  stdout.restore();
  for (const token of issuedTokens) {
    expect(lines).not.toContain(token);
    // The signature alone is enough to be a leak worth failing on.
    expect(lines).not.toContain(token.split('.')[2] ?? token);
  }
  for (const c of clients.splice(0)) {
    // Let a socket still connecting (a failed test) finish first: ws throws if closed mid-handshake.
    if (c.socket.readyState === c.socket.CONNECTING) await c.opened().catch(() => undefined);
    c.close();
    await c.closed;
  }
});

function handlerFor(config: Partial<TokenApiConfig> & { stageArn: string }, ivs: IVSRealTimeClient = sb.ivs, loadPrivateKeyPem?: () => Promise<string>): TokenApiHandler {
  return createHandler({
    config: { minting: 'api', viewerAccess: 'public', ...config },
    ivs,
    ...(loadPrivateKeyPem ? { loadPrivateKeyPem } : {}),
    // Real time (the sandbox verifier checks exp against it) plus a skew the stage-cache tests advance.
    now: () => Date.now() + skewMs,
  });
}

async function call(handler: TokenApiHandler, event: APIGatewayProxyEventV2): Promise<{ res: APIGatewayProxyStructuredResultV2; body: unknown }> {
  const res = await handler(event, fakeContext());
  return { res, body: JSON.parse(res.body ?? '') as unknown };
}

async function mint(handler: TokenApiHandler, event: APIGatewayProxyEventV2): Promise<CreateTokenResponse> {
  const { res, body } = await call(handler, event);
  expect(res.statusCode).toBe(201);
  const token = CreateTokenResponse.parse(body);
  issuedTokens.push(token.token);
  return token;
}

async function joinStage(token: string): Promise<{ client: EventsClient; sessionId: string }> {
  const client = new EventsClient(sb.url);
  clients.push(client);
  const welcome = await client.join(token);
  return { client, sessionId: welcome.sessionId };
}

const getStage = httpEvent({ method: 'GET', path: '/stage' });

describe('api minting: CreateParticipantToken on the emulator', () => {
  let stageArn: string;
  let handler: TokenApiHandler;
  beforeAll(async () => {
    stageArn = (await sb.ivs.send(new CreateStageCommand({ name: 'token-api-stage' }))).stage?.arn ?? '';
    handler = handlerFor({ stageArn });
  });

  it('issues a viewer token the sandbox accepts, with the requested user, attributes and lifetime', async () => {
    const minted = await mint(handler, postJson('/tokens', { role: 'viewer', userId: 'alice', attributes: { seat: 'B2' }, durationMinutes: 30 }));
    expect(minted).toMatchObject({ userId: 'alice', capabilities: ['SUBSCRIBE'], stageArn, minting: 'api' });
    const verified = await sb.app.sandbox.verifier.verify(minted.token);
    expect(verified).toMatchObject({
      stageArn,
      participantId: minted.participantId,
      userId: 'alice',
      attributes: { seat: 'B2' },
      capabilities: ['SUBSCRIBE'],
    });
    expect(verified.exp * 1000).toBe(new Date(minted.expiresAt).getTime());
    const lifetimeMs = new Date(minted.expiresAt).getTime() - Date.now();
    expect(lifetimeMs).toBeGreaterThan(29 * 60_000);
    expect(lifetimeMs).toBeLessThanOrEqual(30 * 60_000);
    // Signed by the emulator's own key, as IVS signs tokens it issues (no public-key ARN as kid).
    expect(String(decodeProtectedHeader(minted.token).kid)).not.toMatch(/^arn:/);
    // The log capture works (so afterEach's "no token in the logs" check has lines to look at).
    expect(stdout.logs()).toContainEqual(expect.objectContaining({ message: 'request', status: 201, participantId: minted.participantId }));
  });

  it('issues a publisher token to a member of the publishers group, accepted with PUBLISH', async () => {
    const minted = await mint(handler, postJson('/auth/tokens', { role: 'publisher' }, { claims: PUBLISHER }));
    expect(minted.userId).toBe(PUBLISHER['sub']);
    const verified = await sb.app.sandbox.verifier.verify(minted.token);
    expect(verified.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    const { sessionId } = await joinStage(minted.token);
    expect(sessionId).toMatch(/^st-/);
  });

  it('counts CONNECTED publishers and subscribers over every ListParticipants page, cached per 5 s', async () => {
    // Small pages over the real wire, so a handful of participants spans several ListParticipants calls.
    const paged = new IVSRealTimeClient({
      endpoint: sb.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    });
    const listCalls: Array<string | undefined> = [];
    paged.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListParticipantsCommand') {
          const input = args.input as { maxResults?: number; nextToken?: string };
          input.maxResults = 2;
          listCalls.push(input.nextToken);
        }
        return next(args);
      },
      { step: 'initialize', name: 'smallPages' },
    );
    const stage = (await sb.ivs.send(new CreateStageCommand({ name: 'counted-stage' }))).stage?.arn ?? '';
    const counted = handlerFor({ stageArn: stage }, paged);
    try {
      const empty = StageSummary.parse((await call(counted, getStage)).body);
      expect(empty).toMatchObject({ name: 'counted-stage', arn: stage, activeSessionId: null, publishers: 0, subscribers: 0, stale: false });

      const pub = await mint(counted, postJson('/auth/tokens', { role: 'publisher' }, { claims: PUBLISHER }));
      const { sessionId } = await joinStage(pub.token);
      sb.app.sandbox.hub.publishStarted(await sb.app.sandbox.verifier.verify(pub.token));
      for (let i = 0; i < 4; i++) {
        const viewer = await mint(counted, postJson('/tokens', { role: 'viewer', userId: `viewer-${i}` }));
        await joinStage(viewer.token);
      }
      // Still the cached answer: nothing changes for polling viewers until the TTL passes.
      expect(StageSummary.parse((await call(counted, getStage)).body).publishers).toBe(0);
      skewMs += 6_000;
      const summary = StageSummary.parse((await call(counted, getStage)).body);
      expect(summary).toMatchObject({ activeSessionId: sessionId, publishers: 1, subscribers: 4, stale: false });
      expect(listCalls.length).toBe(3);
      expect(listCalls[0]).toBeUndefined();
      expect(listCalls.slice(1).every((t) => typeof t === 'string')).toBe(true);
    } finally {
      skewMs = 0;
      paged.destroy();
    }
  });

  it('disconnects a participant (DELETE /participants/{id}); the sandbox revokes its token', async () => {
    const viewer = await mint(handler, postJson('/tokens', { role: 'viewer', userId: 'troll' }));
    const { client } = await joinStage(viewer.token);
    const id = viewer.participantId;
    const { res, body } = await call(
      handler,
      httpEvent({
        method: 'DELETE',
        path: `/participants/${id}`,
        routeKey: 'DELETE /participants/{participantId}',
        pathParameters: { participantId: id },
        claims: PUBLISHER,
        body: JSON.stringify({ reason: 'spam in chat' }),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(DisconnectResponse.parse(body)).toEqual({ participantId: id, disconnected: true });
    const bye = await client.nextOf('disconnected');
    expect(bye.reason).toBe('disconnectedByApi');
    expect(bye.message).toContain('spam in chat');
    await expect(sb.app.sandbox.verifier.verify(viewer.token)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('maps the emulator\'s ResourceNotFoundException for an unknown participant to 404', async () => {
    const { res, body } = await call(
      handler,
      httpEvent({ method: 'DELETE', path: '/participants/nobody', routeKey: 'DELETE /participants/{participantId}', pathParameters: { participantId: 'nobody' }, claims: PUBLISHER }),
    );
    expect(res.statusCode).toBe(404);
    expect(ErrorBody.parse(body).error).toMatchObject({ code: 'NOT_FOUND', message: 'participant nobody not found on this stage' });
  });

  it('maps a deleted stage to 404 on POST /tokens and GET /stage', async () => {
    const doomed = (await sb.ivs.send(new CreateStageCommand({ name: 'doomed' }))).stage?.arn ?? '';
    const gone = handlerFor({ stageArn: doomed });
    await sb.ivs.send(new DeleteStageCommand({ arn: doomed }));
    for (const event of [postJson('/tokens', { role: 'viewer' }), getStage]) {
      const { res, body } = await call(gone, event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(body).error).toEqual({ code: 'NOT_FOUND', message: 'stage not found' });
    }
  });

  it('rejects client mistakes before IVS is asked, with the field named', async () => {
    const { res, body } = await call(handler, postJson('/tokens', { role: 'viewer', durationMinutes: 7200 * 60 }));
    expect(res.statusCode).toBe(400);
    expect(ErrorBody.parse(body).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'durationMinutes' });
  });
});

describe('self-signed minting with a key imported into the emulator', () => {
  let stageArn: string;
  let publicKeyArn: string;
  let privateKeyPem: string;
  let dir: string;
  beforeAll(async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyMaterial = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    publicKeyArn = (await sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial, name: 'token-api-test' }))).publicKey?.arn ?? '';
    stageArn = (await sb.ivs.send(new CreateStageCommand({ name: 'self-signed-stage' }))).stage?.arn ?? '';
    dir = mkdtempSync(join(tmpdir(), 'token-sandbox-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs tokens the sandbox accepts (kid = the imported key ARN, endpoints read once from GetStage)', async () => {
    let loads = 0;
    const handler = handlerFor({ stageArn, minting: 'self-signed', publicKeyArn }, sb.ivs, () => {
      loads++;
      return Promise.resolve(privateKeyPem);
    });
    const viewer = await mint(handler, postJson('/tokens', { role: 'viewer', userId: 'dora' }));
    const publisher = await mint(handler, postJson('/auth/tokens', { role: 'publisher' }, { claims: PUBLISHER }));
    expect(loads).toBe(1);
    for (const t of [viewer, publisher]) {
      expect(t.minting).toBe('self-signed');
      expect(decodeProtectedHeader(t.token)).toEqual({ alg: 'ES384', typ: 'JWT', kid: publicKeyArn });
      const verified = await sb.app.sandbox.verifier.verify(t.token);
      expect(verified).toMatchObject({ stageArn, participantId: t.participantId, userId: t.userId, capabilities: t.capabilities });
    }
    const { sessionId } = await joinStage(viewer.token);
    expect(sessionId).toMatch(/^st-/);
  });

  it('CLI: --self-signed with the imported key, and --stage --endpoint against the emulator', async () => {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKeyPem);
    const runCli = async (argv: string[]) => {
      let out = '';
      let err = '';
      const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
      return { code, token: out.trim(), err };
    };
    const signed = await runCli(['--role', 'viewer', '--user', 'erin', '--self-signed', keyFile, '--public-key-arn', publicKeyArn, '--stage', stageArn, '--endpoint', sb.url]);
    expect(signed.code).toBe(0);
    issuedTokens.push(signed.token);
    expect(await sb.app.sandbox.verifier.verify(signed.token)).toMatchObject({ userId: 'erin', stageArn });

    const viaSdk = await runCli(['--role', 'publisher', '--user', 'fred', '--minutes', '5', '--stage', stageArn, '--endpoint', sb.url]);
    expect(viaSdk.code).toBe(0);
    issuedTokens.push(viaSdk.token);
    expect(await sb.app.sandbox.verifier.verify(viaSdk.token)).toMatchObject({ userId: 'fred', capabilities: ['PUBLISH', 'SUBSCRIBE'] });

    const viaApi = await runCli(['--role', 'viewer', '--user', 'gina', '--api', `${sb.url}/api`]);
    expect(viaApi.code).toBe(0);
    issuedTokens.push(viaApi.token);
    expect(await sb.app.sandbox.verifier.verify(viaApi.token)).toMatchObject({ userId: 'gina', stageArn: sb.app.sandbox.defaultStageArn });
    for (const r of [signed, viaSdk, viaApi]) expect(r.err).not.toContain(r.token);
  });

  it('stops being accepted once the public key is deleted', async () => {
    const handler = handlerFor({ stageArn, minting: 'self-signed', publicKeyArn }, sb.ivs, () => Promise.resolve(privateKeyPem));
    const viewer = await mint(handler, postJson('/tokens', { role: 'viewer' }));
    await sb.ivs.send(new DeletePublicKeyCommand({ arn: publicKeyArn }));
    await expect(sb.app.sandbox.verifier.verify(viewer.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID_SIGNATURE' });
  });
});
