/**
 * The IVS driver against the REAL amazon-ivs-web-broadcast SDK, in headless Chromium, with only its network
 * boundary faked:
 *  - the events WebSocket (`events_url`, wss://*.live-video.net) is answered by playwright's routeWebSocket with
 *    the messages the SDK parses (aws:ivs:STAGE_STATE, SUBSCRIBER_COUNT, JOIN_ERROR, DISCONNECT): their shapes were
 *    read from the SDK bundle, not from AWS documentation, so they are what this SDK version accepts, and a real
 *    IVS server may send more fields;
 *  - every HTTP request to anything but 127.0.0.1 (the SDK's analytics beacon, device config, WHIP subscribe) is
 *    answered 204 by page.route, so nothing leaves the machine;
 *  - tokens have the IVS claim layout but a placeholder signature (the SDK does not verify signatures; IVS does).
 * No media flows: a publisher in the fake stage state makes the SDK try to subscribe, and that request is answered
 * with nothing useful. What is real: the SDK's token parsing, its join state machine and event emission, and our
 * driver's mapping of all of that to StageClient events, states and typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { buildIvsTokenClaims } from '../../contracts/ivs-token.js';
import { serveBundle, type ServedBundle } from './helpers/bundle-server.js';
import { launchChromium, newPage, watchConsole } from './helpers/chromium.js';
import type { JoinRequest, JoinResult, Recorded } from './helpers/ivs-driver-entry.js';
import { pollUntil } from './helpers/poll.js';

const TEST_TIMEOUT_MS = 90_000;
const STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456';
const SELF = 'pSelf0000001';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function ivsToken(overrides: Record<string, unknown> = {}, nowMs = Date.now()): string {
  const claims = buildIvsTokenClaims({
    stageArn: STAGE_ARN,
    eventsUrl: 'wss://global.events.live-video.net',
    whipUrl: 'https://abcdef123456.global-bm.whip.live-video.net',
    capabilities: ['PUBLISH', 'SUBSCRIBE'],
    userId: 'self',
    durationMinutes: 60,
    participantId: SELF,
    nowMs,
  });
  return `${b64url({ alg: 'ES384', typ: 'JWT', kid: 'arn:aws:ivs:us-east-1:123456789012:public-key/test' })}.${b64url({ ...claims, ...overrides })}.c2lnbmF0dXJl`;
}

interface FakeParticipant {
  readonly id: string;
  readonly userId: string;
  readonly isPublishing: boolean;
  readonly audioMuted?: boolean;
  readonly videoStopped?: boolean;
}

function participant(p: FakeParticipant): Record<string, unknown> {
  return { audioMuted: false, videoStopped: false, attributes: {}, ...p };
}

const self = participant({ id: SELF, userId: 'self', isPublishing: false });

function send(ws: WebSocketRoute, type: string, payload: unknown): void {
  ws.send(JSON.stringify({ type: `aws:ivs:${type}`, payload }));
}

function stageState(ws: WebSocketRoute, sequenceNumber: number, participants: readonly Record<string, unknown>[]): void {
  send(ws, 'STAGE_STATE', { sequenceNumber, participants });
}

/** One fake events server per page: `onConnect` gets each WebSocket the SDK opens and its index (0, 1 ...). */
interface Harness {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly sockets: string[];
  readonly outside: Set<string>;
  readonly consoleTail: () => string;
  join(request: Omit<JoinRequest, 'token'> & { token?: string }): Promise<JoinResult>;
  events(): Promise<Recorded[]>;
  waitFor(what: string, check: (events: Recorded[]) => boolean): Promise<Recorded[]>;
}

let browser: Browser;
let served: ServedBundle;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  served = await serveBundle({ ivs: new URL('./helpers/ivs-driver-entry.ts', import.meta.url).pathname });
  browser = await launchChromium();
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await served?.close();
});

async function harness(onConnect: (ws: WebSocketRoute, index: number) => void): Promise<Harness> {
  const { page, context } = await newPage(browser);
  contexts.push(context);
  const consoleTail = watchConsole(page);
  const sockets: string[] = [];
  const outside = new Set<string>();
  // Everything that is not our own 127.0.0.1 page server: the SDK's beacons and WHIP calls. Never reaches a network.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    outside.add(new URL(route.request().url()).hostname);
    return route.fulfill({ status: 204, body: '' });
  });
  await page.routeWebSocket(/.*/, (ws) => {
    sockets.push(ws.url());
    onConnect(ws, sockets.length - 1);
  });
  await page.goto(`${served.url}/ivs.html`);
  await page.waitForFunction(() => 'ivsHarness' in window);
  const events = (): Promise<Recorded[]> => page.evaluate(() => window.ivsHarness.events.slice());
  return {
    page,
    context,
    sockets,
    outside,
    consoleTail,
    join: (request) => page.evaluate((r) => window.ivsHarness.join(r), { token: ivsToken(), ...request }),
    events,
    waitFor: (what, check) => pollUntil(events, check, what, 30_000),
  };
}

const states = (events: Recorded[]): string[] =>
  events.flatMap((e) => (e.type === 'state' ? [`${e.state}${e.reason ? `:${e.reason}` : ''}`] : []));

describe('IvsStageClient with the real Web Broadcast SDK (network faked)', () => {
  it('joins through the SDK and maps stage state to typed participant and count events', async () => {
    const h = await harness((ws) => {
      stageState(ws, 1, [self, participant({ id: 'pBob', userId: 'bob', isPublishing: false }), participant({ id: 'pCarol', userId: 'carol', isPublishing: true })]);
    });
    const result = await h.join({ subscribe: true });
    expect(result).toEqual({ driver: 'ivs', ok: true });
    // The SDK opened the events socket from the token's events_url and stage topic.
    expect(h.sockets[0]).toMatch(/^wss:\/\/global\.events\.live-video\.net\/\?.*topic=AbCdEf123456\/publishers/);

    const events = await h.waitFor('both remote participants', (ev) => ev.filter((e) => e.type === 'joined').length === 2);
    const joined = events.filter((e) => e.type === 'joined');
    // Never the local participant; bob is on the stage without publishing, carol publishes.
    expect(joined).toEqual([
      { type: 'joined', id: 'pBob', userId: 'bob', published: false, audioMuted: false, videoMuted: false, hasStream: false },
      { type: 'joined', id: 'pCarol', userId: 'carol', published: true, audioMuted: false, videoMuted: false, hasStream: false },
    ]);
    expect(events.filter((e) => e.type === 'counts').at(-1)).toEqual({ type: 'counts', publishers: 1, subscribers: null });
    expect(states(events)).toEqual(['connecting', 'connected']);
    expect(h.consoleTail()).not.toMatch(/pageerror/);
  }, TEST_TIMEOUT_MS);

  it('reports the subscriber count and participants leaving', async () => {
    let socket: WebSocketRoute | null = null;
    const h = await harness((ws) => {
      socket = ws;
      stageState(ws, 1, [self, participant({ id: 'pCarol', userId: 'carol', isPublishing: true })]);
    });
    expect((await h.join({ subscribe: true })).ok).toBe(true);
    await h.waitFor('carol', (ev) => ev.some((e) => e.type === 'joined' && e.userId === 'carol'));
    const ws = socket as WebSocketRoute | null;
    if (!ws) throw new Error('no events socket');
    send(ws, 'SUBSCRIBER_COUNT', { count: 7, sequenceNumber: 1 });
    await h.waitFor('subscriber count 7', (ev) => ev.some((e) => e.type === 'counts' && e.subscribers === 7));
    stageState(ws, 2, [self]);
    const events = await h.waitFor('carol left', (ev) => ev.some((e) => e.type === 'left'));
    expect(events.filter((e) => e.type === 'left')).toEqual([{ type: 'left', id: 'pCarol', userId: 'carol' }]);
    expect(events.filter((e) => e.type === 'counts').at(-1)).toEqual({ type: 'counts', publishers: 0, subscribers: 7 });
  }, TEST_TIMEOUT_MS);

  it.each([
    ['TOKEN_EXPIRED', 'tokenExpired'],
    ['TOKEN_INVALID', 'tokenMalformed'],
    // The SDK folds a bad signature into its "malformed" code; the page says to get a new token either way.
    ['TOKEN_INVALID_SIGNATURE', 'tokenMalformed'],
    ['STAGE_DELETED', 'stageNotFound'],
  ])('a JOIN_ERROR %s from the server rejects join() with StageError %s and state Failed', async (code, reason) => {
    const h = await harness((ws) => send(ws, 'JOIN_ERROR', { code, message: `fake server says ${code}` }));
    const result = await h.join({ subscribe: true });
    expect(result).toMatchObject({ driver: 'ivs', ok: false, error: { name: 'StageError', reason } });
    const events = await h.events();
    expect(states(events)).toEqual(['connecting', `failed:${reason}`]);
    expect(await h.page.evaluate(() => window.ivsHarness.state())).toBe('failed');
  }, TEST_TIMEOUT_MS);

  it('an expired token is refused by the SDK itself (not only by our pre-check) as tokenExpired', async () => {
    const issued = Date.now() - 2 * 3_600_000;
    const token = ivsToken({}, issued); // expired an hour ago
    const h = await harness(() => undefined);
    // The driver's clock says the token is still valid, so the SDK is what refuses it.
    const result = await h.join({ token, subscribe: true, nowMs: issued + 60_000 });
    expect(result).toMatchObject({ ok: false, error: { name: 'StageError', reason: 'tokenExpired' } });
    expect(h.sockets).toEqual([]);
    expect(states(await h.events())).toEqual(['connecting', 'failed:tokenExpired']);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['PARTICIPANT_DISCONNECTED', 'disconnectedByServer'],
    ['STAGE_DELETED', 'stageNotFound'],
  ])('a server DISCONNECT %s ends the session as Disconnected (%s), without a reconnect attempt', async (code, reason) => {
    let socket: WebSocketRoute | null = null;
    const h = await harness((ws) => {
      socket = ws;
      stageState(ws, 1, [self]);
    });
    expect((await h.join({ subscribe: true })).ok).toBe(true);
    const ws = socket as WebSocketRoute | null;
    if (!ws) throw new Error('no events socket');
    send(ws, 'DISCONNECT', { code, reason: 'ended by the test' });
    const events = await h.waitFor('the session to end', (ev) => states(ev).length >= 3);
    expect(states(events)).toEqual(['connecting', 'connected', `disconnected:${reason}`]);
    expect(h.sockets).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('a dropped events socket shows Reconnecting while the SDK retries, then Connected again', async () => {
    const h = await harness((ws, index) => {
      stageState(ws, 1, [self]);
      if (index === 0) setTimeout(() => ws.close({ code: 1011, reason: 'dropped by the test' }), 300);
    });
    expect((await h.join({ subscribe: true })).ok).toBe(true);
    const events = await h.waitFor('reconnected', (ev) => states(ev).length >= 4);
    expect(states(events)).toEqual(['connecting', 'connected', 'reconnecting:networkLost', 'connected']);
    expect(h.sockets.length).toBeGreaterThanOrEqual(2);
  }, TEST_TIMEOUT_MS);

  it('leave() ends the SDK session: Disconnected, participants cleared', async () => {
    const h = await harness((ws) => stageState(ws, 1, [self, participant({ id: 'pCarol', userId: 'carol', isPublishing: true })]));
    expect((await h.join({ subscribe: true })).ok).toBe(true);
    await h.waitFor('carol', (ev) => ev.some((e) => e.type === 'joined'));
    expect(await h.page.evaluate(() => window.ivsHarness.leave())).toBe('disconnected');
    const events = await h.events();
    expect(states(events).at(-1)).toBe('disconnected');
    expect(events.filter((e) => e.type === 'left')).toEqual([{ type: 'left', id: 'pCarol', userId: 'carol' }]);
  }, TEST_TIMEOUT_MS);
});
