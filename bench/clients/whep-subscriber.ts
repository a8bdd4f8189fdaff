/**
 * A non-decoding WHEP subscriber in Node (werift, recvonly): counts RTP packets and bytes per kind, time to first
 * packet, and loss from RTP sequence numbers. For tests and for loading the SFU with many cheap viewers.
 *
 *   const sub = await subscribe({ whepUrl: 'http://127.0.0.1:8080/whep/<publisherId>', token });
 *   await sub.waitForPackets(50);
 *   sub.stats();   // { video: { packets, bytes, lost, ... }, audio: ..., firstPacketMs, connectMs }
 *   await sub.close();   // DELETE + close the peer connection
 */
import type { RtpPacket } from 'werift';
import { createClientPeer, H264, OPUS, VP8, watchRemoteEnd } from './client-peer.js';
import { deleteSession, postOffer } from './signaling.js';

export interface SubscribeOptions {
  /** `<origin>/whep/<publisherParticipantId>` */
  readonly whepUrl: string;
  /** Participant token with the SUBSCRIBE capability. */
  readonly token: string;
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
  /** Packets missing from the received sequence-number range (after NACK recovery). */
  readonly lost: number;
  /** Retransmitted or duplicated packets (same sequence number received again). */
  readonly duplicates: number;
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

/** Loss accounting over extended (32-bit) sequence numbers of one SSRC. */
class SequenceCounter {
  packets = 0;
  bytes = 0;
  duplicates = 0;
  private first = -1;
  private highest = -1;
  private readonly seen = new Set<number>();

  add(seq: number, size: number): void {
    this.packets++;
    this.bytes += size;
    const ext = this.extend(seq);
    if (this.first < 0 || ext < this.first) this.first = ext;
    if (ext > this.highest) this.highest = ext;
    if (this.seen.has(ext)) this.duplicates++;
    else this.seen.add(ext);
    // Keep the set small: anything far behind the head can no longer be a duplicate of interest.
    if (this.seen.size > 4096) {
      for (const s of this.seen) if (s < this.highest - 2048) this.seen.delete(s);
    }
  }

  private extend(seq: number): number {
    if (this.highest < 0) return seq + 0x10000; // head room so early reordering stays positive
    const base = this.highest & ~0xffff;
    let ext = base | seq;
    if (ext - this.highest > 0x8000) ext -= 0x10000;
    else if (this.highest - ext > 0x8000) ext += 0x10000;
    return ext;
  }

  get lost(): number {
    if (this.first < 0) return 0;
    return Math.max(0, this.highest - this.first + 1 - (this.packets - this.duplicates));
  }

  snapshot(): StreamStats {
    return { packets: this.packets, bytes: this.bytes, lost: this.lost, duplicates: this.duplicates };
  }
}

export async function subscribe(options: SubscribeOptions): Promise<Subscriber> {
  const startMs = performance.now();
  const wantAudio = options.audio ?? true;
  const wantVideo = options.video ?? true;
  const videoCodecs = (options.videoCodecs ?? ['VP8', 'H264']).map((c) => (c === 'VP8' ? VP8() : H264()));
  const peer = await createClientPeer({ audio: wantAudio ? [OPUS()] : [], video: wantVideo ? videoCodecs : [] });
  const { pc } = peer;
  if (wantAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
  if (wantVideo) pc.addTransceiver('video', { direction: 'recvonly' });

  const counters = { audio: new SequenceCounter(), video: new SequenceCounter() };
  let connectMs: number | undefined;
  let firstPacketMs: number | undefined;
  let total = 0;
  const waiters = new Set<{ n: number; resolve: () => void }>();

  pc.onTrack.subscribe((track) => {
    const counter = track.kind === 'audio' ? counters.audio : counters.video;
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      firstPacketMs ??= performance.now() - startMs;
      counter.add(rtp.header.sequenceNumber, rtp.payload.length);
      total++;
      for (const w of waiters) {
        if (total >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
      }
    });
  });

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
    answer = await postOffer(options.whepUrl, options.token, await peer.offer());
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
          reject(new Error(`only ${total} of ${n} packets arrived within ${timeoutMs} ms`));
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
