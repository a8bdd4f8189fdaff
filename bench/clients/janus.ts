/**
 * Minimal Janus (1.1, Debian) VideoRoom client over its HTTP API, for the SFU benchmark's side-by-side reference:
 * a werift publisher (synthetic RTP, as testkit/webrtc/publisher.ts) and non-decoding werift subscribers. Janus
 * makes the subscriber's offer, so subscribers here answer. Reference only: nothing in the sandbox depends on Janus.
 */
import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift';
import { createClientPeer, OPUS, VP8 } from '../../testkit/webrtc/peer.js';

type Json = Record<string, unknown>;

interface JanusEvent {
  readonly janus: string;
  readonly sender?: number;
  readonly jsep?: { type: 'offer' | 'answer'; sdp: string };
  readonly plugindata?: { data?: Json };
}

export class JanusSession {
  private readonly waiters = new Map<number, ((e: JanusEvent) => void)[]>();
  private polling = true;
  private transaction = 0;

  private constructor(
    private readonly base: string,
    readonly id: number,
  ) {
    void this.poll();
  }

  /** `base` like http://127.0.0.1:8088/janus */
  static async create(base: string): Promise<JanusSession> {
    const res = await post(base, { janus: 'create', transaction: 'c' });
    const id = (res['data'] as { id?: number } | undefined)?.id;
    if (typeof id !== 'number') throw new Error(`janus create failed: ${JSON.stringify(res)}`);
    return new JanusSession(base, id);
  }

  async attach(): Promise<number> {
    const res = await this.send({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
    const id = (res['data'] as { id?: number } | undefined)?.id;
    if (typeof id !== 'number') throw new Error(`janus attach failed: ${JSON.stringify(res)}`);
    return id;
  }

  /** A plugin message; resolves with the synchronous reply (`success` with plugindata, or `ack`). */
  message(handle: number, body: Json, jsep?: { type: string; sdp: string }): Promise<Json> {
    return this.send({ janus: 'message', body, ...(jsep ? { jsep } : {}) }, handle);
  }

  /** The next asynchronous event for `handle` that carries a JSEP. */
  nextJsep(handle: number, timeoutMs = 15_000): Promise<JanusEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('janus sent no JSEP in time')), timeoutMs);
      const list = this.waiters.get(handle) ?? [];
      list.push((e) => {
        clearTimeout(timer);
        resolve(e);
      });
      this.waiters.set(handle, list);
    });
  }

  async destroy(): Promise<void> {
    this.polling = false;
    await this.send({ janus: 'destroy' }).catch(() => undefined);
  }

  private send(msg: Json, handle?: number): Promise<Json> {
    const url = handle === undefined ? `${this.base}/${this.id}` : `${this.base}/${this.id}/${handle}`;
    return post(url, { ...msg, transaction: `t${++this.transaction}` });
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      try {
        const res = await fetch(`${this.base}/${this.id}?maxev=20`, { signal: AbortSignal.timeout(40_000) });
        const body: unknown = await res.json();
        for (const e of (Array.isArray(body) ? body : [body]) as JanusEvent[]) {
          if (!e.jsep || e.sender === undefined) continue;
          const list = this.waiters.get(e.sender);
          list?.shift()?.(e);
        }
      } catch {
        if (!this.polling) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}

async function post(url: string, body: Json): Promise<Json> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  return (await res.json()) as Json;
}

async function gathered(pc: RTCPeerConnection): Promise<string> {
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const sub = pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') {
        sub.unSubscribe();
        resolve();
      }
    });
  });
  return (pc.localDescription?.sdp ?? '')
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === '127.0.0.1')
    .join('\r\n');
}

export interface JanusPublisher {
  readonly feedId: number;
  packetsSent(): number;
  close(): Promise<void>;
}

/** Creates room `room` and publishes synthetic VP8-shaped RTP into it at `bitrateKbps`, 30 fps. */
export async function janusPublish(session: JanusSession, room: number, bitrateKbps: number): Promise<JanusPublisher> {
  const handle = await session.attach();
  await session.message(handle, { request: 'create', room, publishers: 1, videocodec: 'vp8', audiocodec: 'opus', bitrate: 0 });
  const peer = await createClientPeer({ audio: [OPUS()], video: [VP8()] });
  const video = new MediaStreamTrack({ kind: 'video' });
  peer.pc.addTransceiver(video, { direction: 'sendonly' });
  await peer.pc.setLocalDescription(await peer.pc.createOffer());
  const offer = await gathered(peer.pc);
  const answer = session.nextJsep(handle);
  await session.message(handle, { request: 'joinandconfigure', room, ptype: 'publisher', audio: false, video: true }, { type: 'offer', sdp: offer });
  const event = await answer;
  await peer.pc.setRemoteDescription({ type: 'answer', sdp: event.jsep?.sdp ?? '' });
  const feedId = (event.plugindata?.data as { id?: number } | undefined)?.id;
  if (typeof feedId !== 'number') throw new Error('janus did not say the publisher id');
  await new Promise<void>((resolve) => {
    if (peer.pc.connectionState === 'connected') return resolve();
    peer.pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve());
  });

  let sent = 0;
  let seq = 1000;
  let ts = 5000;
  const frameBytes = Math.round((bitrateKbps * 1000) / 8 / 30);
  const frame = Buffer.alloc(frameBytes, 0x5a);
  const timer = setInterval(() => {
    for (let off = 0; off < frameBytes; off += 1100) {
      const payload = Buffer.concat([Buffer.from([off === 0 ? 0x10 : 0]), frame.subarray(off, Math.min(frameBytes, off + 1100))]);
      video.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: off + 1100 >= frameBytes, payloadType: 96 }), payload));
      seq = (seq + 1) & 0xffff;
      sent++;
    }
    ts = (ts + 3000) >>> 0;
  }, 1000 / 30);
  return {
    feedId,
    packetsSent: () => sent,
    async close() {
      clearInterval(timer);
      await peer.close();
    },
  };
}

export interface JanusSubscriber {
  packets(): number;
  close(): Promise<void>;
}

/** A non-decoding subscriber to `feedId`: Janus offers, werift answers, RTP packets are counted. */
export async function janusSubscribe(session: JanusSession, room: number, feedId: number): Promise<JanusSubscriber> {
  const handle = await session.attach();
  const peer = await createClientPeer({ audio: [OPUS()], video: [VP8()] });
  let packets = 0;
  peer.pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => {
      packets++;
    });
  });
  const offer = session.nextJsep(handle);
  await session.message(handle, { request: 'join', room, ptype: 'subscriber', streams: [{ feed: feedId }] });
  const event = await offer;
  await peer.pc.setRemoteDescription({ type: 'offer', sdp: event.jsep?.sdp ?? '' });
  await peer.pc.setLocalDescription(await peer.pc.createAnswer());
  const answer = await gathered(peer.pc);
  await session.message(handle, { request: 'start', room }, { type: 'answer', sdp: answer });
  return {
    packets: () => packets,
    close: () => peer.close(),
  };
}
