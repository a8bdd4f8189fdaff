/**
 * A participant token as the pages see it: decoded for display (never verified here: the server does that) and
 * checked before joining so a person learns what is wrong without a round trip. The raw value is a bearer secret:
 * it prints as "[token]" so it cannot leak into logs or JSON by accident.
 */
import * as z from 'zod/mini';
import type { Capability } from '../../../contracts/token-api.js';
import { IvsTokenClaims, IvsTokenHeader, capabilitiesOf } from '../../../contracts/ivs-token.js';
import { JwtDecodeError, decodeJwtHeader, decodeJwtPayload, type JwtPart } from '../../../contracts/jwt.js';
import { StageError } from '../stage/errors.js';

export type DriverKind = 'ivs' | 'sandbox';
export type TokenRole = 'publisher' | 'viewer' | 'none';

export interface TokenInfo {
  readonly participantId: string;
  readonly userId: string;
  readonly stageArn: string;
  readonly stageId: string;
  readonly capabilities: readonly Capability[];
  readonly role: TokenRole;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly whipUrl: string;
  readonly eventsUrl: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Which StageClient driver can use it. */
  readonly driver: DriverKind;
}

export class ParticipantToken {
  readonly #raw: string;

  constructor(
    raw: string,
    readonly info: TokenInfo,
  ) {
    this.#raw = raw;
  }

  /** The JWT itself, for the SDK or an Authorization header only. */
  reveal(): string {
    return this.#raw;
  }

  toString(): string {
    return '[token]';
  }

  toJSON(): TokenInfo {
    return this.info;
  }
}

/** IVS's real-time endpoints (whip/events) live under live-video.net; anything else is the sandbox. */
export function driverFor(whipUrl: string): DriverKind {
  let host: string;
  try {
    host = new URL(whipUrl).hostname.toLowerCase();
  } catch {
    return 'sandbox';
  }
  return host === 'live-video.net' || host.endsWith('.live-video.net') ? 'ivs' : 'sandbox';
}

/**
 * What people paste: CLI output with quotes, a trailing newline, a line-wrapped terminal copy, "Bearer ...", or the
 * whole JSON of create-participant-token. Returns the bare JWT text (which may still be invalid).
 */
export function normalizeTokenInput(text: string): string {
  let t = text.trim();
  if (t.startsWith('{')) {
    const token = /"token"\s*:\s*"([^"]+)"/.exec(t)?.[1];
    if (token) t = token;
  }
  t = t.replace(/^bearer\s+/i, '');
  t = t.replace(/^["']|["']$/g, '');
  return t.replace(/\s+/g, '');
}

function parsePart<T>(schema: z.ZodMiniType<T>, token: string, what: JwtPart): T {
  let json: unknown;
  try {
    json = what === 'header' ? decodeJwtHeader(token) : decodeJwtPayload(token);
  } catch (err: unknown) {
    throw StageError.tokenMalformed(err instanceof JwtDecodeError ? err.message : `the ${what} is not base64url JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || what;
    throw StageError.tokenMalformed(`${what} field "${field}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Decodes a pasted or fetched token. Throws StageError.tokenMalformed saying which part is wrong. */
export function decodeToken(text: string): ParticipantToken {
  const raw = normalizeTokenInput(text);
  if (raw.length === 0) throw StageError.tokenMalformed('the token is empty');
  const parts = raw.split('.');
  if (parts.length !== 3) {
    throw StageError.tokenMalformed(`a token has 3 dot-separated parts, this has ${parts.length}`);
  }
  const signaturePart = parts[2] ?? '';
  parsePart(IvsTokenHeader, raw, 'header');
  const claims = parsePart(IvsTokenClaims, raw, 'payload');
  if (signaturePart.length === 0) throw StageError.tokenMalformed('the signature is missing');
  const capabilities = capabilitiesOf(claims);
  const role: TokenRole = capabilities.includes('PUBLISH')
    ? 'publisher'
    : capabilities.includes('SUBSCRIBE')
      ? 'viewer'
      : 'none';
  return new ParticipantToken(raw, {
    participantId: claims.jti,
    userId: claims.user_id ?? '',
    stageArn: claims.resource,
    stageId: claims.topic,
    capabilities,
    role,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    whipUrl: claims.whip_url,
    eventsUrl: claims.events_url,
    attributes: claims.attributes ?? {},
    driver: driverFor(claims.whip_url),
  });
}

export interface TokenRequirements {
  readonly nowMs: number;
  /** What the page is about to do with it. */
  readonly need: Capability;
  /** The stage this site is configured for, when config.json names one. */
  readonly stageArn?: string;
  /** Allowed clock difference between this machine and the issuer. */
  readonly clockSkewMs?: number;
}

/** The reason a decoded token cannot be used for `need`, or null when it can. */
export function checkToken(info: TokenInfo, req: TokenRequirements): StageError | null {
  const skew = req.clockSkewMs ?? 60_000;
  if (info.expiresAt.getTime() <= req.nowMs) return StageError.tokenExpired(info.expiresAt);
  if (info.issuedAt.getTime() > req.nowMs + skew) return StageError.tokenNotYetValid(info.issuedAt);
  if (req.stageArn !== undefined && req.stageArn !== info.stageArn) {
    return StageError.tokenWrongStage(info.stageArn, req.stageArn);
  }
  if (!info.capabilities.includes(req.need)) return StageError.tokenLacks(req.need);
  return null;
}

/** Seconds until expiry (negative once expired). */
export function secondsLeft(info: TokenInfo, nowMs: number): number {
  return Math.floor((info.expiresAt.getTime() - nowMs) / 1000);
}
