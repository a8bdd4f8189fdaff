/**
 * The sandbox driver: one events channel (sandbox-events.ts) plus the media sessions (sandbox-media.ts) per
 * connection attempt, as contracts/sandbox-protocol.ts specifies. This file ties them to the shared state machine.
 */
import type { DisconnectReason, ParticipantInfo, ServerEvent } from '../../../contracts/sandbox-protocol.js';
import type { ParticipantToken } from '../token/participant-token.js';
import { BaseStageClient, type DriverOptions } from './base-client.js';
import type { JoinOptions, LayerChoice, MuteState, RemoteParticipant } from './client.js';
import { StageError } from './errors.js';
import { EventsChannel, disconnectError, type Welcome } from './sandbox-events.js';
import { SandboxMedia, putLayer } from './sandbox-media.js';
import type { StatsSample } from './stats-sample.js';
import { deleteSession } from './webrtc.js';

export interface SandboxDriverOptions extends DriverOptions {
  /** How long to wait for `welcome` after the socket opens. */
  readonly welcomeTimeoutMs?: number;
  /** Application ping interval; a socket silent for three intervals counts as lost. */
  readonly pingIntervalMs?: number;
}

/** One connection attempt's resources; a reconnect throws the whole thing away and makes a new one. */
interface Session {
  readonly events: EventsChannel;
  readonly media: SandboxMedia;
  closed: boolean;
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
    const session = this.newSession();
    this.session = session;
    await session.events.open();
    if (options.publish) {
      await session.media.publish(options.publish);
      // Apply a mute chosen before joining; the server learns it from the mute message.
      await this.applyMute(this.muted);
      const { stream, quality } = options.publish;
      this.log('info', 'log.driver.publishing', { tracks: `@log.tracks.${stream.getTracks().map((t) => t.kind).sort().join('+')}`, quality: quality.id });
    }
    globalThis.addEventListener?.('offline', this.onOffline);
    if (options.subscribe) {
      for (const p of this.participants()) if (p.published) session.media.subscribe(p.id);
    }
  }

  protected async disconnect(): Promise<void> {
    globalThis.removeEventListener?.('offline', this.onOffline);
    const session = this.session;
    this.session = null;
    if (!session || session.closed) return;
    session.closed = true;
    session.media.close(this.token.reveal());
    session.events.close();
  }

  protected async applyMute(mute: MuteState): Promise<void> {
    const stream = this.localStream;
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = !mute.audio;
    for (const track of stream?.getVideoTracks() ?? []) track.enabled = !mute.video;
    if (this.joinOptions?.publish) this.session?.events.send({ type: 'mute', audio: mute.audio, video: mute.video });
  }

  async collectStats(): Promise<StatsSample> {
    const streams = (await this.session?.media.stats()) ?? [];
    return { at: performance.now(), streams };
  }

  protected async applyPreferredLayer(participantId: string, choice: LayerChoice): Promise<void> {
    const location = this.session?.media.locationOf(participantId);
    // Not subscribed yet: the choice is applied when the subscription starts.
    if (location) await putLayer(location, choice);
  }

  private newSession(): Session {
    // The session's callbacks close over it: events from a session a reconnect replaced change nothing.
    const session: Session = {
      closed: false,
      events: new EventsChannel(
        {
          eventsUrl: this.token.info.eventsUrl,
          token: () => this.token.reveal(),
          now: () => this.now(),
          log: (level, id, params) => this.log(level, id, params),
          onWelcome: (welcome) => this.onWelcome(welcome),
          onEvent: (event) => this.onServerEvent(session, event),
          onLost: (error) => this.lost(session, error),
        },
        { welcomeTimeoutMs: this.welcomeTimeoutMs, pingIntervalMs: this.pingIntervalMs },
      ),
      media: new SandboxMedia({
        whipUrl: this.token.info.whipUrl,
        participantId: this.token.info.participantId,
        token: () => this.token.reveal(),
        now: () => this.now(),
        log: (level, id, params) => this.log(level, id, params),
        layerChoice: (participantId) => this.layerChoices.get(participantId),
        isPublished: (participantId) => this.getParticipant(participantId)?.published ?? false,
        onTrack: (participantId, track) => {
          // A new MediaStream per track: the server may give audio and video different stream ids.
          const previous = this.getParticipant(participantId)?.stream;
          const tracks = [...(previous?.getTracks() ?? []).filter((t) => t.kind !== track.kind), track];
          this.patchParticipant(participantId, { stream: new MediaStream(tracks) });
        },
        onPublishLost: (error) => this.lost(session, error),
        reportError: (error) => this.reportError(error),
        endRemoteSession: (location, token) => this.endRemoteSession(location, token),
      }),
    };
    return session;
  }

  /** DELETEs a WHIP/WHEP session without waiting; one that could not be reached is retried by the next connect(). */
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

  private onWelcome(welcome: Welcome): void {
    this.log('info', 'log.driver.joined', { participantId: welcome.participantId, count: welcome.participants.length });
    const present = new Set(welcome.participants.map((p) => p.participantId));
    // On a reconnect, drop those who left while we were away.
    for (const p of this.participants()) if (!present.has(p.id)) this.removeParticipant(p.id);
    for (const info of welcome.participants) this.upsertParticipant(this.toRemote(info));
    this.setCounts(welcome.counts);
  }

  private onServerEvent(session: Session, event: ServerEvent): void {
    const subscribe = this.joinOptions?.subscribe ?? false;
    switch (event.type) {
      case 'participantJoined':
      case 'participantUpdated':
        this.upsertParticipant(this.toRemote(event.participant));
        if (subscribe && event.participant.published) session.media.subscribe(event.participant.participantId);
        break;
      case 'participantPublished':
        this.log('info', 'log.driver.publisherStarted', { user: event.participant.userId });
        this.upsertParticipant(this.toRemote(event.participant));
        if (subscribe) session.media.subscribe(event.participant.participantId);
        break;
      case 'participantUnpublished':
        session.media.unsubscribe(event.participantId);
        this.patchParticipant(event.participantId, { published: false, stream: null });
        break;
      case 'participantLeft':
        session.media.unsubscribe(event.participantId);
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

  private lost(session: Session | null, error: StageError): void {
    if (!session || session !== this.session || session.closed) return;
    // The state change that follows carries the error; the page logs it in its language.
    this.connectionLost(error);
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
