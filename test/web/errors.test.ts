import { describe, expect, it } from '@jest/globals';
import { SANDBOX_ERROR_CODES, type SandboxErrorCode } from '../../contracts/sandbox-protocol.js';
import { STAGE_ERROR_REASONS, StageError, type StageErrorReason } from '../../web/src/stage/errors.js';

describe('StageError.fromSandbox', () => {
  const expected: Record<SandboxErrorCode, StageErrorReason | ((op: 'publish' | 'subscribe' | 'events') => StageErrorReason)> = {
    TOKEN_MISSING: 'tokenMalformed',
    TOKEN_MALFORMED: 'tokenMalformed',
    TOKEN_INVALID_SIGNATURE: 'tokenRejected',
    TOKEN_EXPIRED: 'tokenExpired',
    TOKEN_WRONG_STAGE: 'tokenWrongStage',
    TOKEN_IN_USE: 'tokenInUse',
    CAPABILITY_MISSING: (op) => (op === 'publish' ? 'tokenCannotPublish' : 'tokenCannotSubscribe'),
    STAGE_NOT_FOUND: 'stageNotFound',
    STAGE_FULL: 'stageFull',
    PUBLISHER_NOT_FOUND: 'publisherGone',
    SESSION_NOT_FOUND: 'networkLost',
    BAD_SDP: 'serverRejected',
    UNSUPPORTED_CODEC: 'unsupportedCodec',
    PAYLOAD_TOO_LARGE: 'serverRejected',
    UNSUPPORTED_MEDIA_TYPE: 'serverRejected',
    TOKEN_REVOKED: 'disconnectedByServer',
    TOKEN_WRONG_PARTICIPANT: 'tokenRejected',
    PARTICIPANT_NOT_FOUND: 'serverRejected',
    BAD_REQUEST: 'serverRejected',
  };

  it.each([...SANDBOX_ERROR_CODES])('maps %s to the reason a page explains', (code) => {
    for (const op of ['publish', 'subscribe', 'events'] as const) {
      const want = expected[code];
      const err = StageError.fromSandbox(code, `server says ${code}`, op);
      expect(err).toBeInstanceOf(StageError);
      expect(err.reason).toBe(typeof want === 'function' ? want(op) : want);
      expect(STAGE_ERROR_REASONS).toContain(err.reason);
    }
  });

  it('keeps a code added to the protocol later readable (serverRejected, with the message)', () => {
    const err = StageError.fromSandbox('SOMETHING_NEW' as SandboxErrorCode, 'new failure', 'events');
    expect(err.reason).toBe('serverRejected');
    expect(err.params['detail']).toBe('new failure');
  });

  it('passes the server message through as the detail', () => {
    expect(StageError.fromSandbox('BAD_SDP', 'no m= line', 'publish').message).toContain('no m= line');
    expect(StageError.fromSandbox('STAGE_NOT_FOUND', 'stage xyz deleted', 'events').message).toBe('stage xyz deleted');
  });
});

describe('StageError factories', () => {
  it('give each reason its params and a retryable flag only for what a reconnect can cure', () => {
    const cases: [StageError, StageErrorReason, Record<string, string | number>][] = [
      [StageError.tokenMalformed('bad'), 'tokenMalformed', { detail: 'bad' }],
      [StageError.tokenExpired(new Date(Date.UTC(2026, 0, 1))), 'tokenExpired', { expiredAt: '2026-01-01T00:00:00.000Z' }],
      [StageError.tokenNotYetValid(new Date(0)), 'tokenNotYetValid', { issuedAt: '1970-01-01T00:00:00.000Z' }],
      [StageError.tokenWrongStage('a', 'b'), 'tokenWrongStage', { tokenStage: 'a', expectedStage: 'b' }],
      [StageError.tokenLacks('PUBLISH'), 'tokenCannotPublish', { capability: 'PUBLISH' }],
      [StageError.tokenLacks('SUBSCRIBE'), 'tokenCannotSubscribe', { capability: 'SUBSCRIBE' }],
      [StageError.tokenRejected('sig'), 'tokenRejected', { detail: 'sig' }],
      [StageError.tokenInUse(), 'tokenInUse', {}],
      [StageError.stageFull(), 'stageFull', {}],
      [StageError.stageNotFound(), 'stageNotFound', { detail: 'stage not found' }],
      [StageError.disconnectedByServer('api'), 'disconnectedByServer', { detail: 'api' }],
      [StageError.networkLost('ws closed'), 'networkLost', { detail: 'ws closed' }],
      [StageError.tokenExpiredAtReconnect(new Date(Date.UTC(2026, 0, 1))), 'tokenExpiredAtReconnect', { expiredAt: '2026-01-01T00:00:00.000Z' }],
      [StageError.fromUnreachable({ kind: 'cors', server: 'http://127.0.0.1:8080', page: 'https://p.example' }, 'publish'), 'corsRefused', { server: 'http://127.0.0.1:8080', page: 'https://p.example' }],
      [StageError.fromUnreachable({ kind: 'privateNetwork', server: 'http://127.0.0.1:8080', page: 'https://p.example' }, 'subscribe'), 'privateNetworkBlocked', { server: 'http://127.0.0.1:8080', page: 'https://p.example' }],
      [StageError.fromUnreachable({ kind: 'down', server: 'http://127.0.0.1:8080' }, 'publish'), 'serverUnreachable', { server: 'http://127.0.0.1:8080' }],
      [StageError.fromUnreachable({ kind: 'cors', server: 'http://127.0.0.1:8080', page: 'file://' }, 'events'), 'eventsRefused', { server: 'http://127.0.0.1:8080' }],
      [StageError.publisherGone('bob'), 'publisherGone', { userId: 'bob' }],
      [StageError.permissionDenied(), 'permissionDenied', {}],
      [StageError.insecureContext(), 'insecureContext', {}],
      [StageError.noDevice('camera'), 'noDevice', { kind: 'camera' }],
      [StageError.deviceBusy(), 'deviceBusy', {}],
      [StageError.unsupportedBrowser('RTCPeerConnection'), 'unsupportedBrowser', { detail: 'RTCPeerConnection' }],
      [StageError.unsupportedCodec('VP8'), 'unsupportedCodec', { detail: 'VP8' }],
      [StageError.serverRejected('413'), 'serverRejected', { detail: '413' }],
      [StageError.unknown(new Error('boom')), 'unknown', { detail: 'boom' }],
    ];
    expect(new Set(cases.map(([, r]) => r))).toEqual(new Set(STAGE_ERROR_REASONS));
    for (const [err, reason, params] of cases) {
      expect(err.name).toBe('StageError');
      expect(err.reason).toBe(reason);
      expect(err.params).toEqual(params);
      expect(err.retryable).toBe(reason === 'networkLost' || reason === 'serverUnreachable' || reason === 'tokenInUse');
    }
  });

  it('keeps the cause for diagnostics', () => {
    const cause = new DOMException('denied', 'NotAllowedError');
    expect(StageError.permissionDenied(cause).cause).toBe(cause);
    expect(StageError.networkLost('x', cause).cause).toBe(cause);
    expect(StageError.tokenInUse().cause).toBeUndefined();
  });

  it('from() passes StageErrors through and wraps anything else as unknown', () => {
    const known = StageError.stageFull();
    expect(StageError.from(known)).toBe(known);
    expect(StageError.from('plain string').params['detail']).toBe('plain string');
    const wrapped = StageError.from(new TypeError('x is undefined'));
    expect(wrapped.reason).toBe('unknown');
    expect(wrapped.message).toBe('x is undefined');
  });
});
