/**
 * The media client a fleet worker joins subscribers with, and the one place to swap it: today the test kit's
 * non-decoding werift subscriber (testkit/webrtc/subscriber.ts), seen through the handle the worker counts with.
 * A subscriber has joined once its first media packet arrived.
 */
import { subscribe } from '../../testkit/webrtc/subscriber.js';

export interface SubscribeOptions {
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
  const sub = await subscribe({ whepUrl: o.whepUrl, token: o.token, audio: o.audio, signalTimeoutMs: Math.max(1000, o.timeoutMs) });
  try {
    await sub.waitForPackets(1, Math.max(1, o.timeoutMs - (performance.now() - t0)));
  } catch (error) {
    await sub.close();
    throw error;
  }
  const stats = () => sub.stats();
  return {
    get joinMs() {
      return stats().connectMs ?? null;
    },
    get firstPacketMs() {
      return stats().firstPacketMs ?? null;
    },
    packets: () => stats().audio.packets + stats().video.packets,
    lost: () => stats().audio.lost + stats().video.lost,
    broken: () => {
      const { connectMs, connectionState } = stats();
      return connectMs !== undefined && (connectionState === 'failed' || connectionState === 'closed');
    },
    close: () => sub.close(),
  };
}
