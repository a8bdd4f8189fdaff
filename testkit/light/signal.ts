/**
 * IVS's media URL layout (docs/ivs-wire.md) from a participant token: its `whip_url` is a base,
 * `POST {whip_url}/publish/{jti}` publishes, `POST {whip_url}/subscribe/{participantId}` subscribes. The POST itself
 * (Bearer token, redirects) is testkit/webrtc/signaling.ts's postOffer, the same for the sandbox and for IVS.
 */
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { SignalingError } from '../webrtc/signaling.js';

const TokenUrls = z.object({ whip_url: z.string().min(1), jti: z.string().min(1) });

/** The publish URL and the subscribe URL builder a participant token implies (its claims are read, not verified). */
export function mediaUrlsOf(token: string): { readonly participantId: string; readonly publish: string; subscribe(publisherId: string): string } {
  let claims: unknown;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new SignalingError(0, 'TOKEN_MALFORMED', 'the participant token is not a JWT');
  }
  const parsed = TokenUrls.safeParse(claims);
  if (!parsed.success) throw new SignalingError(0, 'TOKEN_MALFORMED', 'the participant token has no whip_url or jti claim');
  const base = parsed.data.whip_url.replace(/\/+$/, '');
  return {
    participantId: parsed.data.jti,
    publish: `${base}/publish/${encodeURIComponent(parsed.data.jti)}`,
    subscribe: (publisherId) => `${base}/subscribe/${encodeURIComponent(publisherId)}`,
  };
}
