/**
 * The receive side of a load subscriber without werift's per-packet work.
 *
 * werift handles every inbound SRTP packet with an AES + HMAC check, a header parse into objects, a NACK/jitter
 * handler and two event emitters (~56 µs per packet measured for testkit/webrtc/subscriber.ts). A load subscriber needs none
 * of the payload: the SRTP header (RFC 3711 section 3.1) is sent in the clear, so sequence number, timestamp, SSRC,
 * payload type and size are readable as they arrive. RtpTap sits in front of werift's UDP receive callback and keeps
 * RTP for itself; STUN, DTLS and RTCP (SRTCP: sender reports, BYE) still go to werift, so ICE consent, DTLS
 * close_notify and SRTCP keep working and werift stays the one that protects what we send (see receiver-rtcp.ts).
 *
 * Not verified: the SRTP authentication tag of RTP packets (nothing is decrypted). A load test counts what the
 * server sent; it does not defend against a forger on loopback.
 */
import type { RTCDtlsTransport } from 'werift';

/** Longest run of missing packets that is NACKed (longer: a discontinuity, counted as loss). */
const MAX_NACK_GAP = 256;

/** Per-SSRC receive state: the figures an RTCP receiver report needs (RFC 3550 section 6.4.1, appendix A.3, A.8). */
export class ReceiveStream {
  packets = 0;
  bytes = 0;
  duplicates = 0;
  /** Packets NACKed and then received (retransmissions that filled a gap). */
  recovered = 0;
  firstArrivalMs = -1;
  lastArrivalMs = -1;
  lastTimestamp = 0;
  /** RFC 3550 interarrival jitter, in timestamp units (kept as a float; reports take the integer part). */
  jitter = 0;
  /** Extended highest sequence number received. */
  highest = -1;
  base = -1;
  /** Missing extended sequence numbers, with the NACK attempts made for each. */
  readonly missing = new Map<number, number>();
  private lastTransit = 0;
  private cycles = 0;
  private started = false;
  // Snapshot for the "fraction lost" of the next receiver report.
  expectedPrior = 0;
  receivedPrior = 0;

  constructor(
    readonly ssrc: number,
    readonly kind: 'audio' | 'video',
    /** RTP clock rate (Hz) of this stream's payload type. */
    readonly clockRate: number,
  ) {}

  add(seq: number, timestamp: number, size: number, nowMs: number): void {
    this.bytes += size;
    if (!this.started) {
      this.started = true;
      this.base = seq;
      this.highest = seq;
      this.packets = 1;
      this.firstArrivalMs = nowMs;
      this.lastArrivalMs = nowMs;
      this.lastTimestamp = timestamp;
      this.lastTransit = (nowMs * this.clockRate) / 1000 - timestamp;
      return;
    }
    // Extend to 32 bits against the highest seen: a jump of more than half the space is a wrap.
    let ext = this.cycles + seq;
    if (ext - this.highest < -0x8000) ext += 0x10000;
    else if (ext - this.highest > 0x8000) ext -= 0x10000;
    if (ext > this.highest) {
      // Gaps worth a NACK only; a longer jump (a source restart) is counted as loss without one.
      if (ext - this.highest <= MAX_NACK_GAP) for (let s = this.highest + 1; s < ext; s++) this.missing.set(s, 0);
      this.highest = ext;
      this.cycles = ext - seq;
      this.packets++;
      // Jitter from in-order packets only (RFC 3550 A.8 uses every packet; retransmissions would skew it).
      const transit = (nowMs * this.clockRate) / 1000 - timestamp;
      const d = Math.abs(transit - this.lastTransit);
      this.lastTransit = transit;
      this.jitter += (d - this.jitter) / 16;
      this.lastTimestamp = timestamp;
    } else if (this.missing.delete(ext)) {
      this.packets++;
      this.recovered++;
    } else {
      this.duplicates++;
    }
    this.lastArrivalMs = nowMs;
  }

  /** Packets expected from the first to the highest sequence number. */
  expected(): number {
    return this.highest < 0 ? 0 : this.highest - this.base + 1;
  }

  /** Cumulative loss as RFC 3550 counts it (expected - received, duplicates excluded). */
  lost(): number {
    return Math.max(0, this.expected() - this.packets);
  }
}

interface UdpTransportLike {
  onData: (data: Buffer, addr: [string, number]) => void;
}

function isUdpTransport(v: unknown): v is UdpTransportLike {
  return typeof v === 'object' && v !== null && typeof (v as { onData?: unknown }).onData === 'function';
}

export interface TapTarget {
  /** Payload type -> kind and clock rate, from the negotiated answer. */
  readonly payloadTypes: ReadonlyMap<number, { readonly kind: 'audio' | 'video'; readonly clockRate: number }>;
  readonly streams: Map<number, ReceiveStream>;
  /** Called for the first RTP packet of all. */
  onFirstPacket(): void;
  /** Called when a packet arrives past a gap (a NACK may be due). */
  onGap(stream: ReceiveStream): void;
  /** Drops every n-th video packet on arrival (tests of NACK recovery); 0 or absent: none. */
  readonly dropEveryNthVideo?: number;
}

/**
 * Puts the tap in front of every local candidate's UDP transport of `dtls` (the selected pair is not known before
 * ICE completes, and media may arrive the moment it does). Returns a function that takes it out again.
 * Throws when werift's internals are not as expected, so a werift upgrade fails at once, not silently.
 */
export function installRtpTap(dtls: RTCDtlsTransport, target: TapTarget): () => void {
  const connection = dtls.iceTransport.connection as unknown as { protocols?: unknown };
  const protocols = connection.protocols;
  if (!Array.isArray(protocols) || protocols.length === 0) throw new Error('werift ICE protocols not found (werift internals changed?)');
  const restore: (() => void)[] = [];
  let first = true;
  let dropCounter = 0;
  const now = (): number => performance.now();
  for (const protocol of protocols) {
    const transport: unknown = (protocol as { transport?: unknown }).transport;
    if (!isUdpTransport(transport)) continue; // TCP candidates are never offered
    const original = transport.onData;
    transport.onData = (data, addr) => {
      // RFC 7983 demultiplexing: 128-191 is RTP/RTCP; RTCP packet types 192-223 (RFC 5761) go on to werift.
      const b0 = data[0] ?? 0;
      const pt = data[1] ?? 0;
      if (b0 < 128 || b0 > 191 || (pt >= 192 && pt <= 223) || data.length < 12) {
        original(data, addr);
        return;
      }
      const info = target.payloadTypes.get(pt & 0x7f);
      if (!info) return; // not negotiated: a real receiver drops it too
      if (target.dropEveryNthVideo && info.kind === 'video' && ++dropCounter % target.dropEveryNthVideo === 0) return;
      const ssrc = data.readUInt32BE(8);
      let stream = target.streams.get(ssrc);
      if (!stream) {
        stream = new ReceiveStream(ssrc, info.kind, info.clockRate);
        target.streams.set(ssrc, stream);
      }
      const before = stream.missing.size;
      stream.add(data.readUInt16BE(2), data.readUInt32BE(4), data.length, now());
      if (first) {
        first = false;
        target.onFirstPacket();
      }
      if (stream.missing.size > before) target.onGap(stream);
    };
    restore.push(() => {
      transport.onData = original;
    });
  }
  if (restore.length === 0) throw new Error('no werift UDP transport to tap (werift internals changed?)');
  return () => {
    for (const r of restore) r();
  };
}

/** Payload types of each m-section of an SDP answer (`a=rtpmap:<pt> <codec>/<rate>`), for the tap. */
export function payloadTypesOf(sdp: string): Map<number, { kind: 'audio' | 'video'; clockRate: number }> {
  const out = new Map<number, { kind: 'audio' | 'video'; clockRate: number }>();
  let kind: 'audio' | 'video' | null = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) kind = line.startsWith('m=audio') ? 'audio' : line.startsWith('m=video') ? 'video' : null;
    const m = /^a=rtpmap:(\d+) [^/]+\/(\d+)/.exec(line);
    if (m && kind) out.set(Number(m[1]), { kind, clockRate: Number(m[2]) });
  }
  return out;
}
