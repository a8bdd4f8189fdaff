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

interface RecordCipher {
  encrypt(sessionType: number, data: Buffer, header: { type: number; version: number; epoch: number; sequenceNumber: number }): Buffer;
}

/** DTLS alert record: content type 21; level 1 (warning), description 0 (close_notify) (RFC 5246 section 7.2.1). */
const ALERT_CONTENT_TYPE = 21;
const CLOSE_NOTIFY = Buffer.from([1, 0]);

/**
 * Tells the remote the connection is over with a DTLS close_notify alert. werift 0.25 closes without one ("todo impl
 * send alert"), so a browser only noticed after its ICE consent checks ran out (~30 s); with the alert Chromium and
 * werift clients end the peer connection at once. Best effort: returns false when the internals are not as expected.
 */
export function sendDtlsCloseNotify(dtls: RTCDtlsTransport): boolean {
  try {
    const socket = field(dtls, 'dtls');
    const ctx = field(socket, 'dtls');
    const cipherContext = field(socket, 'cipher');
    const suite = field(cipherContext, 'cipher') as RecordCipher | undefined;
    const transport = field(socket, 'transport') as { send?: (buf: Buffer) => Promise<void> } | undefined;
    const version = field(ctx, 'version');
    const epoch = field(ctx, 'epoch');
    const sessionType = field(cipherContext, 'sessionType');
    const major = field(version, 'major');
    const minor = field(version, 'minor');
    const seq = field(ctx, 'recordSequenceNumber');
    if (
      typeof suite?.encrypt !== 'function' ||
      typeof transport?.send !== 'function' ||
      typeof epoch !== 'number' ||
      epoch < 1 || // before the handshake finished there is nothing encrypted to close
      typeof sessionType !== 'number' ||
      typeof major !== 'number' ||
      typeof minor !== 'number' ||
      typeof seq !== 'number'
    ) {
      return false;
    }
    const sequenceNumber = seq + 1;
    (ctx as Record<string, unknown>)['recordSequenceNumber'] = sequenceNumber;
    const fragment = suite.encrypt(sessionType, CLOSE_NOTIFY, {
      type: ALERT_CONTENT_TYPE,
      version: (major << 8) | minor,
      epoch,
      sequenceNumber,
    });
    const record = Buffer.alloc(13 + fragment.length);
    record[0] = ALERT_CONTENT_TYPE;
    record[1] = major;
    record[2] = minor;
    record.writeUInt16BE(epoch, 3);
    record.writeUIntBE(sequenceNumber, 5, 6);
    record.writeUInt16BE(fragment.length, 11);
    fragment.copy(record, 13);
    // Straight onto the selected pair's socket when there is one: synchronous, so the peer connection can be closed
    // right after without racing werift's async send path.
    const pair = selectedPair(dtls);
    if (pair?.socket) pair.socket.send(record, pair.port, pair.host);
    else void transport.send.call(transport, record).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends one already-serialized RTCP packet (SRTCP-protected by werift). werift's `sendRtcp` only calls `serialize()`
 * on what it is given, and has no class for every packet the SFU builds (REMB is built in feedback.ts).
 */
export function sendRawRtcp(dtls: RTCDtlsTransport, packet: Buffer): boolean {
  if (typeof dtls.sendRtcp !== 'function' || dtls.state !== 'connected') return false;
  const raw = { serialize: () => packet } as unknown as Parameters<RTCDtlsTransport['sendRtcp']>[0][number];
  void dtls.sendRtcp([raw]).catch(() => undefined);
  return true;
}
