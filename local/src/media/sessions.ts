/**
 * WHIP (publish) and WHEP (subscribe) sessions: one werift peer connection each, from offer to close.
 *
 * Lifecycle: `negotiate()` answers the offer; the session becomes `connected` when DTLS is up (the SFU reports
 * publish/subscribe started then, not at the HTTP answer, so a client that never connects never shows up as
 * publishing); `close()` is idempotent and runs for DELETE, the API (DisconnectParticipant, DeleteStage), the peer
 * going away, a failed/never-completed connection, or a publisher ending (its subscribers close with it).
 */
import { randomUUID } from 'node:crypto';
import { type MediaStreamTrack, RtcpPayloadSpecificFeedback, RtcpRrPacket, type Kind, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { VerifiedParticipant } from './types.js';
import type { ForwardedCodec } from './codecs.js';
import { type LinkEstimate, lossBetween, nackLoss, PUBLISHER_START_KBPS, publisherTarget, rembPacket, startEstimate, updateLinkEstimate } from './feedback.js';
import type { Shaper } from './network.js';
import { SubscriberTrack, TrackForwarder } from './forwarder.js';
import { type MediaKind, stripUnsupportedFeedback, withStartBitrate } from './sdp.js';
import { answerOffer } from './peer.js';
import { type LayerInfo, type LayerPreference, LayerSwitcher, selectLayer } from './simulcast.js';
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
/** A simulcast layer with no packet for this long is paused (the encoder drops layers it cannot afford). */
const LAYER_IDLE_MS = 1500;
/** A NACKed packet is re-sent at most once per this interval (see SubscriberSession.notRecentlyResent). */
const RESEND_INTERVAL_MS = 250;

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
  /** Per kind, the forwarder subscribers are checked against (with simulcast: the first layer; `layers` has all). */
  readonly forwarders = new Map<MediaKind, TrackForwarder>();
  /** Simulcast video layers by rid, lowest first once measured (empty without simulcast). */
  readonly layers = new Map<string, TrackForwarder>();
  readonly subscribers = new Set<SubscriberSession>();
  /** Loss-based estimate of the publisher's own uplink (feedback.ts). */
  uplink: LinkEstimate = startEstimate(performance.now());
  /** Last REMB value sent (bit/s), for stats and tests. */
  lastRembBps = 0;
  /** Each layer's measured bitrate, lowest first (updated every feedback tick). */
  layerInfo: LayerInfo[] = [];
  private feedbackTimer: NodeJS.Timeout | undefined;
  private uplinkSnapshot = { expected: 0, received: 0, bytes: 0, atMs: performance.now() };
  private readonly layerBytes = new Map<string, number>();
  private readonly mediaSsrcs = new Set<number>();
  private rtcpSenderSsrc = 0;

  constructor(
    participant: VerifiedParticipant,
    pc: RTCPeerConnection,
    hooks: SessionHooks,
    plan: PublishPlan,
    /** The publisher's simulated uplink (network.ts): applied before forwarding. */
    private readonly uplinkShaper: Shaper | undefined,
    /** Simulcast rids of the video track (two or three), or none. */
    rids: readonly string[],
  ) {
    super(participant, pc, hooks);
    for (const [kind, codec] of Object.entries(plan) as [MediaKind, ForwardedCodec][]) {
      this.forwarders.set(kind, new TrackForwarder(codec));
    }
    const video = plan.video;
    if (video && rids.length > 1) {
      for (const rid of rids) this.layers.set(rid, new TrackForwarder(video));
      this.forwarders.set('video', this.layers.get(rids[0] ?? '') ?? new TrackForwarder(video));
      this.layerInfo = rids.map((rid) => ({ rid, bps: 0, active: false }));
    }
    pc.ontrack = ({ track, transceiver }) => {
      const kind = mediaKind(track.kind);
      if (!kind) return;
      this.rtcpSenderSsrc = transceiver.receiver.rtcpSsrc;
      // A simulcast transceiver has one track per rid; ontrack fires once for it.
      const tracks = kind === 'video' && this.layers.size > 0 ? transceiver.receiver.tracks : [track];
      for (const t of tracks) {
        const forwarder = t.rid !== undefined && this.layers.size > 0 ? this.layers.get(t.rid) : this.forwarders.get(kind);
        if (forwarder) this.receive(t, forwarder, kind, transceiver);
      }
    };
  }

  get simulcast(): boolean {
    return this.layers.size > 0;
  }

  private receive(track: MediaStreamTrack, forwarder: TrackForwarder, kind: MediaKind, transceiver: RTCRtpTransceiver): void {
    const shaper = this.uplinkShaper;
    let ssrc: number | undefined = track.ssrc;
    const sub = track.onReceiveRtp.subscribe((rtp) => {
      if (ssrc === undefined || ssrc !== rtp.header.ssrc) {
        ssrc = rtp.header.ssrc;
        if (kind === 'video') this.mediaSsrcs.add(ssrc);
      }
      if (shaper?.link === undefined) forwarder.push(rtp);
      else shaper.pass(rtp.payload.length + 12, () => forwarder.push(rtp));
    });
    this.cleanups.push(() => sub.unSubscribe());
    if (kind === 'video' && ssrc !== undefined) this.mediaSsrcs.add(ssrc);
    forwarder.setKeyframeRequester(() => {
      if (ssrc !== undefined && !this.closed) void transceiver.receiver.sendRtcpPLI(ssrc);
    });
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

  private videoForwarders(): TrackForwarder[] {
    if (this.simulcast) return [...this.layers.values()];
    const video = this.forwarders.get('video');
    return video ? [video] : [];
  }

  /**
   * Updates the uplink estimate and the layers' bitrates from what arrived since the last tick, lets simulcast
   * subscribers pick their layer, and sends REMB with the publisher's target.
   */
  private sendFeedback(): void {
    const video = this.videoForwarders();
    if (video.length === 0 || this.closed) return;
    const now = performance.now();
    let expected = 0;
    let received = 0;
    let bytes = 0;
    for (const f of video) {
      expected += f.highestExtSeq < 0 ? 0 : f.highestExtSeq - f.firstExtSeq + 1;
      received += f.received;
      bytes += f.bytesReceived;
    }
    const prev = this.uplinkSnapshot;
    const dExpected = expected - prev.expected;
    const elapsed = now - prev.atMs;
    if (dExpected > 0 && elapsed >= REMB_INTERVAL_MS / 2) {
      const sentBps = ((bytes - prev.bytes) * 8 * 1000) / elapsed;
      this.uplink = updateLinkEstimate(this.uplink, { lossFraction: lossBetween(dExpected, received - prev.received), sentBps, atMs: now });
      this.uplinkSnapshot = { expected, received, bytes, atMs: now };
      if (this.simulcast) this.measureLayers(elapsed, now);
    }
    const subscribers: number[] = [];
    for (const s of this.subscribers) {
      if (s.state !== 'connected') continue;
      subscribers.push(s.downlink.bps);
      if (this.simulcast) s.chooseLayer(this.layerInfo);
    }
    const target = publisherTarget({ subscribers, uplinkBps: this.uplink.bps, simulcast: this.simulcast });
    if (this.mediaSsrcs.size === 0) return;
    const dtls = this.pc.dtlsTransports[0];
    if (dtls && sendRawRtcp(dtls, rembPacket(this.rtcpSenderSsrc, [...this.mediaSsrcs], target))) this.lastRembBps = target;
  }

  private measureLayers(elapsedMs: number, now: number): void {
    const info: LayerInfo[] = [];
    for (const [rid, f] of this.layers) {
      const bps = ((f.bytesReceived - (this.layerBytes.get(rid) ?? 0)) * 8 * 1000) / elapsedMs;
      this.layerBytes.set(rid, f.bytesReceived);
      info.push({ rid, bps, active: now - f.lastPacketMs < LAYER_IDLE_MS });
    }
    // Lowest first by what each layer really carries (rids are the publisher's names, not an order).
    const byRate = [...info].sort((a, b) => a.bps - b.bps);
    this.layerInfo = byRate.every((l) => l.active) ? byRate : info;
  }

  protected onClose(): void {
    clearTimeout(this.feedbackTimer);
    for (const f of this.forwarders.values()) f.close();
    for (const f of this.layers.values()) f.close();
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
  /** Loss in the last receiver report, 0–1. */
  lastLossFraction = 0;
  /** The layer the viewer asked for (simulcast publishers only; `auto` follows the estimate). */
  preference: LayerPreference = 'auto';
  /** Receives the simulcast layer chosen for this subscriber (undefined without simulcast). */
  switcher: LayerSwitcher | undefined;
  private reportSnapshot = { bytes: 0, fresh: 0, atMs: performance.now() };
  /** Video sequence numbers NACKed since the last receiver report, and packets re-sent for NACKs overall. */
  private readonly nacked = new Set<number>();
  private retransmitted = 0;
  /** When each recently NACKed sequence number was last re-sent (performance.now()). */
  private readonly resentAt = new Map<number, number>();

  constructor(
    participant: VerifiedParticipant,
    pc: RTCPeerConnection,
    hooks: SessionHooks,
    readonly publisher: PublisherSession,
    /** The subscriber's simulated downlink (network.ts): applied in the send path. */
    private readonly downlinkShaper?: Shaper,
    /** Told each time the subscriber's simulcast layer changes. */
    private readonly onLayerSwitched: (session: SubscriberSession, from: string | undefined, to: string) => void = () => undefined,
  ) {
    super(participant, pc, hooks);
  }

  /** Picks this subscriber's simulcast layer (called every feedback tick and when the viewer's choice changes). */
  chooseLayer(layers: readonly LayerInfo[]): void {
    const switcher = this.switcher;
    if (!switcher) return;
    const rid = selectLayer({
      layers,
      current: switcher.current,
      estimateBps: this.downlink.bps,
      lossFraction: this.lastLossFraction,
      preference: this.preference,
      sinceSwitchMs: switcher.sinceSwitchMs,
    });
    if (rid !== undefined) switcher.switchTo(rid);
  }

  setPreference(preference: LayerPreference): void {
    this.preference = preference;
    this.chooseLayer(this.publisher.layerInfo);
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
      const switcher =
        kind === 'video' && this.publisher.simulcast
          ? new LayerSwitcher(this.publisher.layers, output, (from, to) => this.onLayerSwitched(this, from, to))
          : undefined;
      const requestKeyframe = () => {
        const layer = switcher?.current ?? switcher?.target;
        (layer !== undefined ? this.publisher.layers.get(layer) : forwarder)?.requestKeyframe();
      };
      const subs = [
        sender.onPictureLossIndication.subscribe(requestKeyframe),
        sender.onRtcp.subscribe((rtcp) => {
          if (rtcp.type === RtcpPayloadSpecificFeedback.type && rtcp.feedback.count === FIR_FMT) {
            requestKeyframe();
          } else if (kind === 'video' && rtcp.type === RtcpRrPacket.type) {
            const report = rtcp.reports.find((r) => r.ssrc === sender.ssrc);
            if (report) this.onReceiverReport(report.fractionLost / 256, output);
          }
        }),
        sender.onGenericNack.subscribe((nack) => {
          for (const seq of nack.lost) this.nacked.add(seq);
          const lost = this.notRecentlyResent(nack.lost);
          const before = output.packetsSent;
          if (switcher) switcher.retransmit(lost);
          else forwarder.retransmit(output, lost);
          this.retransmitted += output.packetsSent - before;
        }),
      ];
      if (switcher) {
        this.switcher = switcher;
        this.cleanups.push(() => {
          for (const s of subs) s.unSubscribe();
          switcher.close();
        });
        // Starts on the layer the estimate allows (the top one on a clean link), from a keyframe it asks for.
        this.chooseLayer(this.publisher.layerInfo);
        continue;
      }
      this.cleanups.push(() => {
        for (const s of subs) s.unSubscribe();
        forwarder.remove(output);
      });
      forwarder.add(output);
      // Start the new viewer on a keyframe instead of waiting for the encoder's next one.
      forwarder.requestKeyframe();
    }
  }

  /**
   * The NACKed sequence numbers not re-sent in the last RESEND_INTERVAL_MS. Chromium repeats a NACK about every
   * round trip, which on loopback is a few ms: answering each one floods a congested link with copies of the same
   * packets (measured: a viewer capped at 300 kbit/s got ~2 frames/s of a 150 kbit/s layer), so, as libwebrtc's
   * packet history does, a packet is re-sent at most once per interval.
   */
  private notRecentlyResent(lost: readonly number[]): number[] {
    const now = performance.now();
    const out: number[] = [];
    for (const seq of lost) {
      const at = this.resentAt.get(seq);
      if (at !== undefined && now - at < RESEND_INTERVAL_MS) continue;
      this.resentAt.set(seq, now);
      out.push(seq);
    }
    if (this.resentAt.size > 2048) {
      for (const [seq, at] of this.resentAt) if (now - at >= RESEND_INTERVAL_MS) this.resentAt.delete(seq);
    }
    return out;
  }

  /**
   * One downlink estimate update per receiver report. The report's fraction lost alone understates a congested link:
   * Chromium counts NACK retransmissions as received, so a link losing most packets can report ~0 %. The share of
   * fresh packets the subscriber NACKed in the interval is the loss it really saw (feedback.ts, nackLoss).
   */
  private onReceiverReport(reportedLoss: number, output: SubscriberTrack): void {
    const now = performance.now();
    const prev = this.reportSnapshot;
    if (now - prev.atMs < 200) return; // a compound burst, not a new interval
    const fresh = output.packetsSent - this.retransmitted;
    const lossFraction = Math.max(reportedLoss, nackLoss(this.nacked.size, fresh - prev.fresh));
    this.nacked.clear();
    const sentBps = ((output.bytesSent - prev.bytes) * 8 * 1000) / (now - prev.atMs);
    this.downlink = updateLinkEstimate(this.downlink, { lossFraction, sentBps, atMs: now });
    this.lastLossFraction = lossFraction;
    this.reportSnapshot = { bytes: output.bytesSent, fresh, atMs: now };
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
