/**
 * The media client a fleet worker joins subscribers with, and the one place to swap it: the light subscriber
 * (testkit/light/subscriber.ts: reads SRTP headers without decrypting, sends RR/NACK/PLI, IVS's media URL layout),
 * seen through the handle the worker counts with. A subscriber has joined once its first media packet arrived.
 */
import { subscribeLight } from '../../testkit/light/subscriber.js';

export interface SubscribeOptions {
  /** `<whip_url>/subscribe/<publisherParticipantId>` */
  readonly whepUrl: string;
  readonly token: string;
  readonly audio: boolean;
  /** Fail if no media packet arrives by then (from the start of the offer). */
  readonly timeoutMs: number;
}

export interface SubscriberHandle {
  /** Offer → ICE+DTLS connected, ms. */
  readonly joinMs: number | null;
  /** Offer → first RTP packet, ms. */
  readonly firstPacketMs: number | null;
  packets(): number;
  /** Packets missing from the sequence ranges seen so far (per SSRC), after NACK recovery. */
  lost(): number;
  /** True once the transport failed or closed after joining. */
  broken(): boolean;
  close(): Promise<void>;
}

export async function joinSubscriber(o: SubscribeOptions): Promise<SubscriberHandle> {
  const t0 = performance.now();
  const sub = await subscribeLight({ url: o.whepUrl, token: o.token, audio: o.audio, timeoutMs: Math.max(1000, o.timeoutMs) });
  try {
    await sub.waitForPackets(1, Math.max(1, o.timeoutMs - (performance.now() - t0)));
  } catch (error) {
    await sub.close();
    throw error;
  }
  return {
    get joinMs() {
      return sub.stats().joinMs;
    },
    get firstPacketMs() {
      return sub.stats().firstPacketMs;
    },
    packets: () => sub.packets(),
    lost: () => sub.lost(),
    broken: () => sub.broken(),
    close: () => sub.close(),
  };
}
