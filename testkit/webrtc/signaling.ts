/**
 * WHIP/WHEP HTTP exchanges (non-trickle) for the Node clients (testkit/webrtc, testkit/light) and the bench's browser
 * harness. `postOffer` is the one place a client POSTs an SDP offer: the token travels as a Bearer header, the answer
 * comes back in the body and the session resource in `Location`. It follows redirects the way IVS's media endpoints
 * need (docs/ivs-wire.md): up to MAX_REDIRECTS, POSTing the same body with the same headers to `Location`.
 */

/** At most this many redirects are followed (IVS documents one hop: global -> regional). */
export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What a failed signaling request throws (status and a code), for callers that branch on it. */
export class SignalingError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer arrived (network error, timeout). */
    readonly status: number,
    /** The server's `{error:{code}}` when it sent one, else HTTP_<status>, TOO_MANY_REDIRECTS, NO_LOCATION, NETWORK, TOKEN_MALFORMED. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

export interface SignalingAnswer<Session extends string | null = string> {
  readonly sdp: string;
  /** Absolute URL of the session resource (DELETE it to stop); null only with `locationOptional`. */
  readonly sessionUrl: Session;
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly redirects: number;
}

export interface SignalingOptions {
  /** Participant token, sent as `Authorization: Bearer`. */
  readonly token: string;
  /** Abort the exchange (redirects included) after this long. @default 15000 */
  readonly timeoutMs?: number | undefined;
  /** Accept an answer without `Location` (whether IVS sends one is undocumented, docs/ivs-wire.md). */
  readonly locationOptional?: boolean;
}

/** Origin and path only: a URL in an error message never carries a query. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

async function errorOf(url: string, res: Response): Promise<SignalingError> {
  const text = await res.text().catch(() => '');
  let code = `HTTP_${res.status}`;
  let message = text.slice(0, 200) || res.statusText;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const e = (body as { error: { code?: unknown; message?: unknown } }).error;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string') message = e.message;
    }
  } catch {
    // not JSON (IVS's media endpoints): keep the text
  }
  return new SignalingError(res.status, code, `${describeUrl(url)}: ${res.status} ${code}: ${message}`);
}

export async function postOffer(url: string, offerSdp: string, options: SignalingOptions & { readonly locationOptional: true }): Promise<SignalingAnswer<string | null>>;
export async function postOffer(url: string, offerSdp: string, options: SignalingOptions): Promise<SignalingAnswer>;
export async function postOffer(url: string, offerSdp: string, options: SignalingOptions): Promise<SignalingAnswer<string | null>> {
  const deadline = AbortSignal.timeout(Math.max(1, Math.round(options.timeoutMs ?? 15_000)));
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let res: Response;
    try {
      // redirect: 'manual': fetch's own handling drops Authorization across origins and turns 301/302 into GET.
      res = await fetch(current, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${options.token}` },
        body: offerSdp,
        redirect: 'manual',
        signal: deadline,
      });
    } catch (error: unknown) {
      throw new SignalingError(0, 'NETWORK', `${describeUrl(current)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (REDIRECT_STATUSES.has(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new SignalingError(res.status, 'NO_LOCATION', `${describeUrl(current)}: ${res.status} without a Location header`);
      if (redirects >= MAX_REDIRECTS) throw new SignalingError(res.status, 'TOO_MANY_REDIRECTS', `${describeUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current).href;
      continue;
    }
    if (res.status !== 201 && res.status !== 200) throw await errorOf(current, res);
    const location = res.headers.get('location');
    if (!location && !options.locationOptional) {
      await res.body?.cancel();
      throw new SignalingError(res.status, 'NO_LOCATION', `${describeUrl(current)}: the answer has no Location header`);
    }
    return { sdp: await res.text(), sessionUrl: location ? new URL(location, current).href : null, url: current, redirects };
  }
}

/** DELETE the session; a session the server already ended (404) counts as deleted. */
export async function deleteSession(sessionUrl: string, token: string): Promise<void> {
  const res = await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  if (res.status !== 204 && res.status !== 404) throw await errorOf(sessionUrl, res);
  await res.body?.cancel();
}
