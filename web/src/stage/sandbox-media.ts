/**
 * The sandbox's media for one connection attempt: one WHIP session to publish and one WHEP session per remote
 * publisher (contracts/sandbox-protocol.ts). A failed subscription is retried on its own, through a ReconnectPolicy,
 * without dropping the rest of the connection.
 */
import { publishUrl, subscribeUrl } from '../../../contracts/sandbox-protocol.js';
import type { MessageId, MessageParams } from '../i18n/index.js';
import { AUDIO_BITRATE_KBPS, simulcastEncodings } from '../media/presets.js';
import type { LayerChoice, LogLevel, PublishOptions } from './client.js';
import { StageError } from './errors.js';
import { BackoffReconnectPolicy, type ReconnectPolicy } from './reconnect.js';
import type { StreamStatsSample } from './stats-sample.js';
import {
  PEER_CONNECTION_CONFIG,
  createCompleteOffer,
  deleteSession,
  exchangeSdp,
  statsOf,
} from './webrtc.js';

/** A lost subscription is retried 3 times, 1, 2 then 3 s apart, however long it had worked before. */
const SUBSCRIBE_RETRY_POLICY: ReconnectPolicy = new BackoffReconnectPolicy({
  delaysMs: [1_000, 2_000, 3_000],
  maxAttempts: 3,
  maxElapsedMs: Infinity,
  jitterRatio: 0,
});

export interface MediaHost {
  readonly whipUrl: string;
  /** Ours, for outbound stats. */
  readonly participantId: string;
  token(): string;
  now(): number;
  log(level: LogLevel, id: MessageId, params?: MessageParams): void;
  layerChoice(participantId: string): LayerChoice | undefined;
  /** Whether the participant still publishes (worth retrying a subscription to). */
  isPublished(participantId: string): boolean;
  onTrack(participantId: string, track: MediaStreamTrack): void;
  /** The publish connection failed. */
  onPublishLost(error: StageError): void;
  /** A subscription failed for good. */
  reportError(error: StageError): void;
  /** Ends a WHIP/WHEP session on the server without waiting. */
  endRemoteSession(location: string, token: string): void;
}

interface Subscription {
  readonly participantId: string;
  readonly pc: RTCPeerConnection;
  location: string | null;
  /** Retries so far, carried over to the subscription that replaces this one. */
  attempts: number;
  /** When the first of those retries' failures happened. */
  failingSince: number | null;
}

export class SandboxMedia {
  private publishPc: RTCPeerConnection | null = null;
  private publishLocation: string | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly host: MediaHost) {}

  async publish(options: PublishOptions): Promise<void> {
    const host = this.host;
    const pc = new RTCPeerConnection(PEER_CONNECTION_CONFIG);
    this.publishPc = pc;
    const { stream, quality } = options;
    for (const track of stream.getVideoTracks()) {
      pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [stream],
        // Three layers (rid l/m/h); the SFU forwards each viewer one of them (docs/sfu.md, "Simulcast").
        sendEncodings: simulcastEncodings(quality),
      });
    }
    for (const track of stream.getAudioTracks()) {
      pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [stream],
        sendEncodings: [{ maxBitrate: AUDIO_BITRATE_KBPS * 1000 }],
      });
    }
    const offer = await createCompleteOffer(pc);
    const url = publishUrl(host.whipUrl, host.participantId);
    const answer = await exchangeSdp(url, host.token(), offer, 'publish', this.abort.signal);
    this.publishLocation = answer.location;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    pc.addEventListener('connectionstatechange', () => {
      host.log('debug', 'log.driver.publishPeer', { state: pc.connectionState });
      if (pc.connectionState === 'failed') host.onPublishLost(StageError.networkLost('the publish connection failed'));
    });
  }

  subscribe(participantId: string): void {
    if (this.closed || this.subscriptions.has(participantId)) return;
    const host = this.host;
    const pc = new RTCPeerConnection(PEER_CONNECTION_CONFIG);
    const sub: Subscription = { participantId, pc, location: null, attempts: 0, failingSince: null };
    this.subscriptions.set(participantId, sub);
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addEventListener('track', (ev: RTCTrackEvent) => {
      if (this.subscriptions.get(participantId) !== sub) return;
      host.onTrack(participantId, ev.track);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && this.subscriptions.get(participantId) === sub) {
        this.retrySubscribe(sub, StageError.networkLost(`the connection to ${participantId} failed`));
      }
    });
    void (async () => {
      try {
        const offer = await createCompleteOffer(pc);
        const url = subscribeUrl(host.whipUrl, participantId);
        const answer = await exchangeSdp(url, host.token(), offer, 'subscribe', this.abort.signal);
        sub.location = answer.location;
        const choice = host.layerChoice(participantId);
        if (choice && answer.location) void putLayer(answer.location, choice).catch((err: unknown) => host.log('warn', 'log.driver.layerFailed', { detail: err instanceof Error ? err.message : String(err) }));
        if (this.subscriptions.get(participantId) !== sub) {
          if (answer.location) void deleteSession(answer.location, host.token());
          return;
        }
        await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
        host.log('info', 'log.driver.subscribed', { participantId });
      } catch (cause: unknown) {
        if (this.closed || this.subscriptions.get(participantId) !== sub) return;
        const error = StageError.from(cause);
        if (error.reason === 'publisherGone') {
          // Raced with an unpublish: the event that follows removes the tile.
          this.unsubscribe(participantId);
          return;
        }
        this.retrySubscribe(sub, error);
      }
    })();
  }

  unsubscribe(participantId: string): void {
    const sub = this.subscriptions.get(participantId);
    if (!sub) return;
    this.subscriptions.delete(participantId);
    this.closeSubscription(sub, this.host.token());
  }

  /** The WHEP session's URL once subscribed, null before. */
  locationOf(participantId: string): string | null {
    return this.subscriptions.get(participantId)?.location ?? null;
  }

  async stats(): Promise<StreamStatsSample[]> {
    const streams: StreamStatsSample[] = [];
    if (this.publishPc) {
      for (const sender of this.publishPc.getSenders()) {
        const kind = sender.track?.kind;
        if (kind !== 'audio' && kind !== 'video') continue;
        const rtc = await statsOf(sender);
        streams.push({ participantId: this.host.participantId, kind, direction: 'outbound', ...(rtc ? { rtc } : {}) });
      }
    }
    for (const sub of this.subscriptions.values()) {
      for (const receiver of sub.pc.getReceivers()) {
        const kind = receiver.track.kind;
        if (kind !== 'audio' && kind !== 'video') continue;
        const rtc = await statsOf(receiver);
        streams.push({ participantId: sub.participantId, kind, direction: 'inbound', ...(rtc ? { rtc } : {}) });
      }
    }
    return streams;
  }

  /** Ends every session (DELETE without waiting) and closes every peer connection. Idempotent. */
  close(token: string): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const sub of this.subscriptions.values()) this.closeSubscription(sub, token);
    this.subscriptions.clear();
    if (this.publishLocation) this.host.endRemoteSession(this.publishLocation, token);
    this.publishPc?.close();
  }

  /** Asks the policy whether to subscribe again after a hiccup; gives up with an error event. */
  private retrySubscribe(sub: Subscription, error: StageError): void {
    const { participantId } = sub;
    const attempt = sub.attempts + 1;
    const failingSince = sub.failingSince ?? this.host.now();
    this.unsubscribe(participantId);
    const delay = this.host.isPublished(participantId)
      ? SUBSCRIBE_RETRY_POLICY.nextRetryDelayInMs({ attempt, elapsedMs: this.host.now() - failingSince, error })
      : null;
    if (delay === null) {
      this.host.reportError(error);
      return;
    }
    this.host.log('info', 'log.driver.subscribeRetry', { participantId, attempt });
    setTimeout(() => {
      if (this.closed || this.subscriptions.has(participantId)) return;
      this.subscribe(participantId);
      const next = this.subscriptions.get(participantId);
      if (next) {
        next.attempts = attempt;
        next.failingSince = failingSince;
      }
    }, delay);
  }

  private closeSubscription(sub: Subscription, token: string): void {
    if (sub.location) this.host.endRemoteSession(sub.location, token);
    sub.pc.close();
  }
}

export async function putLayer(location: string, choice: LayerChoice): Promise<void> {
  const res = await fetch(`${location}/layer`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ layer: choice }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw StageError.serverRejected(`the sandbox refused the layer choice (HTTP ${res.status})`);
}
