/**
 * The light subscriber: one werift peer connection (recvonly audio + video, never decoding) that joins a stage by
 * IVS's media URL layout, on the sandbox or the real service, cheaply enough to hold hundreds per core.
 *
 *   const sub = await subscribeLight({ url: mediaUrlsOf(token).subscribe(publisherId), token });
 *   await sub.waitForPackets(50);
 *   sub.stats();      // per stream: packets, bytes, lost, jitter; NACK/PLI/RR sent; join and first-packet times
 *   await sub.close(); // DELETE the session (when the answer named one) and close
 *
 * Receiving: rtp-tap.ts reads RTP headers as they arrive and never decrypts payloads. Sending: the RTCP a real
 * receiver sends, through werift's SRTCP (so it is accepted): a receiver report per second for every stream (RFC 3550
 * 6.4.2, with LSR/DLSR from the sender's reports), a generic NACK (RFC 4585 6.2.1) for video gaps, up to 3 times per
 * packet, and a PLI (RFC 4585 6.3.1) when a video packet stays missing after that (a decoder could not go on), at most
 * one per second.
 */
import {
  GenericNack,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  type RTCDtlsTransport,
  type RTCIceServer,
  type RtcpPacket,
} from 'werift';
import { createLightPeer, H264, OPUS, VP8, watchRemoteEnd } from './peer.js';
import { installRtpTap, payloadTypesOf, ReceiveStream } from './rtp-tap.js';
import { deleteSession, postOffer } from '../webrtc/signaling.js';

export interface LightSubscribeOptions {
  /** `{whip_url}/subscribe/{publisherParticipantId}` (mediaUrlsOf(token).subscribe(id)). */
  readonly url: string;
  /** Participant token with the SUBSCRIBE capability. */
  readonly token: string;
  /** Receive audio (default true). */
  readonly audio?: boolean;
  /** STUN/TURN servers; default none (see peer.ts). */
  readonly iceServers?: readonly RTCIceServer[];
  /** Time allowed for the offer/answer, ms (default 15000); waitForPackets() uses it as its default too. */
  readonly timeoutMs?: number;
  /** Tests only: drop every n-th video packet on arrival, so NACK recovery can be watched. */
  readonly dropEveryNthVideo?: number;
}

export interface LightStreamStats {
  readonly ssrc: number;
  readonly kind: 'audio' | 'video';
  readonly packets: number;
  readonly bytes: number;
  readonly lost: number;
  readonly recovered: number;
  readonly duplicates: number;
  /** Interarrival jitter, ms. */
  readonly jitterMs: number;
  readonly lastTimestamp: number;
}

export interface LightSubscriberStats {
  readonly streams: readonly LightStreamStats[];
  readonly packets: number;
  readonly bytes: number;
  readonly lost: number;
  readonly nacksSent: number;
  readonly nackedPackets: number;
  readonly plisSent: number;
  readonly reportsSent: number;
  /** Start -> ICE and DTLS connected, ms. */
  readonly joinMs: number | null;
  /** Start -> first RTP packet, ms. */
  readonly firstPacketMs: number | null;
  readonly redirects: number;
  readonly connectionState: string;
}

export interface LightSubscriber {
  /** The session resource (null when the server named none: DELETE is then skipped). */
  readonly sessionUrl: string | null;
  stats(): LightSubscriberStats;
  packets(): number;
  lost(): number;
  /** True once the connection failed or the server ended it. */
  broken(): boolean;
  waitForPackets(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the session. */
  readonly ended: Promise<string>;
  close(): Promise<void>;
}

const NACK_DELAY_MS = 10;
const NACK_ATTEMPTS = 3;
const PLI_MIN_INTERVAL_MS = 1_000;

const randomSsrc = (): number => (Math.floor(Math.random() * 0xfffffffe) + 1) >>> 0;

/** Receiver-side RTCP of one subscriber: reports, NACKs and PLIs, sent through werift's SRTCP. */
class ReceiverRtcp {
  readonly ssrc = randomSsrc();
  nacksSent = 0;
  nackedPackets = 0;
  plisSent = 0;
  reportsSent = 0;
  private nackTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private lastPliMs = -Infinity;
  /** Per sender SSRC: middle 32 bits of the last SR's NTP time, and when it arrived (performance.now ms). */
  private readonly lastSr = new Map<number, { lsr: number; atMs: number }>();
  private stopped = false;

  constructor(
    private readonly dtls: RTCDtlsTransport,
    private readonly streams: Map<number, ReceiveStream>,
  ) {
    dtls.onRtcp.subscribe((packet) => {
      if (packet instanceof RtcpSrPacket) {
        const ntp = packet.senderInfo.ntpTimestamp;
        this.lastSr.set(packet.ssrc, { lsr: Number((ntp >> 16n) & 0xffffffffn), atMs: performance.now() });
      }
    });
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.report();
      // RFC 3550 6.3.5: randomised interval, so hundreds of receivers do not report in lockstep.
      this.reportTimer = setTimeout(tick, 500 + Math.random() * 1000);
    };
    this.reportTimer = setTimeout(tick, 500 + Math.random() * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.nackTimer);
    clearTimeout(this.reportTimer);
  }

  /** A gap appeared: NACK shortly (a reordered packet may still arrive), batched for every stream. */
  gap(): void {
    if (this.nackTimer || this.stopped) return;
    this.nackTimer = setTimeout(() => {
      this.nackTimer = undefined;
      this.flushNacks();
    }, NACK_DELAY_MS);
  }

  private send(packets: RtcpPacket[]): void {
    if (this.stopped || this.dtls.state !== 'connected') return;
    this.dtls.sendRtcp(packets).catch(() => undefined);
  }

  private flushNacks(): void {
    const packets: RtcpPacket[] = [];
    let needPli: number | undefined;
    for (const stream of this.streams.values()) {
      if (stream.kind !== 'video' || stream.missing.size === 0) continue;
      const lost: number[] = [];
      for (const [ext, attempts] of stream.missing) {
        if (attempts >= NACK_ATTEMPTS) {
          stream.missing.delete(ext);
          needPli = stream.ssrc;
          continue;
        }
        stream.missing.set(ext, attempts + 1);
        lost.push(ext & 0xffff);
      }
      if (lost.length === 0) continue;
      this.nackedPackets += lost.length;
      packets.push(
        new RtcpTransportLayerFeedback({ feedback: new GenericNack({ senderSsrc: this.ssrc, mediaSourceSsrc: stream.ssrc, lost }) }),
      );
    }
    const now = performance.now();
    if (needPli !== undefined && now - this.lastPliMs >= PLI_MIN_INTERVAL_MS) {
      this.lastPliMs = now;
      this.plisSent++;
      packets.push(new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: this.ssrc, mediaSsrc: needPli }) }));
    }
    if (packets.length === 0) return;
    this.nacksSent += packets.filter((p) => p instanceof RtcpTransportLayerFeedback).length;
    this.send(packets);
    // Keep asking until each packet came or ran out of attempts (then it becomes loss and, for video, a PLI).
    if ([...this.streams.values()].some((s) => s.kind === 'video' && s.missing.size > 0)) {
      this.nackTimer = setTimeout(() => {
        this.nackTimer = undefined;
        this.flushNacks();
      }, 50);
    }
  }

  private report(): void {
    if (this.streams.size === 0) return;
    const now = performance.now();
    const reports: RtcpReceiverInfo[] = [];
    for (const s of this.streams.values()) {
      const expected = s.expected();
      const expectedInterval = expected - s.expectedPrior;
      const receivedInterval = s.packets - s.receivedPrior;
      s.expectedPrior = expected;
      s.receivedPrior = s.packets;
      const lostInterval = expectedInterval - receivedInterval;
      const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
      const sr = this.lastSr.get(s.ssrc);
      reports.push(
        new RtcpReceiverInfo({
          ssrc: s.ssrc,
          fractionLost,
          packetsLost: Math.min(s.lost(), 0x7fffff),
          highestSequence: s.highest >>> 0,
          jitter: Math.floor(s.jitter) >>> 0,
          lsr: sr ? sr.lsr >>> 0 : 0,
          dlsr: sr ? Math.floor(((now - sr.atMs) / 1000) * 65536) >>> 0 : 0,
        }),
      );
    }
    this.reportsSent++;
    this.send([new RtcpRrPacket({ ssrc: this.ssrc, reports })]);
  }
}

export async function subscribeLight(o: LightSubscribeOptions): Promise<LightSubscriber> {
  const startMs = performance.now();
  const timeoutMs = o.timeoutMs ?? 15_000;
  const audio = o.audio ?? true;
  const peer = await createLightPeer({
    mediaUrl: o.url,
    ...(o.iceServers ? { iceServers: o.iceServers } : {}),
    codecs: { audio: audio ? [OPUS()] : [], video: [VP8(), H264()] },
  });
  const { pc } = peer;
  pc.addTransceiver('video', { direction: 'recvonly' });
  if (audio) pc.addTransceiver('audio', { direction: 'recvonly' });

  const streams = new Map<number, ReceiveStream>();
  let joinMs: number | null = null;
  let firstPacketMs: number | null = null;
  let broken = false;
  let closing = false;
  let rtcp: ReceiverRtcp | undefined;
  let removeTap: (() => void) | undefined;
  let resolveEnded: (s: string) => void = () => undefined;
  const ended = new Promise<string>((r) => {
    resolveEnded = r;
  });
  const waiters = new Set<() => void>();
  const packetCount = (): number => {
    let n = 0;
    for (const s of streams.values()) n += s.packets;
    return n;
  };

  watchRemoteEnd(pc, (state) => {
    broken = true;
    rtcp?.stop();
    if (!closing) resolveEnded(state);
    for (const w of waiters) w();
  });

  let sessionUrl: string | null = null;
  let redirects = 0;
  try {
    const answer = await postOffer(o.url, await peer.offer(), {
      token: o.token,
      timeoutMs: Math.max(1, timeoutMs - (performance.now() - startMs)),
      locationOptional: true,
    });
    sessionUrl = answer.sessionUrl;
    redirects = answer.redirects;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    const dtls = pc.dtlsTransports[0];
    if (!dtls) throw new Error('no DTLS transport after the answer');
    rtcp = new ReceiverRtcp(dtls, streams);
    const receiverRtcp = rtcp;
    removeTap = installRtpTap(dtls, {
      payloadTypes: payloadTypesOf(answer.sdp),
      streams,
      onFirstPacket: () => {
        firstPacketMs = performance.now() - startMs;
      },
      onGap: () => receiverRtcp.gap(),
      ...(o.dropEveryNthVideo ? { dropEveryNthVideo: o.dropEveryNthVideo } : {}),
    });
    dtls.onStateChange.subscribe((s) => {
      if (s === 'connected' && joinMs === null) {
        joinMs = performance.now() - startMs;
        receiverRtcp.start();
      }
    });
    if (dtls.state === 'connected' && joinMs === null) {
      joinMs = performance.now() - startMs;
      receiverRtcp.start();
    }
  } catch (error: unknown) {
    rtcp?.stop();
    removeTap?.();
    if (sessionUrl) await deleteSession(sessionUrl, o.token).catch(() => undefined);
    await peer.close();
    throw error;
  }

  const stats = (): LightSubscriberStats => {
    const list = [...streams.values()].map((s) => ({
      ssrc: s.ssrc,
      kind: s.kind,
      packets: s.packets,
      bytes: s.bytes,
      lost: s.lost(),
      recovered: s.recovered,
      duplicates: s.duplicates,
      jitterMs: (s.jitter / s.clockRate) * 1000,
      lastTimestamp: s.lastTimestamp,
    }));
    return {
      streams: list,
      packets: list.reduce((a, s) => a + s.packets, 0),
      bytes: list.reduce((a, s) => a + s.bytes, 0),
      lost: list.reduce((a, s) => a + s.lost, 0),
      nacksSent: rtcp?.nacksSent ?? 0,
      nackedPackets: rtcp?.nackedPackets ?? 0,
      plisSent: rtcp?.plisSent ?? 0,
      reportsSent: rtcp?.reportsSent ?? 0,
      joinMs,
      firstPacketMs,
      redirects,
      connectionState: pc.connectionState,
    };
  };

  return {
    sessionUrl,
    ended,
    stats,
    packets: packetCount,
    lost: () => stats().lost,
    broken: () => broken,
    waitForPackets(n, waitMs = timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const check = (): boolean => {
          if (packetCount() >= n) return true;
          if (broken) throw new Error(`the session ended after ${packetCount()} of ${n} packets`);
          return false;
        };
        try {
          if (check()) return resolve();
        } catch (e) {
          return reject(e);
        }
        const poll = setInterval(onTick, 20);
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${packetCount()} of ${n} packets within ${waitMs} ms (${pc.connectionState})`));
        }, waitMs);
        function done(): void {
          clearInterval(poll);
          clearTimeout(timer);
          waiters.delete(onTick);
        }
        function onTick(): void {
          try {
            if (!check()) return;
            done();
            resolve();
          } catch (e) {
            done();
            reject(e);
          }
        }
        waiters.add(onTick);
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      rtcp?.stop();
      // Even after a failure: the server may still hold the session until its own sweep.
      if (sessionUrl) await deleteSession(sessionUrl, o.token).catch(() => undefined);
      removeTap?.();
      await peer.close();
      resolveEnded('closed');
    },
  };
}
