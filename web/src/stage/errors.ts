/**
 * Every failure a page shows a person: one error type with a typed `reason` (the i18n key of its explanation and
 * what to do) and `params` for the message placeholders. Made only by the static factories so each reason carries
 * the same params everywhere.
 */
import type { Capability } from '../../../contracts/token-api.js';
import type { SandboxErrorCode } from '../../../contracts/sandbox-protocol.js';
import type { Unreachable } from '../net/reachability.js';

export const STAGE_ERROR_REASONS = [
  'tokenMalformed',
  'tokenExpired',
  'tokenExpiredAtReconnect',
  'tokenNotYetValid',
  'tokenWrongStage',
  'tokenCannotPublish',
  'tokenCannotSubscribe',
  'tokenRejected',
  'tokenInUse',
  'stageFull',
  'stageNotFound',
  'disconnectedByServer',
  'networkLost',
  'corsRefused',
  'privateNetworkBlocked',
  'serverUnreachable',
  'eventsRefused',
  'publisherGone',
  'permissionDenied',
  'insecureContext',
  'noDevice',
  'deviceBusy',
  'unsupportedBrowser',
  'unsupportedCodec',
  'serverRejected',
  'unknown',
] as const;
export type StageErrorReason = (typeof STAGE_ERROR_REASONS)[number];

export type ErrorParams = Readonly<Record<string, string | number>>;

/**
 * Reasons a reconnect attempt may cure: the network, a server that may come back, or our own previous session still
 * held by the server. A CORS refusal, a blocked private-network request or a refused events socket stay as they are.
 */
const RETRYABLE: ReadonlySet<StageErrorReason> = new Set<StageErrorReason>(['networkLost', 'serverUnreachable', 'tokenInUse']);

export class StageError extends Error {
  override readonly name = 'StageError';

  private constructor(
    readonly reason: StageErrorReason,
    message: string,
    readonly params: ErrorParams = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  /** Whether a reconnect policy may try again after this error. */
  get retryable(): boolean {
    return RETRYABLE.has(this.reason);
  }

  static tokenMalformed(detail: string): StageError {
    return new StageError('tokenMalformed', `the token is not a participant token: ${detail}`, { detail });
  }

  static tokenExpired(expiredAt: Date): StageError {
    return new StageError('tokenExpired', `the token expired at ${expiredAt.toISOString()}`, {
      expiredAt: expiredAt.toISOString(),
    });
  }

  /** The connection dropped and the token ran out meanwhile: no reconnect can work, a new token can. */
  static tokenExpiredAtReconnect(expiredAt: Date): StageError {
    return new StageError('tokenExpiredAtReconnect', `the token expired at ${expiredAt.toISOString()}, so the connection cannot be restored`, {
      expiredAt: expiredAt.toISOString(),
    });
  }

  static tokenNotYetValid(issuedAt: Date): StageError {
    return new StageError('tokenNotYetValid', `the token is issued in the future (${issuedAt.toISOString()})`, {
      issuedAt: issuedAt.toISOString(),
    });
  }

  static tokenWrongStage(tokenStage: string, expectedStage: string): StageError {
    return new StageError('tokenWrongStage', `the token is for stage ${tokenStage}, this site uses ${expectedStage}`, {
      tokenStage,
      expectedStage,
    });
  }

  static tokenLacks(capability: Capability): StageError {
    return capability === 'PUBLISH'
      ? new StageError('tokenCannotPublish', 'the token lacks the PUBLISH capability', { capability })
      : new StageError('tokenCannotSubscribe', 'the token lacks the SUBSCRIBE capability', { capability });
  }

  static tokenRejected(detail: string): StageError {
    return new StageError('tokenRejected', `the server rejected the token: ${detail}`, { detail });
  }

  static tokenInUse(): StageError {
    return new StageError('tokenInUse', 'another connection is using this token');
  }

  static stageFull(): StageError {
    return new StageError('stageFull', 'the stage has reached its participant limit');
  }

  static stageNotFound(detail = 'stage not found'): StageError {
    return new StageError('stageNotFound', detail, { detail });
  }

  static disconnectedByServer(detail: string): StageError {
    return new StageError('disconnectedByServer', `disconnected by the server: ${detail}`, { detail });
  }

  static networkLost(detail: string, cause?: unknown): StageError {
    return new StageError('networkLost', `network connection lost: ${detail}`, { detail }, { cause });
  }

  /**
   * A request that failed before any answer, named by its real cause (web/src/net/reachability.ts). The events socket
   * failing while its server answers HTTP is a refused socket, not a CORS matter (WebSockets have no CORS).
   */
  static fromUnreachable(u: Unreachable, operation: 'publish' | 'subscribe' | 'events', cause?: unknown): StageError {
    switch (u.kind) {
      case 'offline':
        return StageError.networkLost('the browser is offline', cause);
      case 'cors':
        return operation === 'events'
          ? new StageError('eventsRefused', `the events socket at ${u.server} was refused`, { server: u.server }, { cause })
          : new StageError('corsRefused', `${u.server} refused a ${operation} request from ${u.page} (CORS)`, { server: u.server, page: u.page }, { cause });
      case 'privateNetwork':
        return new StageError('privateNetworkBlocked', `the browser blocked ${u.page} from reaching ${u.server} on the private network`, { server: u.server, page: u.page }, { cause });
      case 'down':
        return new StageError('serverUnreachable', `nothing answers at ${u.server}`, { server: u.server }, { cause });
    }
  }

  static publisherGone(userId: string): StageError {
    return new StageError('publisherGone', `publisher ${userId} stopped`, { userId });
  }

  static permissionDenied(cause?: unknown): StageError {
    return new StageError('permissionDenied', 'camera or microphone permission denied', {}, { cause });
  }

  static insecureContext(): StageError {
    return new StageError('insecureContext', 'camera and microphone need HTTPS or localhost');
  }

  static noDevice(kind: 'camera' | 'microphone' | 'any', cause?: unknown): StageError {
    return new StageError('noDevice', `no ${kind} found`, { kind }, { cause });
  }

  static deviceBusy(cause?: unknown): StageError {
    return new StageError('deviceBusy', 'the camera or microphone is in use by another application', {}, { cause });
  }

  static unsupportedBrowser(detail: string): StageError {
    return new StageError('unsupportedBrowser', `this browser lacks ${detail}`, { detail });
  }

  static unsupportedCodec(detail: string): StageError {
    return new StageError('unsupportedCodec', `no common codec: ${detail}`, { detail });
  }

  static serverRejected(detail: string): StageError {
    return new StageError('serverRejected', `the server rejected the request: ${detail}`, { detail });
  }

  static unknown(cause: unknown): StageError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new StageError('unknown', detail, { detail }, { cause });
  }

  /** Any thrown value as a StageError (StageErrors pass through). */
  static from(cause: unknown): StageError {
    return cause instanceof StageError ? cause : StageError.unknown(cause);
  }

  /**
   * A sandbox `{error:{code,message}}` (HTTP or WebSocket) as a StageError. `operation` decides what a missing
   * capability means.
   */
  static fromSandbox(code: SandboxErrorCode, message: string, operation: 'publish' | 'subscribe' | 'events'): StageError {
    switch (code) {
      case 'TOKEN_MISSING':
      case 'TOKEN_MALFORMED':
        return StageError.tokenMalformed(message);
      case 'TOKEN_INVALID_SIGNATURE':
      case 'TOKEN_WRONG_PARTICIPANT':
        return StageError.tokenRejected(message);
      case 'TOKEN_EXPIRED':
        return new StageError('tokenExpired', message, { expiredAt: '' });
      case 'TOKEN_WRONG_STAGE':
        return new StageError('tokenWrongStage', message, { tokenStage: '', expectedStage: '' });
      case 'TOKEN_IN_USE':
        return StageError.tokenInUse();
      case 'CAPABILITY_MISSING':
        return StageError.tokenLacks(operation === 'publish' ? 'PUBLISH' : 'SUBSCRIBE');
      case 'STAGE_NOT_FOUND':
        return StageError.stageNotFound(message);
      case 'STAGE_FULL':
        return StageError.stageFull();
      case 'PUBLISHER_NOT_FOUND':
        return StageError.publisherGone('');
      case 'SESSION_NOT_FOUND':
        return StageError.networkLost(message);
      case 'UNSUPPORTED_CODEC':
        return StageError.unsupportedCodec(message);
      case 'TOKEN_REVOKED':
        return StageError.disconnectedByServer(message);
      case 'BAD_SDP':
      case 'PAYLOAD_TOO_LARGE':
      case 'UNSUPPORTED_MEDIA_TYPE':
      default:
        // Codes added to the protocol later land here: still a message, never a crash.
        return StageError.serverRejected(message);
    }
  }
}
