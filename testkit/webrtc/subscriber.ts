/**
 * The test kit's non-decoding WHEP subscriber (werift, recvonly): counts RTP packets and bytes per kind, time to first
 * packet, and loss from RTP sequence numbers. For tests, the bench and the load test's fleet of cheap viewers.
 *
 *   const sub = await subscribe({ whepUrl: 'http://127.0.0.1:8080/whip/subscribe/<publisherId>', token });
 *   await sub.waitForPackets(50);
 *   sub.stats();   // { video: { packets, bytes, lost, ... }, audio: ..., firstPacketMs, connectMs }
 *   await sub.close();   // DELETE + close the peer connection
 */
import type { RtpPacket } from 'werift';
import { type ClientOptions, createClientPeer, H264, OPUS, VP8, watchRemoteEnd } from './peer.js';
import { SeqTracker } from './sequence.js';
import { deleteSession, postOffer } from './signaling.js';

export interface SubscribeOptions extends ClientOptions {
  /** `<whip_url>/subscribe/<publisherParticipantId>` (IVS layout, docs/ivs-wire.md) */
  readonly whepUrl: string;
  /** Receive audio (default true). */
  readonly audio?: boolean;
  /** Receive video (default true). */
  readonly video?: boolean;
  /** Video codecs to offer, in preference order (default VP8 then H.264). */
  readonly videoCodecs?: readonly ('VP8' | 'H264')[];
}

export interface StreamStats {
  readonly packets: number;
  readonly bytes: number;
  /** Packets missing from the received sequence-number ranges (after NACK recovery). */
  readonly lost: number;
}

export interface SubscriberStats {
  readonly audio: StreamStats;
  readonly video: StreamStats;
  /** ms from subscribe() to the peer connection being connected, if it is. */
  readonly connectMs: number | undefined;
  /** ms from subscribe() to the first RTP packet, if any arrived. */
  readonly firstPacketMs: number | undefined;
  readonly connectionState: string;
}

export interface Subscriber {
  readonly sessionUrl: string;
  stats(): SubscriberStats;
  /** Resolves once at least `n` packets (audio + video) have arrived; rejects after `timeoutMs`. */
  waitForPackets(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the session (the peer connection closes or fails). */
  readonly ended: Promise<string>;
  /** DELETEs the session (unless the server already ended it) and closes the peer connection. */
  close(): Promise<void>;
}

/** Packets, bytes and loss of one kind, per SSRC (a publisher that restarts sends a new one). */
class KindCounter {
  private packets = 0;
  private bytes = 0;
  private readonly trackers = new Map<number, SeqTracker>();

  add(ssrc: number, seq: number, size: number): void {
    this.packets++;
    this.bytes += size;
    let t = this.trackers.get(ssrc);
    if (!t) this.trackers.set(ssrc, (t = new SeqTracker()));
    t.push(seq);
  }

  snapshot(): StreamStats {
    let lost = 0;
    for (const t of this.trackers.values()) lost += t.lost();
    return { packets: this.packets, bytes: this.bytes, lost };
  }
}

export async function subscribe(options: SubscribeOptions): Promise<Subscriber> {
  const startMs = performance.now();
  const wantAudio = options.audio ?? true;
  const wantVideo = options.video ?? true;
  const videoCodecs = (options.videoCodecs ?? ['VP8', 'H264']).map((c) => (c === 'VP8' ? VP8() : H264()));
  const peer = await createClientPeer({ audio: wantAudio ? [OPUS()] : [], video: wantVideo ? videoCodecs : [] }, options.iceServers);
  const { pc } = peer;
  if (wantAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
  if (wantVideo) pc.addTransceiver('video', { direction: 'recvonly' });

  const counters = { audio: new KindCounter(), video: new KindCounter() };
  let connectMs: number | undefined;
  let firstPacketMs: number | undefined;
  let total = 0;
  const waiters = new Set<{ n: number; resolve: () => void }>();

  pc.onTrack.subscribe((track) => {
    const counter = track.kind === 'audio' ? counters.audio : counters.video;
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      firstPacketMs ??= performance.now() - startMs;
      counter.add(rtp.header.ssrc, rtp.header.sequenceNumber, rtp.payload.length);
      total++;
      for (const w of waiters) {
        if (total >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
      }
    });
  });

  // Which step a subscriber without media stalled at (ICE checks, or DTLS after ICE), so a load test's failures say where.
  const stalledAt = (): string =>
    connectMs !== undefined
      ? 'connected'
      : pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed'
        ? 'ICE connected, DTLS did not complete'
        : `ICE ${pc.iceConnectionState}`;

  let resolveEnded: (state: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });
  let closing = false;
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected') connectMs ??= performance.now() - startMs;
  });
  watchRemoteEnd(pc, (state) => {
    if (!closing) resolveEnded(state);
  });

  let answer;
  try {
    answer = await postOffer(options.whepUrl, await peer.offer(), { token: options.token, timeoutMs: options.signalTimeoutMs });
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  } catch (err: unknown) {
    await peer.close();
    throw err;
  }
  const sessionUrl = answer.sessionUrl;

  return {
    sessionUrl,
    ended,
    stats: () => ({
      audio: counters.audio.snapshot(),
      video: counters.video.snapshot(),
      connectMs,
      firstPacketMs,
      connectionState: pc.connectionState,
    }),
    waitForPackets(n, timeoutMs = 15_000) {
      if (total >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`only ${total} of ${n} packets arrived within ${timeoutMs} ms (${stalledAt()})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      await deleteSession(sessionUrl, options.token).catch(() => undefined);
      await peer.close();
      resolveEnded('closed');
    },
  };
}
