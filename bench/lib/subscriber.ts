/**
 * A non-decoding subscriber: ICE, DTLS and SRTP with werift, counting RTP packets and sequence gaps, never decoding.
 * Used by the fleet worker. Its ICE agent is full (the SFU is ICE-lite), so werift would ask a STUN server for a
 * reflexive candidate, and its default is a public Google server even with `iceServers: []`: it is pointed at the
 * discard port on loopback instead, and gathering stops waiting for it after a few ms. No packet leaves 127.0.0.1.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RtpPacket } from 'werift';
import { deleteSession, postOffer } from './whip.js';

export interface SubscribeOptions {
  readonly whepUrl: string;
  readonly token: string;
  readonly audio: boolean;
  /** Fail if no media packet arrives by then (from the start of the offer). */
  readonly timeoutMs: number;
}

export interface SubscriberHandle {
  /** Offer creation → ICE+DTLS connected, ms. */
  readonly joinMs: number | null;
  /** Offer creation → first RTP packet, ms. */
  readonly firstPacketMs: number | null;
  packets(): number;
  /** Packets missing from the sequence ranges seen so far (per SSRC), after werift's own NACK recovery. */
  lost(): number;
  /** True once the transport failed or closed after joining. */
  broken(): boolean;
  close(): Promise<void>;
}

/** Received-sequence bookkeeping for one SSRC: extended highest sequence against packets counted. */
export class SeqTracker {
  private first: number | null = null;
  private highest = 0;
  private cycles = 0;
  private lastSeq = 0;
  received = 0;

  push(seq: number): void {
    this.received++;
    if (this.first === null) {
      this.first = seq;
      this.highest = seq;
      this.lastSeq = seq;
      return;
    }
    // A wrap: the sequence jumped back by more than half the space.
    if (seq < this.lastSeq && this.lastSeq - seq > 0x8000) this.cycles += 0x10000;
    const ext = this.cycles + seq;
    if (ext > this.highest) this.highest = ext;
    this.lastSeq = seq;
  }

  lost(): number {
    if (this.first === null) return 0;
    return Math.max(0, this.highest - this.first + 1 - this.received);
  }
}

export async function subscribe(o: SubscribeOptions): Promise<SubscriberHandle> {
  const t0 = performance.now();
  const pc = new RTCPeerConnection({
    iceServers: [{ urls: 'stun:127.0.0.1:9' }],
    iceStunGatherTimeout: 0.02,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    headerExtensions: { audio: [], video: [] },
    codecs: {
      video: [
        new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }),
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
        }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
  });
  let joinMs: number | null = null;
  let firstPacketMs: number | null = null;
  let packets = 0;
  let broken = false;
  const trackers = new Map<number, SeqTracker>();
  const onRtp = (rtp: RtpPacket): void => {
    packets++;
    if (firstPacketMs === null) firstPacketMs = performance.now() - t0;
    const ssrc = rtp.header.ssrc;
    let t = trackers.get(ssrc);
    if (!t) trackers.set(ssrc, (t = new SeqTracker()));
    t.push(rtp.header.sequenceNumber);
  };
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && joinMs === null) joinMs = performance.now() - t0;
    if ((state === 'failed' || state === 'closed') && joinMs !== null) broken = true;
  });
  const kinds: ('video' | 'audio')[] = o.audio ? ['video', 'audio'] : ['video'];
  for (const kind of kinds) {
    const tr = pc.addTransceiver(kind, { direction: 'recvonly' });
    tr.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(onRtp));
  }
  let location: string | null = null;
  const close = async (): Promise<void> => {
    if (location) await deleteSession(location, o.token);
    await pc.close().catch(() => undefined);
  };
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await waitGathering(pc, 3000);
    const offer = pc.localDescription?.sdp;
    if (!offer) throw new Error('no local offer');
    const signal = await postOffer(o.whepUrl, o.token, offer, Math.max(1000, o.timeoutMs - (performance.now() - t0)));
    location = signal.location;
    await pc.setRemoteDescription({ type: 'answer', sdp: signal.answer });
    const deadline = t0 + o.timeoutMs;
    while (firstPacketMs === null) {
      if (performance.now() > deadline) {
        // The reason names the step that stalled (ICE checks, or DTLS after ICE), so a load test's failures say where.
        throw new Error(
          joinMs === null
            ? pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed'
              ? 'DTLS did not complete in time (ICE connected)'
              : `ICE did not connect in time (ICE ${pc.iceConnectionState})`
            : 'connected but no media packet in time',
        );
      }
      if (pc.connectionState === 'failed') throw new Error('ICE/DTLS failed');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    get joinMs() {
      return joinMs;
    },
    get firstPacketMs() {
      return firstPacketMs;
    },
    packets: () => packets,
    lost: () => [...trackers.values()].reduce((s, t) => s + t.lost(), 0),
    broken: () => broken,
    close,
  };
}

async function waitGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (pc.iceGatheringState !== 'complete' && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
}
