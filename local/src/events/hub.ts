/**
 * Live participants of every stage, and the events WebSocket that tells pages about them.
 *
 * A participant is live while it has at least one channel: its events connection (/events, at most one per token),
 * a media publish session, or media subscriptions (reported by the SFU through MediaEventSink). Its first channel is
 * a JOIN (the store starts a stage session if needed), losing its last channel is a LEAVE (the store ends the session
 * when nobody is left). Changes are pushed to the stage's pages; counts are coalesced to at most one push per
 * `countsIntervalMs` per stage. Presence bookkeeping is presence.ts, the socket protocol connection.ts, the
 * coalescing counts.ts.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { SandboxConfig } from '../config.js';
import { SandboxError } from '../errors.js';
import type { EventErrorCode, IvsStore, ParticipantEventName, StoreListener } from '../ivs-api/store.js';
import type { MediaEventSink, MediaPlane, VerifiedParticipant } from '../media/types.js';
import { type Counts, type DisconnectReason, type ServerEvent, WS_CLOSE } from '../../../contracts/sandbox-protocol.js';
import type { TokenVerifier } from '../tokens/verify.js';
import { type EventsConnection, type JoinedMessage, sendEvent, serveConnection, sweepConnections } from './connection.js';
import { CountsCoalescer } from './counts.js';
import type { MediaErrorSink } from './media-errors.js';
import { DISCONNECT_MESSAGES, type LiveParticipant, Presence, participantInfo } from './presence.js';

export interface EventsHubDeps {
  readonly store: IvsStore;
  readonly verifier: TokenVerifier;
  readonly config: SandboxConfig;
  readonly log: FastifyBaseLogger;
  readonly nowMs: () => number;
}

export class EventsHub implements MediaEventSink, MediaErrorSink, StoreListener {
  private readonly presence: Presence;
  private readonly connections = new Set<EventsConnection>();
  private media: MediaPlane | undefined;
  private readonly countsPush: CountsCoalescer;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly deps: EventsHubDeps) {
    this.presence = new Presence(deps.nowMs);
    this.countsPush = new CountsCoalescer(deps.config.events.countsIntervalMs, deps.nowMs, (stageArn) => this.pushCounts(stageArn));
    this.heartbeat = setInterval(() => sweepConnections(this.connections), deps.config.events.heartbeatMs);
    this.heartbeat.unref();
  }

  attachMedia(media: MediaPlane): void {
    this.media = media;
  }

  // ---- queries ------------------------------------------------------------------------------------------------

  counts(stageArn: string): Counts {
    return this.presence.counts(stageArn);
  }

  /** Number of open events connections (all stages). */
  get connectionCount(): number {
    return this.connections.size;
  }

  // ---- presence -----------------------------------------------------------------------------------------------

  /** The participant's record, created (a JOIN) if this is its first channel. Undefined if its stage is gone. */
  private acquire(p: VerifiedParticipant): LiveParticipant | undefined {
    if (!this.deps.store.stageExists(p.stageArn)) return undefined;
    const existing = this.presence.find(p.stageArn, p.participantId);
    if (existing) return existing;
    const live = this.presence.add(p, (expired) => this.end(expired, 'tokenExpired'));
    this.deps.store.participantJoined(p);
    this.broadcast(p.stageArn, { type: 'participantJoined', participant: participantInfo(live) }, p.participantId);
    this.countsPush.markDirty(p.stageArn);
    return live;
  }

  /** Leaves (LEFT, maybe ends the session) once the participant has no channel left. */
  private releaseIfIdle(live: LiveParticipant): void {
    if (!this.presence.removeIfIdle(live)) return;
    const { stageArn, participantId } = live.verified;
    this.deps.store.participantLeft(stageArn, participantId);
    this.broadcast(stageArn, { type: 'participantLeft', participantId });
    this.countsPush.markDirty(stageArn);
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
      sendEvent(connection, { type: 'disconnected', reason, message: message ?? DISCONNECT_MESSAGES[reason] });
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
      this.broadcast(p.stageArn, { type: 'participantPublished', participant: participantInfo(live) }, p.participantId);
      this.countsPush.markDirty(p.stageArn);
    }
  }

  publishStopped(p: VerifiedParticipant): void {
    const live = this.presence.find(p.stageArn, p.participantId);
    if (!live || live.publishing === 0) return;
    live.publishing -= 1;
    if (live.publishing === 0) {
      this.deps.store.participantEvent(p.stageArn, p.participantId, 'PUBLISH_STOPPED');
      this.broadcast(p.stageArn, { type: 'participantUnpublished', participantId: p.participantId }, p.participantId);
      this.countsPush.markDirty(p.stageArn);
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
    const live = this.presence.find(p.stageArn, p.participantId);
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
    const live = this.presence.find(stageArn, participantId);
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
    for (const live of [...this.presence.participants(stageArn)]) this.end(live, 'stageDeleted');
    try {
      this.media?.closeStage(stageArn);
    } catch (err: unknown) {
      this.deps.log.warn({ err, stageArn }, 'media plane failed to close a stage');
    }
    this.presence.deleteStage(stageArn);
    this.countsPush.forget(stageArn);
  }

  // ---- the events WebSocket -----------------------------------------------------------------------------------

  /** Runs one /events connection (connection.ts): hello (token) first, then mute/ping until it closes. */
  accept(socket: WebSocket): void {
    if (this.closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    serveConnection<LiveParticipant>(socket, {
      helloTimeoutMs: this.deps.config.events.helloTimeoutMs,
      log: this.deps.log,
      verify: (token) => this.deps.verifier.verify(token),
      join: (connection, verified) => this.join(connection, verified),
      message: (live, connection, message) => this.onMessage(live, connection, message),
      closed: (connection, live) => {
        this.connections.delete(connection);
        if (live && live.connection === connection) {
          live.connection = undefined;
          this.releaseIfIdle(live);
        }
      },
    });
  }

  private onMessage(live: LiveParticipant, connection: EventsConnection, message: JoinedMessage): void {
    if (message.type === 'ping') {
      sendEvent(connection, { type: 'pong', t: message.t, serverMs: this.deps.nowMs() });
    } else if (message.type === 'mute') {
      live.audioMuted = message.audio;
      live.videoMuted = message.video;
      this.broadcast(live.verified.stageArn, { type: 'participantUpdated', participant: participantInfo(live) }, live.verified.participantId);
    }
  }

  private join(connection: EventsConnection, verified: VerifiedParticipant): LiveParticipant | SandboxError {
    const existing = this.presence.find(verified.stageArn, verified.participantId);
    if (existing?.connection) {
      return new SandboxError(409, 'TOKEN_IN_USE', 'this token is already joined from another events connection; one join per token');
    }
    const live = this.acquire(verified);
    if (!live) return new SandboxError(404, 'STAGE_NOT_FOUND', "the token's stage does not exist (deleted?)");
    live.connection = connection;
    this.connections.add(connection);
    const others = [...this.presence.participants(verified.stageArn)].filter((p) => p !== live).map(participantInfo);
    sendEvent(connection, {
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

  private broadcast(stageArn: string, event: ServerEvent, exceptParticipantId?: string): void {
    for (const live of this.presence.participants(stageArn)) {
      if (live.connection && live.verified.participantId !== exceptParticipantId) sendEvent(live.connection, event);
    }
  }

  // ---- counts, coalesced (counts.ts) --------------------------------------------------------------------------

  private pushCounts(stageArn: string): void {
    const counts = this.counts(stageArn);
    const stage = this.presence.stage(stageArn);
    if (!stage) return;
    if (stage.lastCounts?.publishers === counts.publishers && stage.lastCounts.subscribers === counts.subscribers) return;
    stage.lastCounts = counts;
    this.broadcast(stageArn, { type: 'counts', counts });
  }

  /** Tells every page the server is going away and closes its socket (fastify preClose). */
  shutdown(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.countsPush.close();
    for (const stage of this.presence.all()) {
      for (const live of stage.participants.values()) clearTimeout(live.expiryTimer);
    }
    for (const connection of this.connections) {
      sendEvent(connection, { type: 'disconnected', reason: 'serverShutdown', message: DISCONNECT_MESSAGES.serverShutdown });
      connection.socket.close(1001, 'serverShutdown');
    }
    this.connections.clear();
  }
}
