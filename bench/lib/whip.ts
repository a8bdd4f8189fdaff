/** WHIP/WHEP signalling from Node (the harness pages only do WebRTC; the bench owns the tokens). */
import { z } from 'zod';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export class SignalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalError';
  }
}

export interface SignalResult {
  readonly answer: string;
  /** Absolute URL of the session resource (DELETE it to leave). */
  readonly location: string;
}

/** POSTs an SDP offer with the participant token as Bearer; resolves with the answer and the session URL. */
export async function postOffer(url: string, token: string, offer: string, timeoutMs = 15_000): Promise<SignalResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    body: offer,
    signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutMs))),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) {
    let code = `HTTP_${res.status}`;
    let message = text.slice(0, 200);
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) ({ code, message } = parsed.data.error);
    } catch {
      /* not JSON: keep the raw text */
    }
    throw new SignalError(res.status, code, `${url}: ${res.status} ${code}: ${message}`);
  }
  const location = res.headers.get('location');
  if (!location) throw new SignalError(res.status, 'NO_LOCATION', `${url}: answer without a Location header`);
  return { answer: text, location: new URL(location, url).toString() };
}

/** Ends a session; a session already gone counts as ended. */
export async function deleteSession(location: string, token: string): Promise<void> {
  try {
    await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  } catch {
    /* the server may already be closing */
  }
}
