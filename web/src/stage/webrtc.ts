/** WebRTC helpers of the sandbox driver: non-trickle offers and the WHIP/WHEP HTTP exchange. */
import * as z from 'zod/mini';
import { SandboxErrorCode } from '../../../contracts/sandbox-protocol.js';
import { diagnoseUnreachable } from '../net/reachability.js';
import { StageError } from './errors.js';

const SandboxErrorBody = z.object({ error: z.object({ code: SandboxErrorCode, message: z.string() }) });

/** No ICE servers at all: the sandbox is reachable on host candidates, and nothing may contact a public STUN server. */
export const PEER_CONNECTION_CONFIG: RTCConfiguration = { iceServers: [], bundlePolicy: 'max-bundle' };

/** Resolves when ICE gathering is complete (the sandbox takes non-trickle offers), or after `timeoutMs` regardless. */
function waitForIceGathering(pc: RTCPeerConnection, timeoutMs = 3_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, timeoutMs);
    function onChange(): void {
      if (pc.iceGatheringState === 'complete') finish();
    }
    function finish(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    }
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

export async function createCompleteOffer(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await waitForIceGathering(pc);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw StageError.unsupportedBrowser('an SDP offer');
  return sdp;
}

export interface SdpAnswer {
  readonly sdp: string;
  /** Absolute URL of the session resource (DELETE ends it). */
  readonly location: string | null;
}

/** POSTs an SDP offer with the token as Bearer (WHIP/WHEP) and returns the answer; failures become StageErrors. */
export async function exchangeSdp(
  url: string,
  token: string,
  offer: string,
  operation: 'publish' | 'subscribe',
  signal?: AbortSignal,
): Promise<SdpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
      body: offer,
      ...(signal ? { signal } : {}),
    });
  } catch (cause: unknown) {
    if (signal?.aborted) throw StageError.networkLost(`${operation} request cancelled`, cause);
    throw StageError.fromUnreachable(await diagnoseUnreachable(url), operation, cause);
  }
  if (res.ok) {
    const location = res.headers.get('Location');
    return { sdp: await res.text(), location: location ? new URL(location, url).href : null };
  }
  throw await errorFromResponse(res, operation);
}

async function errorFromResponse(res: Response, operation: 'publish' | 'subscribe'): Promise<StageError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const parsed = SandboxErrorBody.safeParse(body);
  if (parsed.success) return StageError.fromSandbox(parsed.data.error.code, parsed.data.error.message, operation);
  if (res.status >= 500 || res.status === 0) return StageError.networkLost(`HTTP ${res.status} from the server`);
  return StageError.serverRejected(`HTTP ${res.status}`);
}

/**
 * Ends a WHIP/WHEP session; best effort (keepalive so it also works while the page unloads). Resolves true when the
 * server no longer holds it (deleted, or already gone), false when the request could not be made (offline).
 */
export async function deleteSession(location: string, token: string, timeoutMs = 5_000): Promise<boolean> {
  try {
    const res = await fetch(location, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
      keepalive: true,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok || res.status === 404;
  } catch {
    return false;
  }
}

/** Collects getStats() of every sender or receiver without letting one failure lose the rest. */
export async function statsOf(
  source: RTCRtpSender | RTCRtpReceiver,
): Promise<RTCStatsReport | undefined> {
  try {
    return await source.getStats();
  } catch {
    return undefined;
  }
}
