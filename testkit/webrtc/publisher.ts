/**
 * The test kit's synthetic WHIP publisher in Node (werift, sendonly): sends VP8-shaped RTP at a fixed bitrate and frame rate, and
 * optionally an Opus-sized audio stream. The SFU forwards payloads without decoding, so the bytes need not be a real
 * picture; tests and the SFU benchmark use it where a browser would cost too much CPU.
 *
 *   const pub = await publish({ whipUrl: 'http://127.0.0.1:8080/whip', token, bitrateKbps: 500 });
 *   pub.stats();          // { videoPackets, audioPackets, keyframeRequests }
 *   await pub.close();    // DELETE + close the peer connection
 */
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { type ClientOptions, createClientPeer, H264, OPUS, VP8, watchRemoteEnd } from './peer.js';
import { deleteSession, postOffer } from './signaling.js';

export interface PublishOptions extends ClientOptions {
  /** `<whip_url>/publish/<jti>` (IVS layout, docs/ivs-wire.md), or `<origin>/whip` */
  readonly whipUrl: string;
  /** Video bitrate, kbit/s (default 500). */
  readonly bitrateKbps?: number;
  /** Video frames per second (default 30). */
  readonly fps?: number;
  /** Send a 50 packets/s audio stream too (default false). */
  readonly audio?: boolean;
  /** Video codec to offer (default VP8). */
  readonly videoCodec?: 'VP8' | 'H264';
}

export interface PublisherStats {
  readonly videoPackets: number;
  readonly audioPackets: number;
  /** PLI/FIR received from the SFU (it asks when a subscriber joins). */
  readonly keyframeRequests: number;
  readonly connectionState: string;
}

export interface Publisher {
  readonly sessionUrl: string;
  stats(): PublisherStats;
  /** Resolves when the peer connection is connected (rejects after `timeoutMs`). */
  connected(timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the session (the peer connection closes or fails). */
  readonly ended: Promise<string>;
  /** DELETEs the session (unless the server already ended it) and closes the peer connection. */
  close(): Promise<void>;
}

/** Payload bytes per packet: below a 1200-byte path MTU with the RTP header and SRTP tag. */
const MAX_PAYLOAD = 1100;
const AUDIO_PAYLOAD = 80;
const AUDIO_INTERVAL_MS = 20;

const u32 = (): number => Math.floor(Math.random() * 0xffffffff) >>> 0;
const u16 = (): number => Math.floor(Math.random() * 0xffff);

export async function publish(options: PublishOptions): Promise<Publisher> {
  const bitrateKbps = options.bitrateKbps ?? 500;
  const fps = options.fps ?? 30;
  const peer = await createClientPeer(
    { audio: options.audio ? [OPUS()] : [], video: [options.videoCodec === 'H264' ? H264() : VP8()] },
    options.iceServers,
  );
  const { pc } = peer;
  const video = new MediaStreamTrack({ kind: 'video' });
  const videoSender = pc.addTransceiver(video, { direction: 'sendonly' }).sender;
  const audio = options.audio ? new MediaStreamTrack({ kind: 'audio' }) : undefined;
  if (audio) pc.addTransceiver(audio, { direction: 'sendonly' });

  let keyframeRequests = 0;
  videoSender.onRtcp.subscribe((rtcp) => {
    if (rtcp.type === 206) keyframeRequests++; // payload-specific feedback: PLI or FIR
  });

  let videoPackets = 0;
  let audioPackets = 0;
  let videoSeq = u16();
  let audioSeq = u16();
  let videoTs = u32();
  let audioTs = u32();
  const frameBytes = Math.max(1, Math.round((bitrateKbps * 1000) / 8 / fps));
  const frame = Buffer.alloc(frameBytes, 0x5a);
  const timers: NodeJS.Timeout[] = [];

  const sendFrame = (): void => {
    for (let off = 0; off < frameBytes; off += MAX_PAYLOAD) {
      const chunk = frame.subarray(off, Math.min(frameBytes, off + MAX_PAYLOAD));
      // VP8 payload descriptor (RFC 7741): S bit on the first packet of the frame, partition 0.
      const payload = Buffer.concat([Buffer.from([off === 0 ? 0x10 : 0x00]), chunk]);
      const last = off + MAX_PAYLOAD >= frameBytes;
      video.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: videoSeq, timestamp: videoTs, marker: last, payloadType: 96 }), payload));
      videoSeq = (videoSeq + 1) & 0xffff;
      videoPackets++;
    }
    videoTs = (videoTs + Math.round(90000 / fps)) >>> 0;
  };
  const sendAudio = (): void => {
    if (!audio) return;
    audio.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: audioSeq, timestamp: audioTs, payloadType: 111 }), Buffer.alloc(AUDIO_PAYLOAD, 0x33)));
    audioSeq = (audioSeq + 1) & 0xffff;
    audioTs = (audioTs + 960) >>> 0;
    audioPackets++;
  };

  let resolveEnded: (state: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });
  let closing = false;
  const stopSending = (): void => {
    for (const t of timers.splice(0)) clearInterval(t);
  };
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && timers.length === 0 && !closing) {
      timers.push(setInterval(sendFrame, 1000 / fps));
      if (audio) timers.push(setInterval(sendAudio, AUDIO_INTERVAL_MS));
    }
  });
  watchRemoteEnd(pc, (state) => {
    stopSending();
    if (!closing) resolveEnded(state);
  });

  let sessionUrl: string;
  try {
    const answer = await postOffer(options.whipUrl, await peer.offer(), { token: options.token, timeoutMs: options.signalTimeoutMs });
    sessionUrl = answer.sessionUrl;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  } catch (err: unknown) {
    await peer.close();
    throw err;
  }

  return {
    sessionUrl,
    ended,
    stats: () => ({ videoPackets, audioPackets, keyframeRequests, connectionState: pc.connectionState }),
    connected(timeoutMs = 15_000) {
      if (pc.connectionState === 'connected') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          sub.unSubscribe();
          reject(new Error(`the publisher did not connect within ${timeoutMs} ms (${pc.connectionState})`));
        }, timeoutMs);
        const sub = pc.connectionStateChange.subscribe((state) => {
          if (state !== 'connected') return;
          clearTimeout(timer);
          sub.unSubscribe();
          resolve();
        });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      stopSending();
      await deleteSession(sessionUrl, options.token).catch(() => undefined);
      await peer.close();
      resolveEnded('closed');
    },
  };
}
