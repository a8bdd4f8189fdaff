/**
 * The sandbox's dev identity is a signed-in user's stand-in: the routes API Gateway puts behind the Cognito JWT
 * authorizer (POST /auth/tokens, DELETE /participants/{id}, and POST /tokens with viewerAccess=signed-in) need its
 * bearer, and answer what the authorizer answers without a valid one: 401 `{"message":"Unauthorized"}`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The loopback default: no setup on one machine, yet a client that forgets the header fails as on AWS. */
export const LOOPBACK_DEV_BEARER = 'dev';

/** API Gateway HTTP API's JWT authorizer rejection body. */
export const UNAUTHORIZED_BODY = { message: 'Unauthorized' } as const;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when `authorization` is `Bearer <secret>` (constant-time on the secret). */
export function hasDevBearer(authorization: string | string[] | undefined, secret: string): boolean {
  if (typeof authorization !== 'string') return false;
  const m = /^Bearer ([^\s]+)$/.exec(authorization.trim());
  if (!m?.[1]) return false;
  return timingSafeEqual(digest(m[1]), digest(secret));
}
