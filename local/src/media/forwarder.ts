/**
 * The SFU's hot path: one publisher track fanned out to its subscribers without transcoding.
 *
 * Per incoming packet (once, whatever the number of subscribers): build the forwarded RTP header without header
 * extensions (their ids are per peer connection, and the SFU negotiates none), compute the SRTP rollover counter
 * from the sequence number, and keep the packet for NACK retransmission (video).
 * Per subscriber: copy the 12-byte header, set its payload type and SSRC, SRTP-protect, one sendmsg.
 * Sequence numbers and timestamps pass through unchanged: a subscriber is bound to one publisher for its whole
 * session, so there is never a source switch to smooth over.
 */
import type { RtpPacket } from 'werift';
import type { ForwardedCodec } from './codecs.js';
import type { Shaper } from './network.js';
import { RolloverTracker, type SrtpProtector } from './srtp.js';
import type { DatagramSender } from './werift-internals.js';

/** One RTP packet as forwarded. `header` has no extensions; bytes 1 (marker|PT) and 8–11 (SSRC) are per subscriber. */
export interface ForwardPacket {
  readonly header: Buffer;
  /** Payload, followed by the padding bytes when the P bit is set. */
  readonly payload: Buffer;
  readonly seq: number;
  /** SRTP rollover counter of `seq` on the publisher's stream. */
  readonly roc: number;
}

/** Where a forwarder delivers packets: a subscriber's track, or a simulcast layer switcher (simulcast.ts). */
export interface PacketSink {
  send(packet: ForwardPacket): void;
}

/** Enough for NACKs within ~1–5 s of video; a power of two so `seq & mask` indexes it. */
const NACK_HISTORY = 1024;
/**
 * Minimum gap between keyframe requests sent to the publisher: a burst of joining subscribers, each asking for a
 * keyframe, must not make the encoder send one keyframe per subscriber.
 */
export const KEYFRAME_REQUEST_INTERVAL_MS = 500;

export class TrackForwarder {
  private outputs: PacketSink[] = [];
  private readonly rollover = new RolloverTracker();
  private readonly history: (ForwardPacket | undefined)[] | undefined;
  private lastKeyframeRequestMs = Number.NEGATIVE_INFINITY;
  private pendingKeyframeRequest: NodeJS.Timeout | undefined;
  private keyframeRequester: (() => void) | undefined;
  /** Packets received from the publisher. */
  received = 0;
  /** RTP bytes received (header + payload), for the uplink estimate (feedback.ts). */
  bytesReceived = 0;
  /** Extended highest sequence number seen, and the first one: expected = highest - first + 1. */
  highestExtSeq = -1;
  firstExtSeq = -1;
  /** When the last packet arrived (performance.now()), to tell a paused simulcast layer. */
  lastPacketMs = Number.NEGATIVE_INFINITY;

  constructor(readonly codec: ForwardedCodec) {
    this.history = codec.kind === 'video' ? new Array<ForwardPacket | undefined>(NACK_HISTORY) : undefined;
  }

  get kind(): 'audio' | 'video' {
    return this.codec.kind;
  }

  get subscriberCount(): number {
    return this.outputs.length;
  }

  /** Sets how to ask the publisher for a keyframe (a PLI on its receiver); known once its track arrives. */
  setKeyframeRequester(request: () => void): void {
    this.keyframeRequester = request;
  }

  push(rtp: RtpPacket): void {
    this.received++;
    const h = rtp.header;
    const csrcCount = h.csrc.length & 0x0f;
    const header = Buffer.allocUnsafe(12 + 4 * csrcCount);
    header[0] = 0x80 | (h.padding ? 0x20 : 0) | csrcCount; // version 2, extension bit cleared
    header[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
    header.writeUInt16BE(h.sequenceNumber, 2);
    header.writeUInt32BE(h.timestamp >>> 0, 4);
    header.writeUInt32BE(h.ssrc >>> 0, 8);
    for (let i = 0; i < csrcCount; i++) header.writeUInt32BE((h.csrc[i] ?? 0) >>> 0, 12 + 4 * i);
    const packet: ForwardPacket = {
      header,
      payload: h.padding && h.paddingSize > 0 ? withPadding(rtp.payload, h.paddingSize) : rtp.payload,
      seq: h.sequenceNumber,
      roc: this.rollover.update(h.sequenceNumber),
    };
    this.bytesReceived += header.length + packet.payload.length;
    this.lastPacketMs = performance.now();
    const ext = packet.roc * 0x10000 + packet.seq;
    if (this.firstExtSeq < 0) this.firstExtSeq = ext;
    if (ext > this.highestExtSeq) this.highestExtSeq = ext;
    if (this.history) this.history[packet.seq & (NACK_HISTORY - 1)] = packet;
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) outputs[i]?.send(packet);
  }

  /** Re-sends packets a subscriber reported lost (NACK), if still in the history. */
  retransmit(output: PacketSink, lost: readonly number[]): void {
    if (!this.history) return;
    for (const seq of lost) {
      const packet = this.history[seq & (NACK_HISTORY - 1)];
      if (packet && packet.seq === seq && packet.roc === this.rollover.estimate(seq)) output.send(packet);
    }
  }

  add(output: PacketSink): void {
    // A new array rather than push: the fan-out loop never sees the list change under it.
    this.outputs = [...this.outputs, output];
  }

  remove(output: PacketSink): void {
    this.outputs = this.outputs.filter((o) => o !== output);
  }

  /** Asks the publisher for a keyframe, at most once per KEYFRAME_REQUEST_INTERVAL_MS (later asks are merged). */
  requestKeyframe(): void {
    if (this.codec.kind !== 'video' || this.pendingKeyframeRequest) return;
    const wait = this.lastKeyframeRequestMs + KEYFRAME_REQUEST_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sendKeyframeRequest();
      return;
    }
    this.pendingKeyframeRequest = setTimeout(() => {
      this.pendingKeyframeRequest = undefined;
      this.sendKeyframeRequest();
    }, wait);
    this.pendingKeyframeRequest.unref();
  }

  private sendKeyframeRequest(): void {
    this.lastKeyframeRequestMs = Date.now();
    this.keyframeRequester?.();
  }

  close(): void {
    clearTimeout(this.pendingKeyframeRequest);
    this.pendingKeyframeRequest = undefined;
    this.outputs = [];
    this.history?.fill(undefined);
  }
}

function withPadding(payload: Buffer, paddingSize: number): Buffer {
  const out = Buffer.alloc(payload.length + paddingSize);
  payload.copy(out);
  out[out.length - 1] = paddingSize;
  return out;
}

/** One subscriber's copy of one publisher track: its payload type, SSRC and SRTP context. */
export class SubscriberTrack implements PacketSink {
  /** ROC of the first packet sent: SRTP receivers start counting at 0 for a new SSRC (RFC 3711 section 3.3.1). */
  private baseRoc = -1;
  packetsSent = 0;
  bytesSent = 0;

  constructor(
    private readonly protector: SrtpProtector,
    private readonly sendDatagram: DatagramSender,
    private readonly payloadType: number,
    private readonly ssrc: number,
    /** This subscriber's simulated downlink (network.ts); `link` undefined = unimpaired, sent directly. */
    private readonly shaper?: Shaper,
  ) {}

  send(packet: ForwardPacket): void {
    if (this.baseRoc < 0) this.baseRoc = packet.roc;
    const roc = packet.roc - this.baseRoc;
    if (roc < 0) return; // from before this subscriber's first packet: it cannot place it
    const header = Buffer.allocUnsafe(packet.header.length);
    packet.header.copy(header);
    header[1] = ((header[1] ?? 0) & 0x80) | this.payloadType;
    header.writeUInt32BE(this.ssrc, 8);
    const parts = this.protector.protect(header, packet.payload, roc);
    const bytes = header.length + packet.payload.length + this.protector.tagLength;
    if (this.shaper?.link !== undefined) {
      this.shaper.pass(bytes, () => this.sendDatagram(parts));
      this.packetsSent++;
      this.bytesSent += bytes;
    } else if (this.sendDatagram(parts)) {
      this.packetsSent++;
      this.bytesSent += bytes;
    }
  }
}
