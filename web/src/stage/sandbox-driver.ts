/**
 * The sandbox driver: the event WebSocket (hello with the token, welcome, participant events, counts, mute) plus one
 * WHIP session to publish and one WHEP session per remote publisher, as contracts/sandbox-protocol.ts specifies.
 */
import {
  publishUrl,
  ServerEvent,
  subscribeUrl,
  WS_CLOSE,
  type ClientMessage,
  type DisconnectReason,
  type ParticipantInfo,
} from '../../../contracts/sandbox-protocol.js';
import { diagnoseUnreachable } from '../net/reachability.js';
import type { ParticipantToken } from '../token/participant-token.js';
import { BaseStageClient, type DriverOptions } from './base-client.js';
import type { JoinOptions, LayerChoice, MuteState, PublishOptions, RemoteParticipant } from './client.js';
import { StageError } from './errors.js';
import type { StatsSample, StreamStatsSample } from './stats-sample.js';
import { AUDIO_BITRATE_KBPS, simulcastEncodings } from '../media/presets.js';
import {
  PEER_CONNECTION_CONFIG,
  createCompleteOffer,
  deleteSession,
  exchangeSdp,
  statsOf,
} from './webrtc.js';

export interface SandboxDriverOptions extends DriverOptions {
  /** How long to wait for `welcome` after the socket opens. */
  readonly welcomeTimeoutMs?: number;
  /** Application ping interval; a socket silent for two intervals counts as lost. */
  readonly pingIntervalMs?: number;
}

interface Subscription {
  readonly participantId: string;
  readonly pc: RTCPeerConnection;
  location: string | null;
  attempts: number;
}

/** One connection attempt's resources; a reconnect throws the whole thing away and makes a new one. */
class Session {
  ws: WebSocket | null = null;
  publishPc: RTCPeerConnection | null = null;
  publishLocation: string | null = null;
  readonly subscriptions = new Map<string, Subscription>();
  readonly abort = new AbortController();
  closed = false;
  lastMessageAt = 0;
  pingTimer: ReturnType<typeof setInterval> | null = null;
}

export class SandboxStageClient extends BaseStageClient {
  readonly driver = 'sandbox' as const;
  private session: Session | null = null;
  /**
   * WHIP/WHEP sessions whose DELETE could not be sent (we were offline when the connection was torn down). The
   * server keeps such a session until ICE consent times out (~30 s) and meanwhile refuses our token as in use, so
   * the next connect() deletes them first.
   */
  private readonly undeleted = new Set<string>();
  private readonly welcomeTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly onOffline = (): void => this.lost(this.session, StageError.networkLost('the browser went offline'));

  constructor(token: ParticipantToken, options: SandboxDriverOptions = {}) {
    super(token, options);
    this.welcomeTimeoutMs = options.welcomeTimeoutMs ?? 10_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 5_000;
  }

  protected async connect(options: JoinOptions): Promise<void> {
    await this.deleteUndeleted();
    const session = new Session();
    this.session = session;
    await this.openEvents(session);
    if (options.publish) await this.publish(session, options.publish);
    globalThis.addEventListener?.('offline', this.onOffline);
    if (options.subscribe) {
      for (const p of this.participants()) if (p.published) this.subscribe(session, p.id);
    }
  }

  protected async disconnect(): Promise<void> {
    globalThis.removeEventListener?.('offline', this.onOffline);
    const session = this.session;
    this.session = null;
    if (!session || session.closed) return;
    session.closed = true;
    session.abort.abort();
    if (session.pingTimer) clearInterval(session.pingTimer);
    const token = this.token.reveal();
    for (const sub of session.subscriptions.values()) this.closeSubscription(sub, token);
    session.subscriptions.clear();
    if (session.publishLocation) this.endRemoteSession(session.publishLocation, token);
    session.publishPc?.close();
    if (session.ws && session.ws.readyState <= WebSocket.OPEN) session.ws.close(1000, 'leave');
  }

  protected async applyMute(mute: MuteState): Promise<void> {
    const stream = this.localStream;
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = !mute.audio;
    for (const track of stream?.getVideoTracks() ?? []) track.enabled = !mute.video;
    if (this.joinOptions?.publish) this.send(this.session, { type: 'mute', audio: mute.audio, video: mute.video });
  }

  async collectStats(): Promise<StatsSample> {
    const session = this.session;
    const streams: StreamStatsSample[] = [];
    if (session?.publishPc) {
      for (const sender of session.publishPc.getSenders()) {
        const kind = sender.track?.kind;
        if (kind !== 'audio' && kind !== 'video') continue;
        const rtc = await statsOf(sender);
        streams.push({ participantId: this.token.info.participantId, kind, direction: 'outbound', ...(rtc ? { rtc } : {}) });
      }
    }
    for (const sub of session?.subscriptions.values() ?? []) {
      for (const receiver of sub.pc.getReceivers()) {
        const kind = receiver.track.kind;
        if (kind !== 'audio' && kind !== 'video') continue;
        const rtc = await statsOf(receiver);
        streams.push({ participantId: sub.participantId, kind, direction: 'inbound', ...(rtc ? { rtc } : {}) });
      }
    }
    return { at: performance.now(), streams };
  }

  /** DELETEs a WHIP/WHEP session without waiting; one that could not be reached is retried by the next connect(). */
  protected async applyPreferredLayer(participantId: string, choice: LayerChoice): Promise<void> {
    const location = this.session?.subscriptions.get(participantId)?.location;
    // Not subscribed yet: the choice is applied when the subscription starts.
    if (location) await this.putLayer(location, choice);
  }

  private async putLayer(location: string, choice: LayerChoice): Promise<void> {
    const res = await fetch(`${location}/layer`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ layer: choice }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw StageError.serverRejected(`the sandbox refused the layer choice (HTTP ${res.status})`);
  }

  private endRemoteSession(location: string, token: string): void {
    void deleteSession(location, token).then((gone) => {
      if (!gone) this.undeleted.add(location);
    });
  }

  private async deleteUndeleted(): Promise<void> {
    const token = this.token.reveal();
    for (const location of [...this.undeleted]) {
      if (await deleteSession(location, token)) {
        this.undeleted.delete(location);
        this.log('info', 'log.driver.leftoverEnded');
      }
    }
  }

  // --- events WebSocket -------------------------------------------------------------------------------------------

  private openEvents(session: Session): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let lastError: StageError | null = null;
      const fail = (error: StageError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(
        () => fail(StageError.networkLost('the events server did not answer hello')),
        this.welcomeTimeoutMs,
      );
      let ws: WebSocket;
      try {
        ws = new WebSocket(this.token.info.eventsUrl);
      } catch (cause: unknown) {
        fail(StageError.networkLost('cannot open the events socket', cause));
        return;
      }
      session.ws = ws;
      let opened = false;
      ws.addEventListener('open', () => {
        opened = true;
        this.log('debug', 'log.driver.eventsOpen');
        this.send(session, { type: 'hello', token: this.token.reveal() });
      });
      ws.addEventListener('message', (msg: MessageEvent) => {
        if (session.closed) return;
        session.lastMessageAt = this.now();
        const event = parseServerEvent(msg.data);
        if (!event) {
          this.log('warn', 'log.driver.eventsMalformed');
          return;
        }
        if (!settled) {
          if (event.type === 'welcome') {
            settled = true;
            clearTimeout(timer);
            this.onWelcome(session, event);
            resolve();
          } else if (event.type === 'error') {
            lastError = StageError.fromSandbox(event.code, event.message, 'events');
            fail(lastError);
          } else if (event.type === 'disconnected') {
            fail(disconnectError(event.reason, event.message));
          }
          return;
        }
        this.onServerEvent(session, event);
      });
      ws.addEventListener('close', (ev: CloseEvent) => {
        if (session.closed) return;
        // Refused before it opened (1006, no reason given to pages): find out why instead of calling it the network.
        if (!settled && !opened && lastError === null) {
          void diagnoseUnreachable(this.token.info.eventsUrl).then((why) => fail(StageError.fromUnreachable(why, 'events')));
          return;
        }
        const error = lastError ?? closeError(ev.code, ev.reason);
        if (!settled) fail(error);
        else this.lost(session, error);
      });
    });
  }

  private onWelcome(session: Session, welcome: Extract<ServerEvent, { type: 'welcome' }>): void {
    this.log('info', 'log.driver.joined', { participantId: welcome.participantId, count: welcome.participants.length });
    const present = new Set(welcome.participants.map((p) => p.participantId));
    // On a reconnect, drop those who left while we were away.
    for (const p of this.participants()) if (!present.has(p.id)) this.removeParticipant(p.id);
    for (const info of welcome.participants) this.upsertParticipant(this.toRemote(info));
    this.setCounts(welcome.counts);
    session.lastMessageAt = this.now();
    session.pingTimer = setInterval(() => this.ping(session), this.pingIntervalMs);
  }

  private onServerEvent(session: Session, event: ServerEvent): void {
    const subscribe = this.joinOptions?.subscribe ?? false;
    switch (event.type) {
      case 'participantJoined':
      case 'participantUpdated':
        this.upsertParticipant(this.toRemote(event.participant));
        if (subscribe && event.participant.published) this.subscribe(session, event.participant.participantId);
        break;
      case 'participantPublished':
        this.log('info', 'log.driver.publisherStarted', { user: event.participant.userId });
        this.upsertParticipant(this.toRemote(event.participant));
        if (subscribe) this.subscribe(session, event.participant.participantId);
        break;
      case 'participantUnpublished':
        this.unsubscribe(session, event.participantId);
        this.patchParticipant(event.participantId, { published: false, stream: null });
        break;
      case 'participantLeft':
        this.unsubscribe(session, event.participantId);
        this.removeParticipant(event.participantId);
        break;
      case 'counts':
        this.setCounts(event.counts);
        break;
      case 'disconnected':
        this.onDisconnected(session, event.reason, event.message);
        break;
      case 'error':
        this.reportError(StageError.fromSandbox(event.code, event.message, 'events'));
        break;
      case 'welcome':
      case 'pong':
        break;
    }
  }

  private onDisconnected(session: Session, reason: DisconnectReason, message: string): void {
    if (session !== this.session) return;
    const error = disconnectError(reason, message);
    this.log('warn', 'log.driver.serverEnded', { reason: `@log.disconnect.${reason}` });
    if (error.retryable) this.lost(session, error);
    else this.endedByServer(error);
  }

  private ping(session: Session): void {
    if (session.closed) return;
    if (this.now() - session.lastMessageAt > this.pingIntervalMs * 3) {
      this.lost(session, StageError.networkLost('the events socket went silent'));
      return;
    }
    this.send(session, { type: 'ping', t: this.now() });
  }

  private send(session: Session | null, message: ClientMessage): void {
    const ws = session?.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  private lost(session: Session | null, error: StageError): void {
    if (!session || session !== this.session || session.closed) return;
    // The state change that follows carries the error; the page logs it in its language.
    this.connectionLost(error);
  }

  // --- media ------------------------------------------------------------------------------------------------------

  private async publish(session: Session, options: PublishOptions): Promise<void> {
    const pc = new RTCPeerConnection(PEER_CONNECTION_CONFIG);
    session.publishPc = pc;
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
    const url = publishUrl(this.token.info.whipUrl, this.token.info.participantId);
    const answer = await exchangeSdp(url, this.token.reveal(), offer, 'publish', session.abort.signal);
    session.publishLocation = answer.location;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    pc.addEventListener('connectionstatechange', () => {
      this.log('debug', 'log.driver.publishPeer', { state: pc.connectionState });
      if (pc.connectionState === 'failed') this.lost(session, StageError.networkLost('the publish connection failed'));
    });
    // Apply a mute chosen before joining; the server learns it from the mute message.
    await this.applyMute(this.muted);
    this.log('info', 'log.driver.publishing', { tracks: `@log.tracks.${stream.getTracks().map((t) => t.kind).sort().join('+')}`, quality: quality.id });
  }

  private subscribe(session: Session, participantId: string): void {
    if (session.closed || session.subscriptions.has(participantId)) return;
    const pc = new RTCPeerConnection(PEER_CONNECTION_CONFIG);
    const sub: Subscription = { participantId, pc, location: null, attempts: 0 };
    session.subscriptions.set(participantId, sub);
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addEventListener('track', (ev: RTCTrackEvent) => {
      if (session.subscriptions.get(participantId) !== sub) return;
      // A new MediaStream per track: the server may give audio and video different stream ids.
      const previous = this.getParticipant(participantId)?.stream;
      const tracks = [...(previous?.getTracks() ?? []).filter((t) => t.kind !== ev.track.kind), ev.track];
      this.patchParticipant(participantId, { stream: new MediaStream(tracks) });
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && session.subscriptions.get(participantId) === sub) {
        this.retrySubscribe(session, sub, StageError.networkLost(`the connection to ${participantId} failed`));
      }
    });
    void (async () => {
      try {
        const offer = await createCompleteOffer(pc);
        const url = subscribeUrl(this.token.info.whipUrl, participantId);
        const answer = await exchangeSdp(url, this.token.reveal(), offer, 'subscribe', session.abort.signal);
        sub.location = answer.location;
        const choice = this.layerChoices.get(participantId);
        if (choice && answer.location) void this.putLayer(answer.location, choice).catch((err: unknown) => this.log('warn', 'log.driver.layerFailed', { detail: err instanceof Error ? err.message : String(err) }));
        if (session.subscriptions.get(participantId) !== sub) {
          if (answer.location) void deleteSession(answer.location, this.token.reveal());
          return;
        }
        await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
        this.log('info', 'log.driver.subscribed', { participantId });
      } catch (cause: unknown) {
        if (session.closed || session.subscriptions.get(participantId) !== sub) return;
        const error = StageError.from(cause);
        if (error.reason === 'publisherGone') {
          // Raced with an unpublish: the event that follows removes the tile.
          this.unsubscribe(session, participantId);
          return;
        }
        this.retrySubscribe(session, sub, error);
      }
    })();
  }

  /** Retries one subscription a few times (a network hiccup); gives up with an error event. */
  private retrySubscribe(session: Session, sub: Subscription, error: StageError): void {
    const attempts = sub.attempts + 1;
    this.unsubscribe(session, sub.participantId);
    const participant = this.getParticipant(sub.participantId);
    if (!error.retryable || attempts > 3 || !participant?.published) {
      this.reportError(error);
      return;
    }
    this.log('info', 'log.driver.subscribeRetry', { participantId: sub.participantId, attempt: attempts });
    setTimeout(() => {
      if (session.closed || session.subscriptions.has(sub.participantId)) return;
      this.subscribe(session, sub.participantId);
      const next = session.subscriptions.get(sub.participantId);
      if (next) next.attempts = attempts;
    }, 1_000 * attempts);
  }

  private unsubscribe(session: Session, participantId: string): void {
    const sub = session.subscriptions.get(participantId);
    if (!sub) return;
    session.subscriptions.delete(participantId);
    this.closeSubscription(sub, this.token.reveal());
  }

  private closeSubscription(sub: Subscription, token: string): void {
    if (sub.location) this.endRemoteSession(sub.location, token);
    sub.pc.close();
  }

  private toRemote(info: ParticipantInfo): RemoteParticipant {
    const existing = this.getParticipant(info.participantId);
    return {
      id: info.participantId,
      userId: info.userId,
      attributes: info.attributes,
      published: info.published,
      audioMuted: info.audioMuted,
      videoMuted: info.videoMuted,
      stream: info.published ? (existing?.stream ?? null) : null,
    };
  }
}

function parseServerEvent(data: unknown): ServerEvent | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerEvent.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function disconnectError(reason: DisconnectReason, message: string): StageError {
  switch (reason) {
    case 'disconnectedByApi':
      return StageError.disconnectedByServer(message);
    case 'stageDeleted':
      return StageError.stageNotFound(message);
    case 'tokenExpired':
      return StageError.fromSandbox('TOKEN_EXPIRED', message, 'events');
    case 'replaced':
      // Another tab joined with this token: reconnecting would only take it back from them.
      return StageError.disconnectedByServer(message);
    case 'serverShutdown':
      return StageError.networkLost(message);
  }
}

function closeError(code: number, reason: string): StageError {
  const detail = reason || `socket closed (${code})`;
  switch (code) {
    case WS_CLOSE.unauthorized:
      return StageError.tokenRejected(detail);
    case WS_CLOSE.forbidden:
      return StageError.tokenLacks('SUBSCRIBE');
    case WS_CLOSE.notFound:
      return StageError.stageNotFound(detail);
    case WS_CLOSE.tokenInUse:
      return StageError.tokenInUse();
    case WS_CLOSE.disconnected:
      return StageError.disconnectedByServer(detail);
    default:
      return StageError.networkLost(detail);
  }
}
