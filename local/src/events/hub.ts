/**
 * Live participants of every stage, and the events WebSocket that tells pages about them.
 *
 * A participant is live while it has at least one channel: its events connection (/events, at most one per token),
 * a media publish session, or media subscriptions (reported by the SFU through MediaEventSink). Its first channel is
 * a JOIN (the store starts a stage session if needed), losing its last channel is a LEAVE (the store ends the session
 * when nobody is left). Changes are pushed to the stage's pages; counts are coalesced to at most one push per
 * `countsIntervalMs` per stage.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { SandboxConfig } from '../config.js';
import { SandboxError } from '../errors.js';
import type { EventErrorCode, IvsStore, ParticipantEventName, StoreListener } from '../ivs-api/store.js';
import type { MediaEventSink, MediaPlane, VerifiedParticipant } from '../media/types.js';
import { ClientMessage, type Counts, type DisconnectReason, type ParticipantInfo, type ServerEvent, WS_CLOSE } from '../../../contracts/sandbox-protocol.js';
import type { TokenVerifier } from '../tokens/verify.js';
import type { MediaErrorSink } from './media-errors.js';

/** A page that reads slower than this many buffered bytes is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** setTimeout's ceiling (~24.8 days); token lifetimes (≤ 14 days) stay below it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface LiveParticipant {
  readonly verified: VerifiedParticipant;
  readonly joinedAt: Date;
  connection?: EventsConnection;
  /** Active media publish sessions (the SFU allows one; counted for robustness). */
  publishing: number;
  /** Publisher participant id -> active subscriptions to it. */
  readonly subscriptions: Map<string, number>;
  audioMuted: boolean;
  videoMuted: boolean;
  expiryTimer?: NodeJS.Timeout;
}

interface LiveStage {
  readonly participants: Map<string, LiveParticipant>;
  lastCounts?: Counts;
}

interface EventsConnection {
  readonly socket: WebSocket;
  alive: boolean;
}

export interface EventsHubDeps {
  readonly store: IvsStore;
  readonly verifier: TokenVerifier;
  readonly config: SandboxConfig;
  readonly log: FastifyBaseLogger;
  readonly nowMs: () => number;
}

const closeCodeFor = (status: number): number =>
  status === 401 ? WS_CLOSE.unauthorized : status === 404 ? WS_CLOSE.notFound : status === 409 ? WS_CLOSE.tokenInUse : WS_CLOSE.forbidden;

const DISCONNECT_MESSAGES: Record<DisconnectReason, string> = {
  disconnectedByApi: 'disconnected from the stage by the API (DisconnectParticipant)',
  stageDeleted: 'the stage was deleted',
  tokenExpired: 'the participant token expired; get a new token to rejoin',
  replaced: 'replaced by a newer connection',
  serverShutdown: 'the sandbox server is shutting down',
};

export class EventsHub implements MediaEventSink, MediaErrorSink, StoreListener {
  private readonly stages = new Map<string, LiveStage>();
  private readonly connections = new Set<EventsConnection>();
  private media: MediaPlane | undefined;
  private readonly dirty = new Set<string>();
  private countsTimer: NodeJS.Timeout | undefined;
  private lastCountsFlush = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly deps: EventsHubDeps) {
    this.heartbeat = setInterval(() => this.sweep(), deps.config.events.heartbeatMs);
    this.heartbeat.unref();
  }

  attachMedia(media: MediaPlane): void {
    this.media = media;
  }

  // ---- queries ------------------------------------------------------------------------------------------------

  counts(stageArn: string): Counts {
    let publishers = 0;
    let subscribers = 0;
    for (const live of this.stages.get(stageArn)?.participants.values() ?? []) {
      if (live.publishing > 0) publishers += 1;
      else subscribers += 1;
    }
    return { publishers, subscribers };
  }

  /** Number of open events connections (all stages). */
  get connectionCount(): number {
    return this.connections.size;
  }

  private info(live: LiveParticipant): ParticipantInfo {
    return {
      participantId: live.verified.participantId,
      userId: live.verified.userId,
      attributes: { ...live.verified.attributes },
      published: live.publishing > 0,
      audioMuted: live.audioMuted,
      videoMuted: live.videoMuted,
      joinedAt: live.joinedAt.toISOString(),
    };
  }

  // ---- presence -----------------------------------------------------------------------------------------------

  /** The participant's record, created (a JOIN) if this is its first channel. Undefined if its stage is gone. */
  private acquire(p: VerifiedParticipant): LiveParticipant | undefined {
    if (!this.deps.store.stageExists(p.stageArn)) return undefined;
    let stage = this.stages.get(p.stageArn);
    if (!stage) {
      stage = { participants: new Map() };
      this.stages.set(p.stageArn, stage);
    }
    const existing = stage.participants.get(p.participantId);
    if (existing) return existing;
    const live: LiveParticipant = {
      verified: p,
      joinedAt: new Date(this.deps.nowMs()),
      publishing: 0,
      subscriptions: new Map(),
      audioMuted: false,
      videoMuted: false,
    };
    const untilExpiry = p.exp * 1000 - this.deps.nowMs();
    if (untilExpiry < MAX_TIMER_MS) {
      live.expiryTimer = setTimeout(() => this.end(live, 'tokenExpired'), Math.max(0, untilExpiry));
      live.expiryTimer.unref();
    }
    stage.participants.set(p.participantId, live);
    this.deps.store.participantJoined(p);
    this.broadcast(p.stageArn, { type: 'participantJoined', participant: this.info(live) }, p.participantId);
    this.markDirty(p.stageArn);
    return live;
  }

  private find(stageArn: string, participantId: string): LiveParticipant | undefined {
    return this.stages.get(stageArn)?.participants.get(participantId);
  }

  /** Leaves (LEFT, maybe ends the session) once the participant has no channel left. */
  private releaseIfIdle(live: LiveParticipant): void {
    if (live.connection || live.publishing > 0 || live.subscriptions.size > 0) return;
    const { stageArn, participantId } = live.verified;
    const stage = this.stages.get(stageArn);
    if (stage?.participants.get(participantId) !== live) return;
    clearTimeout(live.expiryTimer);
    stage.participants.delete(participantId);
    if (stage.participants.size === 0) this.stages.delete(stageArn);
    this.deps.store.participantLeft(stageArn, participantId);
    this.broadcast(stageArn, { type: 'participantLeft', participantId });
    this.markDirty(stageArn);
  }

  /** Ends every channel of a participant: its media sessions, then its events connection with a reason. */
  private end(live: LiveParticipant, reason: DisconnectReason, message?: string): void {
    const { stageArn, participantId } = live.verified;
    try {
      this.media?.disconnectParticipant(stageArn, participantId);
    } catch (err: unknown) {
      this.deps.log.warn({ err, participantId }, 'media plane failed to disconnect a participant');
    }
    // Whatever the media plane did not report back synchronously is closed here, in IVS's event order.
    if (live.publishing > 0) {
      live.publishing = 1;
      this.publishStopped(live.verified);
    }
    for (const publisherId of [...live.subscriptions.keys()]) {
      live.subscriptions.set(publisherId, 1);
      this.subscribeStopped(live.verified, publisherId);
    }
    const connection = live.connection;
    if (connection) {
      live.connection = undefined;
      this.connections.delete(connection);
      this.send(connection, { type: 'disconnected', reason, message: message ?? DISCONNECT_MESSAGES[reason] });
      connection.socket.close(WS_CLOSE.disconnected, reason);
    }
    this.releaseIfIdle(live);
  }

  // ---- MediaEventSink (called by the SFU) ---------------------------------------------------------------------

  publishStarted(p: VerifiedParticipant): void {
    const live = this.acquire(p);
    if (!live) return;
    live.publishing += 1;
    if (live.publishing === 1) {
      this.deps.store.participantEvent(p.stageArn, p.participantId, 'PUBLISH_STARTED');
      this.broadcast(p.stageArn, { type: 'participantPublished', participant: this.info(live) }, p.participantId);
      this.markDirty(p.stageArn);
    }
  }

  publishStopped(p: VerifiedParticipant): void {
    const live = this.find(p.stageArn, p.participantId);
    if (!live || live.publishing === 0) return;
    live.publishing -= 1;
    if (live.publishing === 0) {
      this.deps.store.participantEvent(p.stageArn, p.participantId, 'PUBLISH_STOPPED');
      this.broadcast(p.stageArn, { type: 'participantUnpublished', participantId: p.participantId }, p.participantId);
      this.markDirty(p.stageArn);
    }
    this.releaseIfIdle(live);
  }

  subscribeStarted(p: VerifiedParticipant, publisherParticipantId: string): void {
    const live = this.acquire(p);
    if (!live) return;
    const n = live.subscriptions.get(publisherParticipantId) ?? 0;
    live.subscriptions.set(publisherParticipantId, n + 1);
    if (n === 0) this.deps.store.participantEvent(p.stageArn, p.participantId, 'SUBSCRIBE_STARTED', publisherParticipantId);
  }

  subscribeStopped(p: VerifiedParticipant, publisherParticipantId: string): void {
    const live = this.find(p.stageArn, p.participantId);
    const n = live?.subscriptions.get(publisherParticipantId);
    if (!live || n === undefined) return;
    if (n > 1) {
      live.subscriptions.set(publisherParticipantId, n - 1);
      return;
    }
    live.subscriptions.delete(publisherParticipantId);
    this.deps.store.participantEvent(p.stageArn, p.participantId, 'SUBSCRIBE_STOPPED', publisherParticipantId);
    this.releaseIfIdle(live);
  }

  /** A refused publish/subscribe attempt (media-errors.ts): recorded if the participant is in the session. */
  mediaError(stageArn: string, participantId: string, name: ParticipantEventName, errorCode: EventErrorCode, remoteParticipantId?: string): void {
    this.deps.store.participantEvent(stageArn, participantId, name, remoteParticipantId, errorCode);
  }

  // ---- StoreListener (DisconnectParticipant, DeleteStage) -----------------------------------------------------

  participantDisconnected(stageArn: string, participantId: string, reason: string | undefined): void {
    const live = this.find(stageArn, participantId);
    if (live) {
      this.end(live, 'disconnectedByApi', reason ? `${DISCONNECT_MESSAGES.disconnectedByApi}: ${reason}` : undefined);
      return;
    }
    // Not live here (e.g. only the SFU knows it): the media plane still gets told.
    try {
      this.media?.disconnectParticipant(stageArn, participantId);
    } catch (err: unknown) {
      this.deps.log.warn({ err, participantId }, 'media plane failed to disconnect a participant');
    }
  }

  stageDeleted(stageArn: string): void {
    for (const live of [...(this.stages.get(stageArn)?.participants.values() ?? [])]) this.end(live, 'stageDeleted');
    try {
      this.media?.closeStage(stageArn);
    } catch (err: unknown) {
      this.deps.log.warn({ err, stageArn }, 'media plane failed to close a stage');
    }
    this.stages.delete(stageArn);
    this.dirty.delete(stageArn);
  }

  // ---- the events WebSocket -----------------------------------------------------------------------------------

  /** Runs one /events connection: hello (token) first, then mute/ping until it closes. */
  accept(socket: WebSocket): void {
    if (this.closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const connection: EventsConnection = { socket, alive: true };
    let live: LiveParticipant | undefined;
    let state: 'awaitingHello' | 'verifying' | 'joined' | 'closed' = 'awaitingHello';

    const helloTimer = setTimeout(() => {
      if (state !== 'awaitingHello') return;
      this.send(connection, { type: 'error', code: 'TOKEN_MISSING', message: 'send {"type":"hello","token":"..."} first' });
      socket.close(WS_CLOSE.helloTimeout, 'hello timeout');
    }, this.deps.config.events.helloTimeoutMs);

    const reject = (err: SandboxError): void => {
      this.send(connection, { type: 'error', code: err.code, message: err.message });
      socket.close(closeCodeFor(err.status), err.code);
    };

    socket.on('pong', () => {
      connection.alive = true;
    });

    socket.on('message', (data, isBinary) => {
      let message: ClientMessage;
      try {
        const parsed = ClientMessage.safeParse(isBinary ? undefined : JSON.parse(data.toString()));
        if (!parsed.success) throw new Error('invalid message');
        message = parsed.data;
      } catch {
        if (state === 'awaitingHello') {
          clearTimeout(helloTimer);
          state = 'closed';
          reject(new SandboxError(401, 'TOKEN_MISSING', 'the first message must be {"type":"hello","token":"<participant token>"}'));
        }
        // After the join, a malformed message is ignored: one bad frame should not drop a live participant.
        return;
      }

      if (state === 'awaitingHello') {
        if (message.type !== 'hello') {
          clearTimeout(helloTimer);
          state = 'closed';
          reject(new SandboxError(401, 'TOKEN_MISSING', 'the first message must be {"type":"hello","token":"<participant token>"}'));
          return;
        }
        clearTimeout(helloTimer);
        state = 'verifying';
        this.deps.verifier.verify(message.token).then(
          (verified) => {
            if (state !== 'verifying' || socket.readyState !== socket.OPEN) return;
            const joined = this.join(connection, verified);
            if (joined instanceof SandboxError) {
              state = 'closed';
              reject(joined);
              return;
            }
            live = joined;
            state = 'joined';
          },
          (err: unknown) => {
            if (state !== 'verifying') return;
            state = 'closed';
            if (err instanceof SandboxError) reject(err);
            else {
              this.deps.log.error({ err }, 'token verification failed unexpectedly');
              socket.close(1011, 'internal error');
            }
          },
        );
        return;
      }

      if (state !== 'joined' || !live) return;
      if (message.type === 'ping') {
        this.send(connection, { type: 'pong', t: message.t, serverMs: this.deps.nowMs() });
      } else if (message.type === 'mute') {
        live.audioMuted = message.audio;
        live.videoMuted = message.video;
        this.broadcast(live.verified.stageArn, { type: 'participantUpdated', participant: this.info(live) }, live.verified.participantId);
      }
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      state = 'closed';
      this.connections.delete(connection);
      if (live && live.connection === connection) {
        live.connection = undefined;
        this.releaseIfIdle(live);
      }
    });
    socket.on('error', (err) => {
      this.deps.log.debug({ err }, 'events socket error');
    });
  }

  private join(connection: EventsConnection, verified: VerifiedParticipant): LiveParticipant | SandboxError {
    const existing = this.find(verified.stageArn, verified.participantId);
    if (existing?.connection) {
      return new SandboxError(409, 'TOKEN_IN_USE', 'this token is already joined from another events connection; one join per token');
    }
    const live = this.acquire(verified);
    if (!live) return new SandboxError(404, 'STAGE_NOT_FOUND', "the token's stage does not exist (deleted?)");
    live.connection = connection;
    this.connections.add(connection);
    const stage = this.stages.get(verified.stageArn);
    const others = [...(stage?.participants.values() ?? [])].filter((p) => p !== live).map((p) => this.info(p));
    this.send(connection, {
      type: 'welcome',
      participantId: verified.participantId,
      userId: verified.userId,
      stageArn: verified.stageArn,
      sessionId: this.deps.store.activeSessionId(verified.stageArn) ?? '',
      participants: others,
      counts: this.counts(verified.stageArn),
    });
    return live;
  }

  private send(connection: EventsConnection, event: ServerEvent): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(event));
  }

  private broadcast(stageArn: string, event: ServerEvent, exceptParticipantId?: string): void {
    for (const live of this.stages.get(stageArn)?.participants.values() ?? []) {
      if (live.connection && live.verified.participantId !== exceptParticipantId) this.send(live.connection, event);
    }
  }

  // ---- counts, coalesced --------------------------------------------------------------------------------------

  private markDirty(stageArn: string): void {
    if (this.closed) return;
    this.dirty.add(stageArn);
    if (this.countsTimer) return;
    const wait = Math.max(0, this.lastCountsFlush + this.deps.config.events.countsIntervalMs - this.deps.nowMs());
    this.countsTimer = setTimeout(() => this.flushCounts(), wait);
  }

  private flushCounts(): void {
    this.countsTimer = undefined;
    this.lastCountsFlush = this.deps.nowMs();
    for (const stageArn of this.dirty) {
      const counts = this.counts(stageArn);
      const stage = this.stages.get(stageArn);
      if (!stage) continue;
      if (stage.lastCounts?.publishers === counts.publishers && stage.lastCounts.subscribers === counts.subscribers) continue;
      stage.lastCounts = counts;
      this.broadcast(stageArn, { type: 'counts', counts });
    }
    this.dirty.clear();
  }

  /** Drops connections that missed the previous ping (a vanished phone must not hold its join forever). */
  private sweep(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.socket.terminate();
      }
    }
  }

  /** Tells every page the server is going away and closes its socket (fastify preClose). */
  shutdown(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.countsTimer);
    for (const stage of this.stages.values()) {
      for (const live of stage.participants.values()) clearTimeout(live.expiryTimer);
    }
    for (const connection of this.connections) {
      this.send(connection, { type: 'disconnected', reason: 'serverShutdown', message: DISCONNECT_MESSAGES.serverShutdown });
      connection.socket.close(1001, 'serverShutdown');
    }
    this.connections.clear();
  }
}
