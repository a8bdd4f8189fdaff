/**
 * WHIP (publish) and WHEP (subscribe) sessions: one werift peer connection each, from offer to close.
 *
 * Lifecycle: `negotiate()` answers the offer; the session becomes `connected` when DTLS is up (the SFU reports
 * publish/subscribe started then, not at the HTTP answer, so a client that never connects never shows up as
 * publishing); `close()` is idempotent and runs for DELETE, the API (DisconnectParticipant, DeleteStage), the peer
 * going away, a failed/never-completed connection, or a publisher ending (its subscribers close with it).
 */
import { randomUUID } from 'node:crypto';
import { RtcpPayloadSpecificFeedback, RtcpRrPacket, type Kind, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { VerifiedParticipant } from './types.js';
import type { ForwardedCodec } from './codecs.js';
import { type LinkEstimate, lossBetween, PUBLISHER_START_KBPS, publisherTarget, rembPacket, startEstimate, updateLinkEstimate } from './feedback.js';
import type { Shaper } from './network.js';
import { SubscriberTrack, TrackForwarder } from './forwarder.js';
import { type MediaKind, stripUnsupportedFeedback, withStartBitrate } from './sdp.js';
import { answerOffer } from './peer.js';
import { createSrtpProtector } from './srtp.js';
import { datagramSenderOf, sendDtlsCloseNotify, sendRawRtcp, srtpKeysOf, watchInboundActivity } from './werift-internals.js';

/** Feedback message type of a Full Intra Request in a payload-specific RTCP packet (RFC 5104 section 4.3.1). */
const FIR_FMT = 4;
/**
 * REMB cadence: often during Chromium's 2 s start phase (it adopts a receiver estimate outright then, feedback.ts),
 * then once a second as a receiver sends it.
 */
const REMB_START_INTERVAL_MS = 200;
const REMB_START_PHASE_MS = 2000;
const REMB_INTERVAL_MS = 1000;

function mediaKind(kind: Kind): MediaKind | undefined {
  return kind === 'audio' || kind === 'video' ? kind : undefined;
}

export type SessionState = 'negotiating' | 'connecting' | 'connected' | 'closed';
export type CloseReason = 'deleted' | 'api' | 'publisherGone' | 'peerClosed' | 'timeout' | 'failed' | 'shutdown';

export interface SessionHooks {
  onConnected(session: MediaSession): void;
  /** `wasConnected`: whether onConnected ran, i.e. whether "started" was reported. */
  onClosed(session: MediaSession, reason: CloseReason, wasConnected: boolean): void;
  /** Called once the peer connection has fully closed (its sockets are released). */
  onPeerReleased(): void;
}

export abstract class MediaSession {
  readonly id = randomUUID();
  readonly createdAtMs = Date.now();
  state: SessionState = 'negotiating';
  /** Last time the remote showed it is alive (inbound datagram or STUN request). */
  lastActivityMs = Date.now();
  private unwatch: (() => void) | undefined;
  protected readonly cleanups: (() => void)[] = [];

  constructor(
    readonly participant: VerifiedParticipant,
    protected readonly pc: RTCPeerConnection,
    private readonly hooks: SessionHooks,
  ) {
    const sub = pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.markConnected();
      else if (s === 'failed') this.close('failed');
      else if (s === 'closed') this.close('peerClosed');
    });
    this.cleanups.push(() => sub.unSubscribe());
  }

  abstract readonly kind: 'publish' | 'subscribe';

  get closed(): boolean {
    return this.state === 'closed';
  }

  protected async answer(offerSdp: string, allowed: ReadonlySet<string>, configure: (t: RTCRtpTransceiver[]) => void): Promise<string> {
    const sdp = await answerOffer(this.pc, offerSdp, allowed, configure);
    if (this.state === 'negotiating') this.state = 'connecting';
    return stripUnsupportedFeedback(sdp, this.kind === 'publish');
  }

  private markConnected(): void {
    if (this.state !== 'connecting' && this.state !== 'negotiating') return;
    this.state = 'connected';
    const dtls = this.pc.dtlsTransports[0];
    if (dtls) {
      this.lastActivityMs = Date.now();
      this.unwatch = watchInboundActivity(dtls, () => {
        this.lastActivityMs = Date.now();
      });
    }
    try {
      this.onConnected();
    } catch {
      // A peer that connected in a state we cannot use (e.g. unexpected SRTP profile) is closed, not fatal.
      this.state = 'connecting';
      this.close('failed');
      return;
    }
    this.hooks.onConnected(this);
  }

  /** Kind-specific setup once DTLS is connected (throws to reject the connection). */
  protected abstract onConnected(): void;
  /** Kind-specific teardown (before the peer connection closes). */
  protected abstract onClose(reason: CloseReason): void;

  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.unwatch?.();
    for (const c of this.cleanups.splice(0)) c();
    this.onClose(reason);
    this.hooks.onClosed(this, reason, wasConnected);
    // Tell the remote now rather than leave it to notice via ICE consent (~30 s); see werift-internals.ts.
    const dtls = this.pc.dtlsTransports[0];
    if (wasConnected && dtls) sendDtlsCloseNotify(dtls);
    this.pc
      .close()
      .catch(() => undefined)
      .finally(() => this.hooks.onPeerReleased());
  }

  /** True when this session should have connected or heard from its peer by now. */
  isStale(nowMs: number, connectTimeoutMs: number, idleTimeoutMs: number): boolean {
    if (this.state === 'connected') return nowMs - this.lastActivityMs > idleTimeoutMs;
    return this.state !== 'closed' && nowMs - this.createdAtMs > connectTimeoutMs;
  }
}

/** What a publisher sends, per kind: the codec forwarded and its fan-out. */
export type PublishPlan = Partial<Record<MediaKind, ForwardedCodec>>;

export class PublisherSession extends MediaSession {
  readonly kind = 'publish';
  readonly forwarders = new Map<MediaKind, TrackForwarder>();
  readonly subscribers = new Set<SubscriberSession>();
  /** Loss-based estimate of the publisher's own uplink (feedback.ts). */
  uplink: LinkEstimate = startEstimate(performance.now());
  /** Last REMB value sent (bit/s), for stats and tests. */
  lastRembBps = 0;
  private feedbackTimer: NodeJS.Timeout | undefined;
  private uplinkSnapshot = { expected: 0, received: 0, bytes: 0, atMs: performance.now() };
  private readonly mediaSsrcs = new Set<number>();
  private rtcpSenderSsrc = 0;

  constructor(
    participant: VerifiedParticipant,
    pc: RTCPeerConnection,
    hooks: SessionHooks,
    plan: PublishPlan,
    /** The publisher's simulated uplink (network.ts): applied before forwarding. */
    private readonly uplinkShaper?: Shaper,
  ) {
    super(participant, pc, hooks);
    for (const [kind, codec] of Object.entries(plan) as [MediaKind, ForwardedCodec][]) {
      this.forwarders.set(kind, new TrackForwarder(codec));
    }
    pc.ontrack = ({ track, transceiver }) => {
      const kind = mediaKind(track.kind);
      const forwarder = kind && this.forwarders.get(kind);
      if (!forwarder) return;
      const shaper = this.uplinkShaper;
      const sub = track.onReceiveRtp.subscribe((rtp) => {
        if (shaper?.link === undefined) forwarder.push(rtp);
        else shaper.pass(rtp.payload.length + 12, () => forwarder.push(rtp));
      });
      this.cleanups.push(() => sub.unSubscribe());
      if (kind === 'video' && track.ssrc !== undefined) this.mediaSsrcs.add(track.ssrc);
      this.rtcpSenderSsrc = transceiver.receiver.rtcpSsrc;
      forwarder.setKeyframeRequester(() => {
        if (track.ssrc !== undefined && !this.closed) void transceiver.receiver.sendRtcpPLI(track.ssrc);
      });
    };
  }

  async negotiate(offerSdp: string, allowed: ReadonlySet<string>): Promise<string> {
    const sdp = await this.answer(offerSdp, allowed, (transceivers) => {
      for (const t of transceivers) {
        const kind = mediaKind(t.kind);
        t.setDirection(kind && this.forwarders.has(kind) ? 'recvonly' : 'inactive');
      }
    });
    return withStartBitrate(sdp, PUBLISHER_START_KBPS);
  }

  protected onConnected(): void {
    if (!this.forwarders.has('video')) return;
    const startedAt = performance.now();
    const tick = () => {
      this.sendFeedback();
      const interval = performance.now() - startedAt < REMB_START_PHASE_MS ? REMB_START_INTERVAL_MS : REMB_INTERVAL_MS;
      this.feedbackTimer = setTimeout(tick, interval);
      this.feedbackTimer.unref();
    };
    tick();
  }

  /** Updates the uplink estimate from what arrived since the last tick and sends REMB with the publisher's target. */
  private sendFeedback(): void {
    const video = this.forwarders.get('video');
    if (!video || this.closed) return;
    const now = performance.now();
    const expected = video.highestExtSeq < 0 ? 0 : video.highestExtSeq - video.firstExtSeq + 1;
    const prev = this.uplinkSnapshot;
    const dExpected = expected - prev.expected;
    if (dExpected > 0 && now - prev.atMs >= REMB_INTERVAL_MS / 2) {
      const dReceived = video.received - prev.received;
      const sentBps = ((video.bytesReceived - prev.bytes) * 8 * 1000) / (now - prev.atMs);
      this.uplink = updateLinkEstimate(this.uplink, { lossFraction: lossBetween(dExpected, dReceived), sentBps, atMs: now });
      this.uplinkSnapshot = { expected, received: video.received, bytes: video.bytesReceived, atMs: now };
    }
    const subscribers: number[] = [];
    for (const s of this.subscribers) if (s.state === 'connected') subscribers.push(s.downlink.bps);
    const target = publisherTarget({ subscribers, uplinkBps: this.uplink.bps, simulcast: false });
    if (this.mediaSsrcs.size === 0) return;
    const dtls = this.pc.dtlsTransports[0];
    if (dtls && sendRawRtcp(dtls, rembPacket(this.rtcpSenderSsrc, [...this.mediaSsrcs], target))) this.lastRembBps = target;
  }

  protected onClose(): void {
    clearTimeout(this.feedbackTimer);
    for (const f of this.forwarders.values()) f.close();
    for (const s of [...this.subscribers]) s.close('publisherGone');
    this.subscribers.clear();
  }
}

export class SubscriberSession extends MediaSession {
  readonly kind = 'subscribe';
  private readonly outputs = new Map<MediaKind, SubscriberTrack>();
  private transceivers: RTCRtpTransceiver[] = [];
  /** Loss-based estimate of this subscriber's downlink, from its receiver reports (feedback.ts). */
  downlink: LinkEstimate = startEstimate(performance.now());
  private reportSnapshot = { bytes: 0, atMs: performance.now() };

  constructor(
    participant: VerifiedParticipant,
    pc: RTCPeerConnection,
    hooks: SessionHooks,
    readonly publisher: PublisherSession,
    /** The subscriber's simulated downlink (network.ts): applied in the send path. */
    private readonly downlinkShaper?: Shaper,
  ) {
    super(participant, pc, hooks);
  }

  get publisherParticipantId(): string {
    return this.publisher.participant.participantId;
  }

  negotiate(offerSdp: string, allowed: ReadonlySet<string>): Promise<string> {
    return this.answer(offerSdp, allowed, (transceivers) => {
      const used = new Set<MediaKind>();
      for (const t of transceivers) {
        const kind = mediaKind(t.kind);
        if (kind && this.publisher.forwarders.has(kind) && !used.has(kind)) {
          used.add(kind);
          t.setDirection('sendonly');
          // Audio and video in separate streams: with one stream Chromium lip-syncs them, which raised latency
          // to 180–390 ms in some prototype runs (webrtc-here.md).
          t.sender.streamIds = [`${this.publisherParticipantId}-${kind}`];
          this.transceivers.push(t);
        } else {
          t.setDirection('inactive');
        }
      }
    });
  }

  protected onConnected(): void {
    for (const t of this.transceivers) {
      const kind = mediaKind(t.kind);
      const forwarder = kind && this.publisher.forwarders.get(kind);
      const sender = t.sender;
      const codec = sender.codec;
      if (!kind || !forwarder || !codec) continue;
      const dtls = sender.dtlsTransport;
      const output = new SubscriberTrack(
        createSrtpProtector(srtpKeysOf(dtls)),
        datagramSenderOf(dtls),
        codec.payloadType,
        sender.ssrc,
        this.downlinkShaper,
      );
      this.outputs.set(kind, output);
      const subs = [
        sender.onPictureLossIndication.subscribe(() => forwarder.requestKeyframe()),
        sender.onRtcp.subscribe((rtcp) => {
          if (rtcp.type === RtcpPayloadSpecificFeedback.type && rtcp.feedback.count === FIR_FMT) {
            forwarder.requestKeyframe();
          } else if (kind === 'video' && rtcp.type === RtcpRrPacket.type) {
            const report = rtcp.reports.find((r) => r.ssrc === sender.ssrc);
            if (report) this.onReceiverReport(report.fractionLost / 256, output.bytesSent);
          }
        }),
        sender.onGenericNack.subscribe((nack) => forwarder.retransmit(output, nack.lost)),
      ];
      this.cleanups.push(() => {
        for (const s of subs) s.unSubscribe();
        forwarder.remove(output);
      });
      forwarder.add(output);
      // Start the new viewer on a keyframe instead of waiting for the encoder's next one.
      forwarder.requestKeyframe();
    }
  }

  private onReceiverReport(lossFraction: number, bytesSent: number): void {
    const now = performance.now();
    const prev = this.reportSnapshot;
    if (now - prev.atMs < 200) return; // a compound burst, not a new interval
    const sentBps = ((bytesSent - prev.bytes) * 8 * 1000) / (now - prev.atMs);
    this.downlink = updateLinkEstimate(this.downlink, { lossFraction, sentBps, atMs: now });
    this.reportSnapshot = { bytes: bytesSent, atMs: now };
  }

  protected onClose(): void {
    this.publisher.subscribers.delete(this);
  }

  get packetsSent(): number {
    let n = 0;
    for (const o of this.outputs.values()) n += o.packetsSent;
    return n;
  }
}
