/**
 * The one place participant tokens are checked: signature (the sandbox's own key, or a key imported with
 * ImportPublicKey named by the header kid), expiry, claim layout, and that the token's stage exists.
 * Events (/events) and the media plane (MediaDeps.verifyBearer) both go through here.
 */
import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { IVS_TOKEN_ALG, IvsTokenClaims, capabilitiesOf } from '../../../contracts/ivs-token.js';
import { PUBLIC_KEY_ARN_PATTERN, STAGE_ARN_PATTERN, stageIdFromArn } from '../../../contracts/ids.js';
import { SandboxError } from '../errors.js';
import type { VerifiedParticipant } from '../media/types.js';
import type { SigningKey } from './keys.js';

/** Far above any real token (~1 KB with 1 KB of attributes); anything longer is not worth parsing. */
const MAX_TOKEN_CHARS = 8 * 1024;

export interface VerifierDeps {
  readonly signingKey: SigningKey;
  /** An imported (ImportPublicKey) public key by ARN, if it exists. */
  publicKey(arn: string): KeyObject | undefined;
  stageExists(stageArn: string): boolean;
  /** True once DisconnectParticipant has removed this participant from the stage (IVS revokes the token). */
  isRevoked(stageArn: string, participantId: string): boolean;
  readonly nowMs: () => number;
}

export interface VerifyOptions {
  /** When set, the token must be for this stage (403 TOKEN_WRONG_STAGE otherwise). */
  readonly stageArn?: string;
}

const unauthorized = (code: 'TOKEN_MISSING' | 'TOKEN_MALFORMED' | 'TOKEN_INVALID_SIGNATURE' | 'TOKEN_EXPIRED', message: string) =>
  new SandboxError(401, code, message);

export class TokenVerifier {
  constructor(private readonly deps: VerifierDeps) {}

  /** Checks an `Authorization` header value (`Bearer <token>`). */
  verifyBearer(authorization: string | undefined, options: VerifyOptions = {}): Promise<VerifiedParticipant> {
    if (authorization === undefined || authorization.trim() === '') {
      return Promise.reject(unauthorized('TOKEN_MISSING', 'send the participant token as "Authorization: Bearer <token>"'));
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) {
      return Promise.reject(unauthorized('TOKEN_MALFORMED', 'the Authorization header must be "Bearer <participant token>"'));
    }
    return this.verify(match[1], options);
  }

  async verify(token: string, options: VerifyOptions = {}): Promise<VerifiedParticipant> {
    if (token === '') throw unauthorized('TOKEN_MISSING', 'a participant token is required');
    if (token.length > MAX_TOKEN_CHARS) throw unauthorized('TOKEN_MALFORMED', 'the participant token is too long to be a token');

    const key = this.keyFor(token);
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [IVS_TOKEN_ALG],
        currentDate: new Date(this.deps.nowMs()),
      }));
    } catch (err: unknown) {
      throw mapJoseError(err);
    }

    const parsed = IvsTokenClaims.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'claims';
      throw unauthorized('TOKEN_MALFORMED', `the token's "${field}" claim is missing or invalid (not an IVS participant token)`);
    }
    const claims = parsed.data;
    if (!STAGE_ARN_PATTERN.test(claims.resource) || stageIdFromArn(claims.resource) !== claims.topic) {
      throw unauthorized('TOKEN_MALFORMED', 'the token\'s "resource" is not a stage ARN matching its "topic"');
    }
    if (options.stageArn !== undefined && claims.resource !== options.stageArn) {
      throw new SandboxError(403, 'TOKEN_WRONG_STAGE', 'this token is for a different stage');
    }
    if (!this.deps.stageExists(claims.resource)) {
      throw new SandboxError(404, 'STAGE_NOT_FOUND', "the token's stage does not exist (deleted?); get a token for an existing stage");
    }
    if (this.deps.isRevoked(claims.resource, claims.jti)) {
      throw new SandboxError(403, 'TOKEN_REVOKED', 'this participant was disconnected from the stage by the API; get a new token to rejoin');
    }
    return {
      stageArn: claims.resource,
      participantId: claims.jti,
      userId: claims.user_id ?? '',
      attributes: claims.attributes ?? {},
      capabilities: capabilitiesOf(claims),
      exp: claims.exp,
    };
  }

  private keyFor(token: string): KeyObject {
    let kid: unknown;
    let alg: unknown;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
    } catch {
      throw unauthorized('TOKEN_MALFORMED', 'the participant token is not a JWT');
    }
    if (alg !== IVS_TOKEN_ALG) {
      throw unauthorized('TOKEN_MALFORMED', `participant tokens are signed with ${IVS_TOKEN_ALG}; this one says ${String(alg)}`);
    }
    if (kid === undefined || kid === this.deps.signingKey.kid) return this.deps.signingKey.publicKey;
    if (typeof kid === 'string' && PUBLIC_KEY_ARN_PATTERN.test(kid)) {
      const imported = this.deps.publicKey(kid);
      if (imported) return imported;
      throw unauthorized('TOKEN_INVALID_SIGNATURE', 'the token names a public key that is not imported (ImportPublicKey) or was deleted');
    }
    throw unauthorized('TOKEN_INVALID_SIGNATURE', 'the token was not signed by this sandbox or by an imported public key');
  }
}

function mapJoseError(err: unknown): SandboxError {
  if (err instanceof joseErrors.JWTExpired) {
    return unauthorized('TOKEN_EXPIRED', 'the participant token has expired; get a new one');
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return unauthorized('TOKEN_INVALID_SIGNATURE', 'the participant token signature does not verify');
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthorized('TOKEN_MALFORMED', `the participant token's "${err.claim}" claim is invalid`);
  }
  return unauthorized('TOKEN_MALFORMED', 'the participant token is not a valid JWT');
}
