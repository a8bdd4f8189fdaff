/**
 * WHIP/WHEP HTTP exchanges (non-trickle) for the Node clients and the bench's browser harness. `postOffer` is the one
 * place a client POSTs an SDP offer: the token travels as a Bearer header, the answer comes back in the body and the
 * session resource in `Location`.
 */

/** @public What a failed signaling request throws (status and the server's error code), for callers that branch on it. */
export class SignalingError extends Error {
  constructor(
    readonly status: number,
    /** The server's `{error:{code}}`, when it sent one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

export interface SignalingAnswer {
  readonly sdp: string;
  /** Absolute URL of the session resource (DELETE it to stop). */
  readonly sessionUrl: string;
}

export interface SignalingOptions {
  /** Participant token, sent as `Authorization: Bearer`. */
  readonly token: string;
  /** Abort the POST after this long. @default 15000 */
  readonly timeoutMs?: number;
}

async function errorOf(url: string, res: Response): Promise<SignalingError> {
  const text = await res.text().catch(() => '');
  let code: string | undefined;
  let message = text.slice(0, 200) || res.statusText;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const e = (body as { error: { code?: unknown; message?: unknown } }).error;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string') message = e.message;
    }
  } catch {
    // not JSON: keep the text
  }
  return new SignalingError(res.status, code, `${url}: ${res.status} ${code ?? ''} ${message}`.replace(/ +/g, ' ').trim());
}

export async function postOffer(url: string, offerSdp: string, options: SignalingOptions): Promise<SignalingAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${options.token}` },
    body: offerSdp,
    signal: AbortSignal.timeout(Math.max(1, Math.round(options.timeoutMs ?? 15_000))),
  });
  if (res.status !== 201 && res.status !== 200) throw await errorOf(url, res);
  const location = res.headers.get('location');
  if (!location) throw new SignalingError(res.status, undefined, `${url}: the answer has no Location header`);
  return { sdp: await res.text(), sessionUrl: new URL(location, url).toString() };
}

/** DELETE the session; a session the server already ended (404) counts as deleted. */
export async function deleteSession(sessionUrl: string, token: string): Promise<void> {
  const res = await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  if (res.status !== 204 && res.status !== 404) throw await errorOf(sessionUrl, res);
  await res.body?.cancel();
}
