/** WHIP/WHEP HTTP exchanges (non-trickle) for the Node clients. */

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

async function errorOf(res: Response): Promise<SignalingError> {
  const text = await res.text().catch(() => '');
  let code: string | undefined;
  let message = text || res.statusText;
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
  return new SignalingError(res.status, code, `${res.status} ${code ?? ''} ${message}`.trim());
}

export async function postOffer(url: string, token: string, offerSdp: string): Promise<SignalingAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    body: offerSdp,
  });
  if (res.status !== 201) throw await errorOf(res);
  const location = res.headers.get('location');
  if (!location) throw new SignalingError(res.status, undefined, 'the answer has no Location header');
  return { sdp: await res.text(), sessionUrl: new URL(location, url).toString() };
}

/** DELETE the session; a session the server already ended (404) counts as deleted. */
export async function deleteSession(sessionUrl: string, token: string): Promise<void> {
  const res = await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 204 && res.status !== 404) throw await errorOf(res);
  await res.body?.cancel();
}
