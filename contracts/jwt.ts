/**
 * Reading a JWT's header and claims without verifying it (display, and checks before a round trip): jose's
 * decoders, which tree-shake to a few hundred bytes in a page. Verification stays with the server.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';

export type JwtPart = 'header' | 'payload';

/** Which part of the token did not decode as base64url JSON of an object. */
export class JwtDecodeError extends Error {
  override readonly name = 'JwtDecodeError';
  constructor(readonly part: JwtPart) {
    super(`the ${part} is not base64url JSON`);
  }
}

/** The protected header of a compact JWS. Throws JwtDecodeError('header'). */
export function decodeJwtHeader(token: string): Record<string, unknown> {
  try {
    return decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new JwtDecodeError('header');
  }
}

/** The claims of a compact JWS (three dot-separated parts). Throws JwtDecodeError('payload'). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw new JwtDecodeError('payload');
  }
}
