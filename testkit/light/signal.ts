/**
 * The HTTP half of publishing and subscribing, by IVS's media URL layout (docs/ivs-wire.md): the token's `whip_url`
 * is a base, `POST {whip_url}/publish/{jti}` publishes, `POST {whip_url}/subscribe/{participantId}` subscribes; both
 * send the SDP offer with `Authorization: Bearer <token>` and may be redirected (IVS's global endpoint answers 307).
 * The same code talks to the sandbox and to IVS.
 */
import { decodeJwt } from 'jose';
import { z } from 'zod';

/** At most this many redirects are followed (IVS documents one hop: global -> regional). */
export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export class MediaSignalError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer arrived (network error, timeout). */
    readonly status: number,
    /** The server's `error.code` when it sent one, else HTTP_<status>, TOO_MANY_REDIRECTS, NO_LOCATION, NETWORK. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MediaSignalError';
  }
}

export interface SdpAnswer {
  readonly sdp: string;
  /** Absolute URL of the session resource (DELETE it to leave); null when the server sent none. */
  readonly location: string | null;
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly redirects: number;
}

const TokenUrls = z.object({ whip_url: z.string().min(1), jti: z.string().min(1) });

/** The publish URL and the subscribe URL builder a participant token implies (its claims are read, not verified). */
export function mediaUrlsOf(token: string): { readonly participantId: string; readonly publish: string; subscribe(publisherId: string): string } {
  let claims: unknown;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new MediaSignalError(0, 'TOKEN_MALFORMED', 'the participant token is not a JWT');
  }
  const parsed = TokenUrls.safeParse(claims);
  if (!parsed.success) throw new MediaSignalError(0, 'TOKEN_MALFORMED', 'the participant token has no whip_url or jti claim');
  const base = parsed.data.whip_url.replace(/\/+$/, '');
  return {
    participantId: parsed.data.jti,
    publish: `${base}/publish/${encodeURIComponent(parsed.data.jti)}`,
    subscribe: (publisherId) => `${base}/subscribe/${encodeURIComponent(publisherId)}`,
  };
}

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * POSTs an SDP offer; follows up to MAX_REDIRECTS redirects by POSTing the same body with the same headers to
 * `Location` (fetch's own redirect handling would drop the Authorization header across origins, and turn 301/302
 * into GET). Resolves with the answer on 200/201; anything else rejects with a MediaSignalError.
 */
export async function postSdp(url: string, token: string, offer: string, timeoutMs = 15_000): Promise<SdpAnswer> {
  const deadline = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)));
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let res: Response;
    try {
      res = await fetch(current, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
        body: offer,
        redirect: 'manual',
        signal: deadline,
      });
    } catch (error: unknown) {
      throw new MediaSignalError(0, 'NETWORK', `${describeUrl(current)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (REDIRECT_STATUSES.has(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new MediaSignalError(res.status, 'NO_LOCATION', `${describeUrl(current)}: ${res.status} without a Location header`);
      if (redirects >= MAX_REDIRECTS) {
        throw new MediaSignalError(res.status, 'TOO_MANY_REDIRECTS', `${describeUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
      }
      current = new URL(location, current).href;
      continue;
    }
    const text = await res.text();
    if (res.status === 200 || res.status === 201) {
      const location = res.headers.get('location');
      return { sdp: text, location: location ? new URL(location, current).href : null, url: current, redirects };
    }
    let code = `HTTP_${res.status}`;
    let message = text.slice(0, 200);
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) ({ code, message } = parsed.data.error);
    } catch {
      // not JSON (IVS's media endpoints): keep the raw text
    }
    throw new MediaSignalError(res.status, code, `${describeUrl(current)}: ${res.status} ${code}: ${message}`);
  }
}

/** Ends a session resource; true when the server no longer holds it (deleted, or already gone). */
export async function deleteSession(location: string, token: string, timeoutMs = 5_000): Promise<boolean> {
  try {
    const res = await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok || res.status === 404;
  } catch {
    return false;
  }
}
