/**
 * The one interface both pages program against. Two drivers implement it: IVS (amazon-ivs-web-broadcast) and the
 * sandbox (WHIP/WHEP + event WebSocket). Pages never know which one they hold.
 */
import type { MessageId, MessageParams } from '../i18n/index.js';
import type { QualityPreset } from '../media/presets.js';
import type { DriverKind, ParticipantToken } from '../token/participant-token.js';
import type { ConnectionState, StateChange } from './connection-state.js';
import type { StageError } from './errors.js';
import type { StatsSample } from './stats-sample.js';

export interface RemoteParticipant {
  readonly id: string;
  readonly userId: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Publishing media to the stage. */
  readonly published: boolean;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  /** Media received from this participant; null until subscribed (or when not subscribing). */
  readonly stream: MediaStream | null;
}

export interface StageCounts {
  readonly publishers: number;
  /** null when the backend does not report it. */
  readonly subscribers: number | null;
}

export interface MuteState {
  readonly audio: boolean;
  readonly video: boolean;
}

export interface PublishOptions {
  /** Camera/mic, or any caller-provided stream (the latency probe hands in a canvas-stamped one). */
  readonly stream: MediaStream;
  readonly quality: QualityPreset;
}

export interface JoinOptions {
  readonly publish?: PublishOptions;
  /** Receive every publisher's media. */
  readonly subscribe: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DriverLogEntry {
  readonly level: LogLevel;
  /** Catalogue id (web/src/i18n/event-log.ts `log.driver.*`): the page shows it in its language. */
  readonly id: MessageId;
  /** Never a token; a value "@id" is itself a catalogue id (web/src/ui/event-log.ts). */
  readonly params?: MessageParams;
}

/** Event names; each payload is documented in StageClientEventMap. */
export enum StageClientEvent {
  ConnectionStateChanged = 'connectionStateChanged',
  ParticipantJoined = 'participantJoined',
  ParticipantUpdated = 'participantUpdated',
  ParticipantLeft = 'participantLeft',
  CountsChanged = 'countsChanged',
  LocalMuteChanged = 'localMuteChanged',
  Error = 'error',
  Log = 'log',
}

export interface StageClientEventMap {
  /** Every state change, once, with the error that caused it when there is one. */
  [StageClientEvent.ConnectionStateChanged]: StateChange;
  /** A remote participant is on the stage (it may not publish yet). */
  [StageClientEvent.ParticipantJoined]: RemoteParticipant;
  /** Published/unpublished, mute state or received stream changed. */
  [StageClientEvent.ParticipantUpdated]: RemoteParticipant;
  [StageClientEvent.ParticipantLeft]: { readonly participantId: string; readonly userId: string };
  [StageClientEvent.CountsChanged]: StageCounts;
  [StageClientEvent.LocalMuteChanged]: MuteState;
  /** A failure that did not end the connection (one subscription failed, a publish was refused ...). */
  [StageClientEvent.Error]: StageError;
  /** Driver diagnostics, including every `old -> new` state transition. */
  [StageClientEvent.Log]: DriverLogEntry;
}

/**
 * Which simulcast layer a viewer wants of one publisher: `auto` lets the server choose by the viewer's network (IVS:
 * dynamic adaptation; the sandbox: its SFU's estimate), the others pin a layer when the publisher sends it.
 */
export type LayerChoice = 'auto' | 'high' | 'medium' | 'low';
export const LAYER_CHOICES: readonly LayerChoice[] = ['auto', 'high', 'medium', 'low'];

export interface StageClient {
  readonly driver: DriverKind;
  readonly token: ParticipantToken;
  readonly state: ConnectionState;
  readonly muted: MuteState;
  readonly counts: StageCounts;
  /** The stream being published, if any. */
  readonly localStream: MediaStream | null;

  on<E extends StageClientEvent>(event: E, listener: (payload: StageClientEventMap[E]) => void): () => void;

  /** Resolves when connected (and publishing, if asked); rejects with a StageError, leaving state Failed. */
  join(options: JoinOptions): Promise<void>;
  /** Ends every session; state Disconnected. Safe to call in any state. */
  leave(): Promise<void>;
  /** Mutes/unmutes the published tracks and tells the others. */
  setMuted(mute: Partial<MuteState>): Promise<void>;
  participants(): readonly RemoteParticipant[];
  /** Raw WebRTC/SDK statistics of every stream sent and received (reduced by web/src/measure/). */
  collectStats(): Promise<StatsSample>;
  /** Asks for a simulcast layer of one publisher's video (kept for later subscriptions to it). */
  setPreferredLayer(participantId: string, choice: LayerChoice): Promise<void>;
}
