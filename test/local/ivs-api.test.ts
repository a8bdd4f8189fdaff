/**
 * The IVS control-plane emulator through the real, unmodified @aws-sdk/client-ivs-realtime client over HTTP:
 * every emulated operation, IVS's validation limits, not-found, quotas, conflicts and pagination; plus raw HTTP for
 * what the SDK never sends (missing SigV4, non-JSON bodies, unknown operations).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeletePublicKeyCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetParticipantCommand,
  GetPublicKeyCommand,
  GetStageCommand,
  GetStageSessionCommand,
  ImportPublicKeyCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
  ListPublicKeysCommand,
  ListStageSessionsCommand,
  ListStagesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStageCommand,
  ValidationException,
} from '@aws-sdk/client-ivs-realtime';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { IvsTokenClaims } from '../../contracts/ivs-token.js';
import { EventsClient, type RunningSandbox, SIGV4_HEADER, startSandbox } from './helpers.js';

/** The SDK error's name and HTTP status, or a failure if the call succeeded. */
async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err: unknown) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const p384Pem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ quotas: { stages: 12, publicKeys: 3 } });
});
afterAll(async () => {
  await sb.close();
});

describe('stages', () => {
  it('has a default stage named sandbox-stage at start', async () => {
    const out = await sb.ivs.send(new GetStageCommand({ arn: sb.app.sandbox.defaultStageArn }));
    expect(out.stage?.name).toBe('sandbox-stage');
    expect(out.stage?.arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:stage\/[a-zA-Z0-9]{12}$/);
  });

  it('creates, reads, updates, lists and deletes a stage, with endpoints on this server', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'my-stage', tags: { team: 'qa' } }));
    const arn = created.stage?.arn ?? '';
    const port = new URL(sb.url).port;
    expect(created.stage?.endpoints).toEqual({
      events: `ws://127.0.0.1:${port}/events`,
      whip: `http://127.0.0.1:${port}/whip`,
      rtmp: 'rtmp://127.0.0.1:1935/app/',
      rtmps: 'rtmps://127.0.0.1:443/app/',
    });
    expect(created.stage?.tags).toEqual({ team: 'qa' });
    expect(created.participantTokens).toEqual([]);

    const updated = await sb.ivs.send(new UpdateStageCommand({ arn, name: 'renamed' }));
    expect(updated.stage?.name).toBe('renamed');
    expect((await sb.ivs.send(new GetStageCommand({ arn }))).stage?.name).toBe('renamed');

    const listed = await sb.ivs.send(new ListStagesCommand({ maxResults: 100 }));
    expect(listed.stages?.map((s) => s.arn)).toContain(arn);

    await sb.ivs.send(new DeleteStageCommand({ arn }));
    const gone = await errorOf(sb.ivs.send(new GetStageCommand({ arn })));
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await errorOf(sb.ivs.send(new DeleteStageCommand({ arn })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates participant tokens along with the stage (participantTokenConfigurations)', async () => {
    const created = await sb.ivs.send(
      new CreateStageCommand({
        name: 'with-tokens',
        participantTokenConfigurations: [{ userId: 'host', capabilities: ['PUBLISH'], duration: 60 }, { userId: 'guest' }],
      }),
    );
    expect(created.participantTokens?.map((t) => [t.userId, t.capabilities, t.duration])).toEqual([
      ['host', ['PUBLISH'], 60],
      ['guest', ['PUBLISH', 'SUBSCRIBE'], 720],
    ]);
    await sb.ivs.send(new DeleteStageCommand({ arn: created.stage?.arn }));
  });

  it('pages ListStages with nextToken/maxResults and rejects a token from another listing', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push((await sb.ivs.send(new CreateStageCommand({ name: `page-${i}` }))).stage?.arn ?? '');
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sb.ivs.send(new ListStagesCommand({ maxResults: 2, nextToken }));
      expect(page.stages?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.stages ?? []).map((s) => s.arn ?? ''));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const arn of arns) expect(seen).toContain(arn);

    const first = await sb.ivs.send(new ListStagesCommand({ maxResults: 1 }));
    const foreign = await errorOf(sb.ivs.send(new ListPublicKeysCommand({ nextToken: first.nextToken })));
    expect(foreign).toMatchObject({ name: 'ValidationException', status: 400 });
    for (const arn of arns) await sb.ivs.send(new DeleteStageCommand({ arn }));
  });

  it('validates like IVS: ARN patterns, names, maxResults bounds, tags', async () => {
    const bad = [
      sb.ivs.send(new GetStageCommand({ arn: 'arn:aws:ivs:us-east-1:123456789012:channel/abc' })),
      sb.ivs.send(new CreateStageCommand({ name: 'no spaces allowed' })),
      sb.ivs.send(new CreateStageCommand({ name: 'x'.repeat(129) })),
      sb.ivs.send(new ListStagesCommand({ maxResults: 0 })),
      sb.ivs.send(new ListStagesCommand({ maxResults: 101 })),
      sb.ivs.send(new CreateStageCommand({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })),
      sb.ivs.send(new CreateStageCommand({ participantTokenConfigurations: Array.from({ length: 13 }, () => ({})) })),
      sb.ivs.send(new CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: 'x' } })),
    ];
    for (const call of bad) {
      const err = await errorOf(call);
      expect(err).toMatchObject({ name: 'ValidationException', status: 400 });
    }
    const arnErr = await errorOf(sb.ivs.send(new GetStageCommand({ arn: 'not-an-arn' })));
    expect(arnErr.message).toMatch(/Value at 'arn' failed to satisfy constraint/);
  });

  it('enforces the stage quota with ServiceQuotaExceededException (402)', async () => {
    const made: string[] = [];
    let err;
    for (let i = 0; i < 20 && !err; i++) {
      try {
        made.push((await sb.ivs.send(new CreateStageCommand({}))).stage?.arn ?? '');
      } catch (e: unknown) {
        err = e as { name: string; $metadata: { httpStatusCode?: number } };
      }
    }
    expect(err?.name).toBe('ServiceQuotaExceededException');
    expect(err?.$metadata.httpStatusCode).toBe(402);
    expect(made.length + 1).toBe(12); // the default stage plus what fit
    for (const arn of made) await sb.ivs.send(new DeleteStageCommand({ arn }));
  });
});

describe('participant tokens', () => {
  it('issues an ES384 token with the IVS claim layout, signed by the sandbox key', async () => {
    const stageArn = sb.app.sandbox.defaultStageArn;
    const out = await sb.ivs.send(
      new CreateParticipantTokenCommand({ stageArn, userId: 'alice', attributes: { role: 'host' }, duration: 30 }),
    );
    const t = out.participantToken;
    expect(t?.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(t?.duration).toBe(30);
    expect(t?.participantId).toMatch(/^[a-zA-Z0-9]{12}$/);
    const header = decodeProtectedHeader(t?.token ?? '');
    expect(header).toMatchObject({ alg: 'ES384', kid: sb.app.sandbox.signingKey.kid });
    const claims = IvsTokenClaims.parse(decodeJwt(t?.token ?? ''));
    expect(claims).toMatchObject({ jti: t?.participantId, resource: stageArn, user_id: 'alice', attributes: { role: 'host' } });
    expect(claims.exp - claims.iat).toBe(30 * 60);
    expect(t?.expirationTime?.getTime()).toBe(claims.exp * 1000);
    const verified = await sb.app.sandbox.verifier.verify(t?.token ?? '');
    expect(verified).toMatchObject({ participantId: t?.participantId, userId: 'alice', capabilities: ['PUBLISH', 'SUBSCRIBE'] });
  });

  it('rejects durations outside 1-20160 minutes, long userIds, attributes over 1 KB, unknown stages', async () => {
    const stageArn = sb.app.sandbox.defaultStageArn;
    for (const input of [
      { stageArn, duration: 0 },
      { stageArn, duration: 20_161 },
      { stageArn, userId: 'u'.repeat(129) },
      { stageArn, attributes: { big: 'x'.repeat(1024) } },
    ]) {
      const err = await errorOf(sb.ivs.send(new CreateParticipantTokenCommand(input)));
      expect(err).toMatchObject({ name: 'ValidationException', status: 400 });
    }
    const edge = await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, duration: 20_160, userId: 'u'.repeat(128) }));
    expect(edge.participantToken?.duration).toBe(20_160);
    const missing = await errorOf(
      sb.ivs.send(new CreateParticipantTokenCommand({ stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/doesNotExist' })),
    );
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('sessions, participants and events', () => {
  it('records a session from first join to last leave, with participants and their events', async () => {
    const stageArn = (await sb.ivs.send(new CreateStageCommand({ name: 'session-stage' }))).stage?.arn ?? '';
    const mint = async (userId: string) =>
      (await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, userId }))).participantToken ?? {};
    const a = await mint('alice');
    const b = await mint('bob');

    const alice = new EventsClient(sb.url);
    const welcome = await alice.join(a.token ?? '');
    const bob = new EventsClient(sb.url);
    await bob.join(b.token ?? '');

    const stage = (await sb.ivs.send(new GetStageCommand({ arn: stageArn }))).stage;
    expect(stage?.activeSessionId).toBe(welcome.sessionId);
    const sessionId = welcome.sessionId;
    expect(sessionId).toMatch(/^st-[a-zA-Z0-9]{13}$/);

    const sessions = await sb.ivs.send(new ListStageSessionsCommand({ stageArn }));
    expect(sessions.stageSessions?.map((s) => s.sessionId)).toEqual([sessionId]);
    expect((await sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId }))).stageSession?.endTime).toBeUndefined();

    const all = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId }));
    expect(all.participants?.map((p) => [p.userId, p.state, p.published]).sort()).toEqual([
      ['alice', 'CONNECTED', false],
      ['bob', 'CONNECTED', false],
    ]);
    const page1 = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, maxResults: 1 }));
    const page2 = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, maxResults: 1, nextToken: page1.nextToken }));
    expect(page2.nextToken).toBeUndefined();
    expect([page1.participants?.[0]?.userId, page2.participants?.[0]?.userId].sort()).toEqual(['alice', 'bob']);
    expect(
      await errorOf(sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, filterByUserId: 'alice', filterByState: 'CONNECTED' }))),
    ).toMatchObject({ name: 'ValidationException' });

    // The SFU reports publishing through the hub; IVS records it as PUBLISH_STARTED and published=true.
    const aliceVerified = await sb.app.sandbox.verifier.verify(a.token ?? '');
    sb.app.sandbox.hub.publishStarted(aliceVerified);
    const got = await sb.ivs.send(new GetParticipantCommand({ stageArn, sessionId, participantId: a.participantId }));
    expect(got.participant).toMatchObject({ userId: 'alice', state: 'CONNECTED', published: true, attributes: {} });
    expect(got.participant?.firstJoinTime).toBeInstanceOf(Date);
    const published = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, filterByPublished: true }));
    expect(published.participants?.map((p) => p.userId)).toEqual(['alice']);

    bob.close();
    await bob.closed;
    await alice.nextOf('participantLeft');
    const bobState = await sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId, filterByState: 'DISCONNECTED' }));
    expect(bobState.participants?.map((p) => p.userId)).toEqual(['bob']);
    const bobEvents = await sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: b.participantId }));
    expect(bobEvents.events?.map((e) => e.name)).toEqual(['JOINED', 'LEFT']);

    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: a.participantId, reason: 'test over' }));
    const bye = await alice.nextOf('disconnected');
    expect(bye.reason).toBe('disconnectedByApi');
    expect(bye.message).toContain('test over');
    expect((await alice.closed).code).toBe(4410);

    const aliceEvents = await sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: a.participantId }));
    expect(aliceEvents.events?.map((e) => e.name)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    const ended = await sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId }));
    expect(ended.stageSession?.endTime).toBeInstanceOf(Date);
    expect((await sb.ivs.send(new GetStageCommand({ arn: stageArn }))).stage?.activeSessionId).toBeUndefined();

    const events1 = await sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: a.participantId, maxResults: 3 }));
    expect(events1.events).toHaveLength(3);
    const events2 = await sb.ivs.send(
      new ListParticipantEventsCommand({ stageArn, sessionId, participantId: a.participantId, maxResults: 3, nextToken: events1.nextToken }),
    );
    expect(events2.events?.map((e) => e.name)).toEqual(['LEFT']);
    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
  });

  it('answers unknown sessions, participants and disconnects with ResourceNotFoundException', async () => {
    const stageArn = sb.app.sandbox.defaultStageArn;
    const sessionId = 'st-AAAAAAAAAAAAA';
    const calls = [
      sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId })),
      sb.ivs.send(new ListParticipantsCommand({ stageArn, sessionId })),
      sb.ivs.send(new GetParticipantCommand({ stageArn, sessionId, participantId: 'nobody' })),
      sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: 'nobody' })),
      sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: 'nobody' })),
      sb.ivs.send(new ListStageSessionsCommand({ stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/gone' })),
    ];
    for (const call of calls) expect(await errorOf(call)).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const badSession = await errorOf(sb.ivs.send(new GetStageSessionCommand({ stageArn, sessionId: 'session-1' })));
    expect(badSession).toMatchObject({ name: 'ValidationException' });
  });
});

describe('public keys', () => {
  it('imports, reads, lists (paged), rejects duplicates and bad keys, and deletes', async () => {
    const material = p384Pem();
    const imported = await sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: material, name: 'my-key', tags: { a: 'b' } }));
    const arn = imported.publicKey?.arn ?? '';
    expect(arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:public-key\/[a-zA-Z0-9]{12}$/);
    expect(imported.publicKey?.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect((await sb.ivs.send(new GetPublicKeyCommand({ arn }))).publicKey).toMatchObject({ name: 'my-key', publicKeyMaterial: material });

    const dup = await errorOf(sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: material })));
    expect(dup).toMatchObject({ name: 'ConflictException', status: 409 });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await errorOf(sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: p256 })))).toMatchObject({ name: 'ValidationException' });
    expect(await errorOf(sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: 'hello' })))).toMatchObject({ name: 'ValidationException' });

    const second = await sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384Pem() }));
    const page1 = await sb.ivs.send(new ListPublicKeysCommand({ maxResults: 1 }));
    const page2 = await sb.ivs.send(new ListPublicKeysCommand({ maxResults: 1, nextToken: page1.nextToken }));
    expect([page1.publicKeys?.[0]?.arn, page2.publicKeys?.[0]?.arn].sort()).toEqual([arn, second.publicKey?.arn].sort());

    await sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384Pem() }));
    const quota = await errorOf(sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384Pem() })));
    expect(quota).toMatchObject({ name: 'ServiceQuotaExceededException', status: 402 });

    for (const k of (await sb.ivs.send(new ListPublicKeysCommand({}))).publicKeys ?? []) {
      await sb.ivs.send(new DeletePublicKeyCommand({ arn: k.arn }));
    }
    expect(await errorOf(sb.ivs.send(new GetPublicKeyCommand({ arn })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await errorOf(sb.ivs.send(new DeletePublicKeyCommand({ arn })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('tags', () => {
  it('tags, lists and untags a stage', async () => {
    const resourceArn = sb.app.sandbox.defaultStageArn;
    await sb.ivs.send(new TagResourceCommand({ resourceArn, tags: { env: 'sandbox', owner: 'me' } }));
    expect((await sb.ivs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ env: 'sandbox', owner: 'me' });
    await sb.ivs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner'] }));
    expect((await sb.ivs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ env: 'sandbox' });
    const missing = 'arn:aws:ivs:us-east-1:123456789012:stage/nothere';
    expect(await errorOf(sb.ivs.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('more IVS limits', () => {
  it('validates participant ids, reasons, event paging and attribute bytes (UTF-8, not characters)', async () => {
    const stageArn = sb.app.sandbox.defaultStageArn;
    const sessionId = 'st-AAAAAAAAAAAAA';
    const bad = [
      sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: 'abc', reason: 'r'.repeat(129) })),
      sb.ivs.send(new GetParticipantCommand({ stageArn, sessionId, participantId: 'has space' })),
      sb.ivs.send(new GetParticipantCommand({ stageArn, sessionId, participantId: 'p'.repeat(65) })),
      sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: 'abc', maxResults: 0 })),
      sb.ivs.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: 'abc', maxResults: 101 })),
      sb.ivs.send(new ListStageSessionsCommand({ stageArn, maxResults: 101 })),
      // 342 characters but 1026 bytes: IVS counts bytes.
      sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, attributes: { e: '\u20ac'.repeat(342) } })),
      sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, duration: 1.5 })),
      sb.ivs.send(new UntagResourceCommand({ resourceArn: stageArn, tagKeys: [] })),
    ];
    for (const call of bad) expect(await errorOf(call)).toMatchObject({ name: 'ValidationException', status: 400 });

    const exact = await sb.ivs.send(new CreateParticipantTokenCommand({ stageArn, attributes: { k: 'v'.repeat(1023) } }));
    expect(exact.participantToken?.attributes?.['k']).toHaveLength(1023);
    const longName = await sb.ivs.send(new CreateStageCommand({ name: 'n'.repeat(128) }));
    expect(longName.stage?.name).toHaveLength(128);
    await sb.ivs.send(new DeleteStageCommand({ arn: longName.stage?.arn }));
  });

  it('tags public keys too, and caps a resource at 50 tags', async () => {
    const key = await sb.ivs.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384Pem(), tags: { a: '1' } }));
    const resourceArn = key.publicKey?.arn ?? '';
    await sb.ivs.send(new TagResourceCommand({ resourceArn, tags: { b: '2' } }));
    expect((await sb.ivs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ a: '1', b: '2' });
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    expect(await errorOf(sb.ivs.send(new TagResourceCommand({ resourceArn, tags: many })))).toMatchObject({ name: 'ValidationException' });
    expect(Object.keys((await sb.ivs.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? {})).toEqual(['a', 'b']);
    await sb.ivs.send(new DeletePublicKeyCommand({ arn: resourceArn }));
    expect(await errorOf(sb.ivs.send(new ListTagsForResourceCommand({ resourceArn })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('wire protocol details the SDK never exercises', () => {
  const post = (path: string, init: { body?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${sb.url}${path}`, { method: 'POST', body: init.body, headers: { authorization: SIGV4_HEADER, ...init.headers } });

  it('requires a SigV4-shaped Authorization header (AccessDeniedException) but not a valid signature', async () => {
    const res = await fetch(`${sb.url}/ListStages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await res.json()).toMatchObject({ exceptionMessage: expect.stringContaining('SigV4') });
    const ok = await post('/ListStages', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers bad bodies with AWS-shaped ValidationExceptions', async () => {
    const cases = [
      { body: 'arn=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { body: '{not json', headers: { 'content-type': 'application/json' } },
      { body: '[1,2]', headers: { 'content-type': 'application/json' } },
      { body: JSON.stringify({ arn: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } },
    ];
    for (const c of cases) {
      const res = await post('/GetStage', c);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
      const body = (await res.json()) as { exceptionMessage: string };
      expect(body.exceptionMessage.length).toBeGreaterThan(0);
    }
  });

  it('treats JSON nulls as absent members, as AWS does', async () => {
    const res = await post('/ListStages', { body: '{"nextToken":null,"maxResults":null}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('names unknown and not-emulated operations', async () => {
    const unknown = await post('/FlyToTheMoon', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const composition = await post('/StartComposition', { body: '{}', headers: { 'content-type': 'application/json' } });
    // Not an IAM-looking denial: the sandbox understood the call and says it leaves it out.
    expect(composition.status).toBe(400);
    expect(composition.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(((await composition.json()) as { message: string }).message).toMatch(/StartComposition is not emulated by the sandbox/);
  });

  it('looks operation names up in its own table only: prototype names are unknown operations', async () => {
    for (const name of ['__proto__', 'hasOwnProperty', 'constructor', 'toString', 'valueOf', '__defineGetter__', 'isPrototypeOf']) {
      const res = await post(`/${name}`, { body: '{}', headers: { 'content-type': 'application/json' } });
      expect({ name, status: res.status, type: res.headers.get('x-amzn-errortype') }).toEqual({
        name,
        status: 404,
        type: 'UnknownOperationException',
      });
    }
  });

  it('refuses a JSON body that is not valid UTF-8 instead of replacing the bytes', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await fetch(`${sb.url}/CreateStage`, {
      method: 'POST',
      body,
      headers: { authorization: SIGV4_HEADER, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/not valid JSON \(UTF-8\)/);
  });

  it('keeps serving after a burst of garbage', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => post('/CreateStage', { body: '\u0000'.repeat(i * 10), headers: { 'content-type': 'application/json' } })),
    );
    const out = await sb.ivs.send(new ListStagesCommand({}));
    expect(out.stages?.length).toBeGreaterThan(0);
  });
});

describe('IVS model conformance', () => {
  const raw = (path: string, body: unknown, method = 'POST') =>
    fetch(`${sb.url}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: SIGV4_HEADER, 'content-type': 'application/json' },
    });

  it('accepts storageConfigurationArn "" (recording off) on CreateStage and UpdateStage, and reports it', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'rec-off', autoParticipantRecordingConfiguration: { storageConfigurationArn: '' } }));
    const arn = created.stage?.arn ?? '';
    expect(created.stage?.autoParticipantRecordingConfiguration).toMatchObject({ storageConfigurationArn: '', mediaTypes: ['AUDIO_VIDEO'] });
    const updated = await sb.ivs.send(new UpdateStageCommand({ arn, autoParticipantRecordingConfiguration: { storageConfigurationArn: '' } }));
    expect(updated.stage?.autoParticipantRecordingConfiguration?.storageConfigurationArn).toBe('');
    const fetched = await sb.ivs.send(new GetStageCommand({ arn }));
    expect(fetched.stage?.autoParticipantRecordingConfiguration?.thumbnailConfiguration?.recordingMode).toBe('DISABLED');
    const err = await errorOf(
      sb.ivs.send(new UpdateStageCommand({ arn, autoParticipantRecordingConfiguration: { storageConfigurationArn: 'arn:aws:ivs:us-east-1:123456789012:storage-configuration/abc' } })),
    );
    expect(err).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('does not emulate recording') });
    await sb.ivs.send(new DeleteStageCommand({ arn }));
  });

  it('lists the rtmp and rtmps endpoints of a stage, as IVS does', async () => {
    const { stage } = await sb.ivs.send(new GetStageCommand({ arn: sb.app.sandbox.defaultStageArn }));
    expect(stage?.endpoints).toEqual({
      events: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/events$/),
      whip: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/whip$/),
      rtmp: 'rtmp://127.0.0.1:1935/app/',
      rtmps: 'rtmps://127.0.0.1:443/app/',
    });
  });

  it('takes participant ids with an underscore on DisconnectParticipant (ParticipantTokenId pattern)', async () => {
    const stageArn = sb.app.sandbox.defaultStageArn;
    // Well-formed but unknown: the pattern passes, so the answer is not-found rather than a validation error.
    const err = await errorOf(sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: 'abc_DEF-123' })));
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const bad = await errorOf(sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: 'has space' })));
    expect(bad).toMatchObject({ name: 'ValidationException' });
  });

  it('refuses the reserved aws: tag prefix on create, tag and untag', async () => {
    const resourceArn = sb.app.sandbox.defaultStageArn;
    for (const call of [
      () => sb.ivs.send(new CreateStageCommand({ tags: { 'aws:owner': 'x' } })),
      () => sb.ivs.send(new TagResourceCommand({ resourceArn, tags: { 'AWS:cloudformation:stack-name': 'x' } })),
      () => sb.ivs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['aws:owner'] })),
    ]) {
      const err = await errorOf(call());
      expect(err).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('reserved prefix aws:') });
    }
  });

  it('stores prototype-named tag keys as plain data and never answers from the object prototype', async () => {
    const resourceArn = sb.app.sandbox.defaultStageArn;
    // Raw JSON: `__proto__` must arrive as an own member, which JSON.stringify of an object literal can't express.
    const tagged = await fetch(`${sb.url}/tags/${encodeURIComponent(resourceArn)}`, {
      method: 'POST',
      body: '{"tags":{"__proto__":"p","constructor":"c","toString":"t"}}',
      headers: { authorization: SIGV4_HEADER, 'content-type': 'application/json' },
    });
    expect(tagged.status).toBe(200);
    const listed = await fetch(`${sb.url}/tags/${encodeURIComponent(resourceArn)}`, { headers: { authorization: SIGV4_HEADER } });
    const text = await listed.text();
    expect(text).toContain('"__proto__":"p"');
    const tags = (JSON.parse(text) as { tags: Record<string, unknown> }).tags;
    expect(Object.entries(tags)).toEqual(expect.arrayContaining([['__proto__', 'p'], ['constructor', 'c'], ['toString', 't']]));
    const untag = await fetch(`${sb.url}/tags/${encodeURIComponent(resourceArn)}?tagKeys=__proto__&tagKeys=constructor&tagKeys=toString&tagKeys=hasOwnProperty`, {
      method: 'DELETE',
      headers: { authorization: SIGV4_HEADER },
    });
    expect(untag.status).toBe(200);
    const after = (await (await fetch(`${sb.url}/tags/${encodeURIComponent(resourceArn)}`, { headers: { authorization: SIGV4_HEADER } })).json()) as {
      tags: Record<string, unknown>;
    };
    expect(Object.keys(after.tags).filter((k) => ['__proto__', 'constructor', 'toString'].includes(k))).toEqual([]);
    // Prototype-named attributes reach the token as data too.
    const tokenRes = await raw('/CreateParticipantToken', undefined);
    expect(tokenRes.status).toBe(400);
    const withAttrs = await fetch(`${sb.url}/CreateParticipantToken`, {
      method: 'POST',
      body: `{"stageArn":"${resourceArn}","attributes":{"__proto__":"a","constructor":"b"}}`,
      headers: { authorization: SIGV4_HEADER, 'content-type': 'application/json' },
    });
    const minted = (await withAttrs.json()) as { participantToken: { token: string } };
    expect(decodeJwt(minted.participantToken.token)['attributes']).toEqual(JSON.parse('{"__proto__":"a","constructor":"b"}'));
  });
});

// Keep the typed exception classes in use: the SDK maps x-amzn-ErrorType to them.
describe('exception classes', () => {
  it('are the SDK typed classes', async () => {
    await expect(sb.ivs.send(new GetStageCommand({ arn: 'arn:aws:ivs:us-east-1:123456789012:stage/none' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(sb.ivs.send(new ListStagesCommand({ maxResults: 1000 }))).rejects.toBeInstanceOf(ValidationException);
  });
});
