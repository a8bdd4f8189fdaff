/**
 * What both drivers share: the state machine, the typed emitter, the participant table, counts, mute state and the
 * reconnect loop. A driver only implements its transport: connect, disconnect, applyMute, collectStats.
 */
import type { MessageId, MessageParams } from '../i18n/index.js';
import type { ParticipantToken } from '../token/participant-token.js';
import {
  StageClientEvent,
  type JoinOptions,
  type LayerChoice,
  type LogLevel,
  type MuteState,
  type RemoteParticipant,
  type StageClient,
  type StageClientEventMap,
  type StageCounts,
} from './client.js';
import { ConnectionState, ConnectionStateMachine } from './connection-state.js';
import { TypedEmitter } from './emitter.js';
import { StageError } from './errors.js';
import { BackoffReconnectPolicy, type ReconnectPolicy } from './reconnect.js';
import type { StatsSample } from './stats-sample.js';

export interface DriverOptions {
  readonly reconnectPolicy?: ReconnectPolicy;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

const ACTIVE = new Set([ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Reconnecting]);

export abstract class BaseStageClient implements StageClient {
  abstract readonly driver: 'ivs' | 'sandbox';

  protected readonly emitter = new TypedEmitter<StageClientEventMap>();
  private readonly machine: ConnectionStateMachine;
  private readonly remote = new Map<string, RemoteParticipant>();
  private readonly policy: ReconnectPolicy;
  protected readonly now: () => number;
  private countsValue: StageCounts = { publishers: 0, subscribers: null };
  private muteValue: MuteState = { audio: false, video: false };
  protected joinOptions: JoinOptions | null = null;
  /** Bumped by leave(): a join or reconnect that started under an older epoch stops at its next step. */
  private epoch = 0;
  private wake: (() => void) | null = null;
  /** True while reconnectLoop runs (so a transport recovering by itself does not race it). */
  private reconnecting = false;

  constructor(
    readonly token: ParticipantToken,
    options: DriverOptions = {},
  ) {
    this.policy = options.reconnectPolicy ?? new BackoffReconnectPolicy();
    this.now = options.now ?? (() => Date.now());
    this.machine = new ConnectionStateMachine(
      (change) => {
        this.log('info', 'log.driver.transition', { from: `@state.${change.previous}`, to: `@state.${change.state}` });
        this.emitter.emit(StageClientEvent.ConnectionStateChanged, change);
      },
      () => undefined,
    );
  }

  get state(): ConnectionState {
    return this.machine.state;
  }

  get muted(): MuteState {
    return this.muteValue;
  }

  get counts(): StageCounts {
    return this.countsValue;
  }

  get localStream(): MediaStream | null {
    return this.joinOptions?.publish?.stream ?? null;
  }

  on<E extends StageClientEvent>(event: E, listener: (payload: StageClientEventMap[E]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  participants(): readonly RemoteParticipant[] {
    return [...this.remote.values()];
  }

  async join(options: JoinOptions): Promise<void> {
    if (ACTIVE.has(this.state)) throw new Error(`join() called while ${this.state}`);
    const epoch = ++this.epoch;
    this.joinOptions = options;
    this.machine.transition(ConnectionState.Connecting);
    try {
      this.assertTokenUsable();
      await this.connect(options);
    } catch (cause: unknown) {
      const error = StageError.from(cause);
      await this.safeDisconnect();
      if (epoch === this.epoch && this.state === ConnectionState.Connecting) {
        this.machine.transition(ConnectionState.Failed, error);
      }
      throw error;
    }
    if (epoch !== this.epoch) {
      // leave() ran while we were connecting: undo what connect() set up.
      await this.safeDisconnect();
      return;
    }
    this.machine.transition(ConnectionState.Connected);
  }

  async leave(): Promise<void> {
    this.epoch++;
    this.wake?.();
    await this.safeDisconnect();
    if (ACTIVE.has(this.state)) this.machine.transition(ConnectionState.Disconnected);
    this.clearParticipants();
  }

  async setMuted(mute: Partial<MuteState>): Promise<void> {
    const next: MuteState = { audio: mute.audio ?? this.muteValue.audio, video: mute.video ?? this.muteValue.video };
    await this.applyMute(next);
    this.muteValue = next;
    // "on" = sending: the entry reads what a person sees, not the muted flag.
    this.log('info', 'log.driver.mute', { audio: next.audio ? '@log.off' : '@log.on', video: next.video ? '@log.off' : '@log.on' });
    this.emitter.emit(StageClientEvent.LocalMuteChanged, next);
  }

  abstract collectStats(): Promise<StatsSample>;

  /** Layer choices by publisher participantId; `auto` is not stored. */
  protected readonly layerChoices = new Map<string, LayerChoice>();

  async setPreferredLayer(participantId: string, choice: LayerChoice): Promise<void> {
    if (choice === 'auto') this.layerChoices.delete(participantId);
    else this.layerChoices.set(participantId, choice);
    await this.applyPreferredLayer(participantId, choice);
  }

  /** Tells the server (sandbox) or the SDK (IVS) about a changed layer choice. */
  protected abstract applyPreferredLayer(participantId: string, choice: LayerChoice): Promise<void>;

  /** Establishes every session (events, publish, subscriptions); throws StageError. */
  protected abstract connect(options: JoinOptions): Promise<void>;
  /** Tears down every session. Idempotent; never throws. */
  protected abstract disconnect(): Promise<void>;
  /** Applies the mute state to published tracks (and tells the server, where the driver must). */
  protected abstract applyMute(mute: MuteState): Promise<void>;

  // --- for drivers ------------------------------------------------------------------------------------------------

  /**
   * The established connection broke. Retryable errors start the reconnect loop (state Reconnecting); others end
   * the session (state Failed).
   */
  protected connectionLost(error: StageError): void {
    const waitingForTransport = this.state === ConnectionState.Reconnecting && !this.reconnecting;
    if (this.state !== ConnectionState.Connected && !waitingForTransport) return;
    if (!error.retryable) {
      this.endSession(ConnectionState.Failed, error);
      return;
    }
    this.machine.transition(ConnectionState.Reconnecting, error);
    void this.reconnectLoop(error, this.epoch);
  }

  /**
   * The transport is recovering by itself (the IVS SDK reconnects internally): show Reconnecting without starting
   * our loop. If it gives up, the driver calls connectionLost() and the policy takes over.
   */
  protected transportReconnecting(error: StageError): void {
    if (this.state === ConnectionState.Connected) this.machine.transition(ConnectionState.Reconnecting, error);
  }

  /** The transport recovered by itself. */
  protected transportReconnected(): void {
    if (this.state === ConnectionState.Reconnecting && !this.reconnecting) {
      this.machine.transition(ConnectionState.Connected);
    }
  }

  /** The server ended the session on purpose (disconnected by the API, stage deleted, token replaced). */
  protected endedByServer(error: StageError): void {
    if (!ACTIVE.has(this.state) || this.state === ConnectionState.Connecting) return;
    this.endSession(ConnectionState.Disconnected, error);
  }

  protected log(level: LogLevel, id: MessageId, params?: MessageParams): void {
    this.emitter.emit(StageClientEvent.Log, { level, id, ...(params ? { params } : {}) });
  }

  /** The page logs the Error event itself, in its language (web/src/ui/stage-status.ts). */
  protected reportError(error: StageError): void {
    this.emitter.emit(StageClientEvent.Error, error);
  }

  protected getParticipant(id: string): RemoteParticipant | undefined {
    return this.remote.get(id);
  }

  /** Adds or updates a remote participant, emitting Joined or Updated (nothing when unchanged). */
  protected upsertParticipant(next: RemoteParticipant): void {
    if (next.id === this.token.info.participantId) return;
    const previous = this.remote.get(next.id);
    this.remote.set(next.id, next);
    if (!previous) this.emitter.emit(StageClientEvent.ParticipantJoined, next);
    else if (!sameParticipant(previous, next)) this.emitter.emit(StageClientEvent.ParticipantUpdated, next);
  }

  protected patchParticipant(id: string, patch: Partial<Omit<RemoteParticipant, 'id'>>): void {
    const previous = this.remote.get(id);
    if (previous) this.upsertParticipant({ ...previous, ...patch });
  }

  protected removeParticipant(id: string): void {
    const previous = this.remote.get(id);
    if (!previous) return;
    this.remote.delete(id);
    this.emitter.emit(StageClientEvent.ParticipantLeft, { participantId: id, userId: previous.userId });
  }

  protected setCounts(counts: StageCounts): void {
    if (counts.publishers === this.countsValue.publishers && counts.subscribers === this.countsValue.subscribers) return;
    this.countsValue = counts;
    this.emitter.emit(StageClientEvent.CountsChanged, counts);
  }

  // --- internals --------------------------------------------------------------------------------------------------

  private assertTokenUsable(): void {
    const expiresAt = this.token.info.expiresAt;
    if (expiresAt.getTime() <= this.now()) throw StageError.tokenExpired(expiresAt);
  }

  private endSession(state: ConnectionState.Failed | ConnectionState.Disconnected, error: StageError): void {
    this.epoch++;
    this.wake?.();
    void this.safeDisconnect();
    this.machine.transition(state, error);
    this.clearParticipants();
  }

  private async reconnectLoop(first: StageError, epoch: number): Promise<void> {
    this.reconnecting = true;
    try {
      await this.runReconnect(first, epoch);
    } finally {
      this.reconnecting = false;
    }
  }

  private async runReconnect(first: StageError, epoch: number): Promise<void> {
    const started = this.now();
    let error = first;
    for (let attempt = 1; ; attempt++) {
      const delay = this.policy.nextRetryDelayInMs({ attempt, elapsedMs: this.now() - started, error });
      if (epoch !== this.epoch) return;
      if (delay === null) {
        this.log('warn', 'log.driver.reconnectGaveUp', { attempts: attempt - 1 });
        this.endSession(ConnectionState.Failed, error);
        return;
      }
      this.log('info', 'log.driver.reconnectAttempt', { attempt, delayMs: delay });
      await this.sleep(delay);
      if (epoch !== this.epoch) return;
      try {
        const expiresAt = this.token.info.expiresAt;
        if (expiresAt.getTime() <= this.now()) throw StageError.tokenExpiredAtReconnect(expiresAt);
        await this.safeDisconnect();
        if (!this.joinOptions) throw StageError.networkLost('nothing to reconnect');
        await this.connect(this.joinOptions);
      } catch (cause: unknown) {
        error = StageError.from(cause);
        if (error.reason === 'tokenExpired' || error.reason === 'tokenExpiredAtReconnect') {
          if (epoch === this.epoch) this.endSession(ConnectionState.Failed, error);
          return;
        }
        continue;
      }
      if (epoch !== this.epoch) {
        await this.safeDisconnect();
        return;
      }
      this.machine.transition(ConnectionState.Connected);
      return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => done();
      this.wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
    });
  }

  private async safeDisconnect(): Promise<void> {
    try {
      await this.disconnect();
    } catch (cause: unknown) {
      this.log('warn', 'log.driver.cleanupFailed', { detail: cause instanceof Error ? cause.message : String(cause) });
    }
  }

  private clearParticipants(): void {
    for (const id of [...this.remote.keys()]) this.removeParticipant(id);
    this.setCounts({ publishers: 0, subscribers: this.countsValue.subscribers === null ? null : 0 });
  }
}

function sameParticipant(a: RemoteParticipant, b: RemoteParticipant): boolean {
  return (
    a.userId === b.userId &&
    a.published === b.published &&
    a.audioMuted === b.audioMuted &&
    a.videoMuted === b.videoMuted &&
    a.stream === b.stream
  );
}
