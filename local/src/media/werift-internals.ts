/**
 * The few werift 0.25 internals the SFU's fast send path relies on, read in one place and checked at runtime so a
 * werift upgrade that moves them fails loudly at session start instead of corrupting media:
 *  - the SRTP session keys werift derived from the DTLS handshake (to protect packets ourselves, see srtp.ts);
 *  - the selected ICE candidate pair's UDP socket and remote address (to send with one `socket.send([...])` instead
 *    of werift's three nested async functions per packet).
 */
import { Socket } from 'node:dgram';
import type { RTCDtlsTransport } from 'werift';
import { SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80, type SrtpSessionKeys } from './srtp.js';

function isBuffer(v: unknown): v is Buffer {
  return Buffer.isBuffer(v);
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Outbound SRTP keys of a connected DTLS transport. */
export function srtpKeysOf(dtls: RTCDtlsTransport): SrtpSessionKeys {
  const ctx = field(field(dtls, 'srtp'), 'localContext');
  const profile = field(ctx, 'profile');
  const key = field(ctx, 'srtpSessionKey');
  const salt = field(ctx, 'srtpSessionSalt');
  const authKey = field(ctx, 'srtpSessionAuthTag');
  if (
    (profile !== SRTP_AES128_CM_HMAC_SHA1_80 && profile !== SRTP_AEAD_AES_128_GCM) ||
    !isBuffer(key) ||
    !isBuffer(salt) ||
    !isBuffer(authKey)
  ) {
    throw new Error('werift SRTP session keys not found (werift internals changed?)');
  }
  return { profile, key, salt, authKey };
}

/** Sends one datagram (given as pieces) on the transport's selected candidate pair. False when there is none. */
export type DatagramSender = (parts: readonly Buffer[]) => boolean;

interface SelectedPair {
  readonly socket: Socket | undefined;
  readonly host: string;
  readonly port: number;
  readonly fallback: (data: Buffer) => Promise<void>;
}

function selectedPair(dtls: RTCDtlsTransport): SelectedPair | undefined {
  const pair = dtls.iceTransport.connection.nominated;
  if (!pair) return undefined;
  const [host, port] = pair.remoteAddr;
  const socket = field(field(pair.protocol, 'transport'), 'socket');
  // werift's UDP sockets have no 'error' listener, so a failed send would surface as an uncaught 'error' event and
  // take the process down. Sending without a callback (one nextTick less per packet) needs that listener.
  if (socket instanceof Socket && socket.listenerCount('error') === 0) socket.on('error', ignoreSendError);
  return {
    socket: socket instanceof Socket ? socket : undefined,
    host,
    port,
    fallback: (data) => pair.protocol.sendData(data, pair.remoteAddr),
  };
}

export function datagramSenderOf(dtls: RTCDtlsTransport): DatagramSender {
  const connection = dtls.iceTransport.connection;
  let cachedPair: unknown;
  let pair: SelectedPair | undefined;
  return (parts) => {
    // The selected pair can change (ICE renomination); re-resolve only when it does.
    if (connection.nominated !== cachedPair) {
      cachedPair = connection.nominated;
      pair = selectedPair(dtls);
    }
    if (!pair) return false;
    if (pair.socket) {
      // dgram sends the pieces with one sendmsg (scatter/gather): no concatenation.
      pair.socket.send(parts as Buffer[], pair.port, pair.host);
    } else {
      pair.fallback(Buffer.concat(parts)).catch(() => undefined); // TCP candidate (not offered by the sandbox)
    }
    return true;
  };
}

/** Send errors (socket closed during teardown, unreachable address) are not actionable per packet. */
function ignoreSendError(): void {}

/**
 * Calls `onActivity` whenever the remote shows it is alive: any DTLS/SRTP/SRTCP datagram, or a STUN request (consent
 * freshness) on the selected pair. ICE-lite never sends consent checks itself, so without this a vanished peer would
 * never be noticed. Returns an unsubscribe function.
 */
export function watchInboundActivity(dtls: RTCDtlsTransport, onActivity: () => void): () => void {
  const connection = dtls.iceTransport.connection;
  const subs: { unSubscribe: () => void }[] = [connection.onData.subscribe(onActivity)];
  const pair = connection.nominated;
  if (pair) subs.push(pair.protocol.onRequestReceived.subscribe(onActivity));
  return () => {
    for (const s of subs) s.unSubscribe();
  };
}
