import { describe, expect, it } from '@jest/globals';
import {
  checkToken,
  decodeToken,
  driverFor,
  normalizeTokenInput,
  secondsLeft,
} from '../../web/src/token/participant-token.js';
import { StageError } from '../../web/src/stage/errors.js';
import {
  IVS_EVENTS,
  IVS_WHIP,
  OTHER_STAGE_ARN,
  STAGE_ARN,
  b64url,
  claims,
  jwt,
} from './helpers/tokens.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function malformedDetail(text: string): string {
  try {
    decodeToken(text);
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(StageError);
    const e = err as StageError;
    expect(e.reason).toBe('tokenMalformed');
    return String(e.params['detail']);
  }
  throw new Error('decodeToken accepted a malformed token');
}

describe('decodeToken', () => {
  it('reads the claims a page shows: role, user, stage, expiry, endpoints, attributes', () => {
    const token = decodeToken(jwt(claims()));
    expect(token.info).toEqual({
      participantId: 'pArTiCiPaNt1',
      userId: 'alice',
      stageArn: STAGE_ARN,
      stageId: 'AbCdEf123456',
      capabilities: ['PUBLISH', 'SUBSCRIBE'],
      role: 'publisher',
      issuedAt: new Date(NOW),
      expiresAt: new Date(NOW + 60 * 60_000),
      whipUrl: 'http://127.0.0.1:8080/whip',
      eventsUrl: 'ws://127.0.0.1:8080/events',
      attributes: { role: 'host' },
      driver: 'sandbox',
    });
  });

  it('gives the role from the capabilities', () => {
    expect(decodeToken(jwt(claims({ capabilities: ['SUBSCRIBE'] }))).info.role).toBe('viewer');
    expect(decodeToken(jwt(claims({ capabilities: ['PUBLISH'] }))).info.role).toBe('publisher');
    expect(decodeToken(jwt(claims({ capabilities: [] }))).info.role).toBe('none');
  });

  it('chooses the IVS driver for a token whose whip_url is on live-video.net, the sandbox otherwise', () => {
    expect(decodeToken(jwt(claims({ whipUrl: IVS_WHIP, eventsUrl: IVS_EVENTS }))).info.driver).toBe('ivs');
    expect(decodeToken(jwt(claims())).info.driver).toBe('sandbox');
  });

  it('never prints the raw token (bearer secret) through toString or JSON', () => {
    const raw = jwt(claims());
    const token = decodeToken(raw);
    expect(token.reveal()).toBe(raw);
    expect(String(token)).toBe('[token]');
    expect(`${token}`).not.toContain(raw.split('.')[1]);
    const json = JSON.stringify({ token });
    expect(json).not.toContain(raw.split('.')[1] ?? 'unreachable');
    expect(JSON.parse(json)).toMatchObject({ token: { userId: 'alice', stageArn: STAGE_ARN } });
  });

  it('accepts what people paste: quotes, whitespace, line wraps, Bearer, CLI JSON', () => {
    const raw = jwt(claims());
    const wrapped = `${raw.slice(0, 40)}\n  ${raw.slice(40, 90)}\r\n${raw.slice(90)}`;
    const cli = JSON.stringify({ participantToken: { participantId: 'p', token: raw, userId: 'alice' } }, null, 2);
    for (const pasted of [` ${raw}\n`, `"${raw}"`, `'${raw}'`, `Bearer ${raw}`, wrapped, cli]) {
      expect(normalizeTokenInput(pasted)).toBe(raw);
      expect(decodeToken(pasted).reveal()).toBe(raw);
    }
  });

  it('says what is wrong with a malformed token', () => {
    expect(malformedDetail('')).toMatch(/empty/);
    expect(malformedDetail('   \n ')).toMatch(/empty/);
    expect(malformedDetail('abc.def')).toMatch(/3 dot-separated parts, this has 2/);
    expect(malformedDetail('a.b.c.d')).toMatch(/this has 4/);
    expect(malformedDetail(`${b64url({ alg: 'ES384' })}.!!!.sig`)).toMatch(/payload is not base64url JSON/);
    expect(malformedDetail(`${b64url({ alg: 'ES384' })}.${b64url('not json')}.sig`)).toMatch(/payload is not base64url JSON/);
    expect(malformedDetail(jwt(claims(), { alg: 'HS256' }))).toMatch(/header field "alg"/);
    expect(malformedDetail(`${b64url('{')}.${b64url(claims())}.sig`)).toMatch(/header is not base64url JSON/);
    expect(malformedDetail(jwt(claims(), undefined, ''))).toMatch(/signature is missing/);
    const { whip_url: _drop, ...noWhip } = claims();
    expect(malformedDetail(jwt(noWhip))).toMatch(/payload field "whip_url"/);
    expect(malformedDetail(jwt({ ...claims(), exp: 'tomorrow' }))).toMatch(/payload field "exp"/);
  });

  it('rejects bytes that are not UTF-8 rather than showing mojibake', () => {
    const bad = Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url');
    expect(malformedDetail(`${b64url({ alg: 'ES384' })}.${bad}.sig`)).toMatch(/payload is not base64url JSON/);
  });
});

describe('checkToken', () => {
  const info = decodeToken(jwt(claims())).info;
  const viewer = decodeToken(jwt(claims({ capabilities: ['SUBSCRIBE'] }))).info;

  it('accepts a valid token for what it allows', () => {
    expect(checkToken(info, { nowMs: NOW + 1000, need: 'PUBLISH', stageArn: STAGE_ARN })).toBeNull();
    expect(checkToken(info, { nowMs: NOW + 1000, need: 'SUBSCRIBE' })).toBeNull();
    expect(checkToken(viewer, { nowMs: NOW, need: 'SUBSCRIBE', stageArn: STAGE_ARN })).toBeNull();
  });

  it('refuses an expired token, saying when it expired (expiry instant included)', () => {
    const expiry = NOW + 60 * 60_000;
    expect(checkToken(info, { nowMs: expiry - 1, need: 'PUBLISH' })).toBeNull();
    for (const nowMs of [expiry, expiry + 1, expiry + 86_400_000]) {
      const err = checkToken(info, { nowMs, need: 'PUBLISH' });
      expect(err?.reason).toBe('tokenExpired');
      expect(err?.params['expiredAt']).toBe(new Date(expiry).toISOString());
      expect(err?.retryable).toBe(false);
    }
  });

  it('refuses a token issued in the future beyond the clock skew', () => {
    expect(checkToken(info, { nowMs: NOW - 60_000, need: 'PUBLISH' })).toBeNull();
    expect(checkToken(info, { nowMs: NOW - 60_001, need: 'PUBLISH' })?.reason).toBe('tokenNotYetValid');
    expect(checkToken(info, { nowMs: NOW - 5_000, need: 'PUBLISH', clockSkewMs: 1_000 })?.reason).toBe('tokenNotYetValid');
  });

  it('refuses a token for another stage, naming both', () => {
    const err = checkToken(info, { nowMs: NOW, need: 'PUBLISH', stageArn: OTHER_STAGE_ARN });
    expect(err?.reason).toBe('tokenWrongStage');
    expect(err?.params).toEqual({ tokenStage: STAGE_ARN, expectedStage: OTHER_STAGE_ARN });
  });

  it('refuses a token that lacks the capability the page needs (a viewer token on the broadcaster page)', () => {
    expect(checkToken(viewer, { nowMs: NOW, need: 'PUBLISH' })?.reason).toBe('tokenCannotPublish');
    const publishOnly = decodeToken(jwt(claims({ capabilities: ['PUBLISH'] }))).info;
    expect(checkToken(publishOnly, { nowMs: NOW, need: 'SUBSCRIBE' })?.reason).toBe('tokenCannotSubscribe');
  });

  it('reports expiry before anything else (the first thing a person must fix)', () => {
    const err = checkToken(viewer, { nowMs: NOW + 61 * 60_000, need: 'PUBLISH', stageArn: OTHER_STAGE_ARN });
    expect(err?.reason).toBe('tokenExpired');
  });
});

describe('secondsLeft and driverFor', () => {
  it('counts down whole seconds and goes negative once expired', () => {
    const info = decodeToken(jwt(claims({ durationMinutes: 1 }))).info;
    expect(secondsLeft(info, NOW)).toBe(60);
    expect(secondsLeft(info, NOW + 59_500)).toBe(0);
    expect(secondsLeft(info, NOW + 61_000)).toBe(-1);
  });

  it('only trusts the live-video.net domain itself, not look-alikes', () => {
    expect(driverFor('https://x.global-bm.whip.live-video.net/')).toBe('ivs');
    expect(driverFor('https://live-video.net')).toBe('ivs');
    expect(driverFor('https://LIVE-VIDEO.NET/x')).toBe('ivs');
    expect(driverFor('https://evil-live-video.net/whip')).toBe('sandbox');
    expect(driverFor('https://live-video.net.example.com/whip')).toBe('sandbox');
    expect(driverFor('http://127.0.0.1:8080/whip')).toBe('sandbox');
    expect(driverFor('not a url')).toBe('sandbox');
  });
});
