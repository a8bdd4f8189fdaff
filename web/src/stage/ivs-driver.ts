/**
 * The IVS driver: amazon-ivs-web-broadcast's Stage with a StageStrategy. Loaded only through a dynamic import
 * (stage/create.ts), so pages that use the sandbox never download the SDK.
 */
import {
  LocalStageStream,
  Stage,
  StageConnectionState,
  StageErrorCategory,
  StageErrorCode,
  StageEvents,
  StageLeftReason,
  StreamType,
  SubscribeType,
  type StageError as IvsStageError,
  type RemoteStageStream,
  type StageParticipantInfo,
  type StageStream,
  type StageStrategy,
} from 'amazon-ivs-web-broadcast';
import type { ParticipantToken } from '../token/participant-token.js';
import { AUDIO_BITRATE_KBPS } from '../media/presets.js';
import { BaseStageClient, type DriverOptions } from './base-client.js';
import type { JoinOptions, MuteState, RemoteParticipant } from './client.js';
import { pickLayer } from './layers.js';
import { StageError } from './errors.js';
import type { StatsSample, StreamStatsSample } from './stats-sample.js';

/** The SDK's StageErrorCode (a public enum) as ours. */
function mapIvsErrorCode(code: number, category: string | undefined, message: string): StageError {
  switch (code) {
    case StageErrorCode.TOKEN_MALFORMED:
      return StageError.tokenMalformed(message);
    case StageErrorCode.TOKEN_EXPIRED:
      return StageError.fromSandbox('TOKEN_EXPIRED', message, 'events');
    case StageErrorCode.TIMEOUT:
      return StageError.networkLost(`timed out (${category ?? 'operation'}): check the network, then that the stage exists`);
    case StageErrorCode.STAGE_AT_CAPACITY:
      return StageError.stageFull();
    case StageErrorCode.CODEC_MISMATCH:
      return StageError.unsupportedCodec(message);
    case StageErrorCode.TOKEN_NOT_ALLOWED:
      return StageError.tokenLacks(category === StageErrorCategory.SUBSCRIBE_ERROR ? 'SUBSCRIBE' : 'PUBLISH');
    case StageErrorCode.STAGE_DELETED:
      return StageError.stageNotFound(message);
    case StageErrorCode.PARTICIPANT_DISCONNECTED:
      return StageError.disconnectedByServer(message);
    case StageErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID:
      return StageError.tokenRejected(message);
    default:
      return StageError.serverRejected(message || `IVS error ${code}`);
  }
}

function isIvsStageError(value: unknown): value is IvsStageError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; category?: unknown };
  return typeof v.code === 'number' && typeof v.category === 'string';
}

/** What join() rejects with or the ERROR event carries, as a StageError. */
function fromIvsError(cause: unknown): StageError {
  if (cause instanceof StageError) return cause;
  if (isIvsStageError(cause)) return mapIvsErrorCode(cause.code, cause.category, cause.message);
  const message = cause instanceof Error ? cause.message : String(cause);
  // Errors the SDK throws before any network traffic carry only a message.
  if (/expired/i.test(message)) return StageError.fromSandbox('TOKEN_EXPIRED', message, 'events');
  if (/malformed|invalid token|token must/i.test(message)) return StageError.tokenMalformed(message);
  return StageError.unknown(cause);
}

function leftReasonError(reason: StageLeftReason): StageError | null {
  switch (reason) {
    case StageLeftReason.USER_INITIATED:
      return null;
    case StageLeftReason.PARTICIPANT_DISCONNECTED:
      return StageError.disconnectedByServer('disconnected by the DisconnectParticipant API');
    case StageLeftReason.STAGE_DELETED:
      return StageError.stageNotFound('the stage was deleted');
    case StageLeftReason.TOKEN_REUSED:
      return StageError.disconnectedByServer('this token joined from somewhere else');
    case StageLeftReason.FAILED_EXCHANGE:
      return StageError.tokenRejected('token exchange failed');
    default:
      return StageError.disconnectedByServer(`left the stage (${reason})`);
  }
}

interface RemoteStreams {
  readonly streams: StageStream[];
}

export class IvsStageClient extends BaseStageClient {
  readonly driver = 'ivs' as const;
  private stage: Stage | null = null;
  private localStreams: LocalStageStream[] = [];
  private readonly remoteStreams = new Map<string, RemoteStreams>();
  private subscriberCount: number | null = null;
  private everConnected = false;
  private joinError: StageError | null = null;

  constructor(token: ParticipantToken, options: DriverOptions = {}) {
    super(token, options);
  }

  protected async connect(options: JoinOptions): Promise<void> {
    this.localStreams = options.publish
      ? options.publish.stream.getTracks().map((track) =>
          track.kind === 'video'
            ? new LocalStageStream(track, {
                maxVideoBitrateKbps: options.publish?.quality.maxBitrateKbps,
                maxFramerate: options.publish?.quality.frameRate,
                // The SDK's own layered encoding (its default layers); viewers then get the layer their network
                // fits, or the one they pick (preferredLayerForStream). AWS: real-time-streaming-optimization.html.
                simulcast: { enabled: true },
              })
            : new LocalStageStream(track, { maxAudioBitrateKbps: AUDIO_BITRATE_KBPS }),
        )
      : [];
    for (const s of this.localStreams) s.setMuted(s.streamType === StreamType.AUDIO ? this.muted.audio : this.muted.video);
    const publish = options.publish !== undefined;
    const strategy: StageStrategy = {
      stageStreamsToPublish: () => this.localStreams,
      shouldPublishParticipant: () => publish,
      shouldSubscribeToParticipant: () => (options.subscribe ? SubscribeType.AUDIO_VIDEO : SubscribeType.NONE),
      // undefined = the SDK's dynamic adaptation; otherwise the layer the viewer picked for that publisher.
      preferredLayerForStream: (participant: StageParticipantInfo, stream: RemoteStageStream) => {
        const choice = this.layerChoices.get(participant.id);
        return choice === undefined || choice === 'auto' ? undefined : pickLayer(stream.getLayers(), choice);
      },
    };
    const stage = new Stage(this.token.reveal(), strategy);
    this.stage = stage;
    this.everConnected = false;
    this.joinError = null;
    this.listen(stage);
    try {
      await stage.join();
    } catch (cause: unknown) {
      throw this.joinError ?? fromIvsError(cause);
    }
    if (this.joinError) throw this.joinError;
  }

  protected async applyPreferredLayer(): Promise<void> {
    // The SDK asks the strategy again (preferredLayerForStream) for every stream.
    this.stage?.refreshStrategy();
  }

  protected async disconnect(): Promise<void> {
    const stage = this.stage;
    this.stage = null;
    if (!stage) return;
    stage.removeAllListeners();
    stage.leave();
    this.remoteStreams.clear();
  }

  protected async applyMute(mute: MuteState): Promise<void> {
    const stream = this.localStream;
    for (const s of this.localStreams) s.setMuted(s.streamType === StreamType.AUDIO ? mute.audio : mute.video);
    // Before joining there are no LocalStageStreams yet: mute the tracks themselves for the preview.
    if (this.localStreams.length === 0) {
      for (const t of stream?.getAudioTracks() ?? []) t.enabled = !mute.audio;
      for (const t of stream?.getVideoTracks() ?? []) t.enabled = !mute.video;
    }
  }

  async collectStats(): Promise<StatsSample> {
    const streams: StreamStatsSample[] = [];
    const add = async (participantId: string, s: StageStream, direction: 'outbound' | 'inbound'): Promise<void> => {
      const kind = s.streamType === StreamType.AUDIO ? 'audio' : s.streamType === StreamType.VIDEO ? 'video' : null;
      if (!kind) return;
      const quality = 'requestQualityStats' in s && typeof s.requestQualityStats === 'function'
        ? await (s.requestQualityStats as () => Promise<unknown>)().catch(() => undefined)
        : undefined;
      const rtc = await s.requestRTCStats().catch(() => undefined);
      streams.push({ participantId, kind, direction, ...(rtc ? { rtc } : {}), ...(quality ? { quality } : {}) });
    };
    for (const s of this.localStreams) await add(this.token.info.participantId, s, 'outbound');
    for (const [participantId, remote] of this.remoteStreams) {
      for (const s of remote.streams) await add(participantId, s, 'inbound');
    }
    return { at: performance.now(), streams };
  }

  private listen(stage: Stage): void {
    const current = (): boolean => this.stage === stage;

    /** The SDK's latest state: ERRORED is often followed at once by CONNECTING (it retries by itself). */
    let sdkState: StageConnectionState | null = null;

    stage.on(StageEvents.STAGE_CONNECTION_STATE_CHANGED, (state: StageConnectionState) => {
      if (!current()) return;
      sdkState = state;
      this.log('debug', 'log.driver.ivsState', { state });
      if (state === StageConnectionState.CONNECTED) {
        this.everConnected = true;
        // The SDK reconnected by itself after a network blip: mirror it.
        this.transportReconnected();
      } else if (state === StageConnectionState.CONNECTING && this.everConnected) {
        this.transportReconnecting(StageError.networkLost('the IVS SDK is reconnecting'));
      } else if (state === StageConnectionState.ERRORED || state === StageConnectionState.DISCONNECTED) {
        if (!this.everConnected) return;
        // Decide once the SDK has finished this burst of events: after a kick (stage deleted, token reused) it emits
        // DISCONNECTED then, synchronously, STAGE_LEFT with the reason, which must end the session rather than start
        // a reconnect that cannot succeed; after a network error it emits ERRORED then CONNECTING, retrying by itself
        // (shown as Reconnecting); our policy takes over only if the SDK stays down.
        queueMicrotask(() => {
          if (current() && sdkState === state) {
            this.connectionLost(this.joinError ?? StageError.networkLost(`IVS connection ${state}`));
          }
        });
      }
    });

    stage.on(StageEvents.ERROR, (error: IvsStageError) => {
      if (!current()) return;
      const mapped = fromIvsError(error);
      this.log('warn', 'log.driver.ivsError', { category: error.category, code: error.code, detail: error.message });
      if (error.category === StageErrorCategory.JOIN_ERROR) {
        this.joinError = mapped;
        if (this.everConnected && !mapped.retryable) this.endedByServer(mapped);
      } else {
        this.reportError(mapped);
      }
    });

    stage.on(StageEvents.STAGE_LEFT, (reason: StageLeftReason) => {
      if (!current()) return;
      const error = leftReasonError(reason);
      if (error) this.endedByServer(error);
    });

    stage.on(StageEvents.STAGE_PARTICIPANT_JOINED, (p: StageParticipantInfo) => {
      if (!current() || p.isLocal) return;
      this.upsertParticipant(this.toRemote(p));
      this.recount();
    });

    stage.on(StageEvents.STAGE_PARTICIPANT_LEFT, (p: StageParticipantInfo) => {
      if (!current() || p.isLocal) return;
      this.remoteStreams.delete(p.id);
      this.removeParticipant(p.id);
      this.recount();
    });

    stage.on(StageEvents.STAGE_PARTICIPANT_PUBLISH_STATE_CHANGED, (p: StageParticipantInfo) => {
      if (!current() || p.isLocal) return;
      this.upsertParticipant(this.toRemote(p));
      this.recount();
    });

    stage.on(StageEvents.STAGE_PARTICIPANT_STREAMS_ADDED, (p: StageParticipantInfo, streams: StageStream[]) => {
      if (!current() || p.isLocal) return;
      const previous = this.remoteStreams.get(p.id)?.streams ?? [];
      const kinds = new Set(streams.map((s) => s.streamType));
      this.remoteStreams.set(p.id, { streams: [...previous.filter((s) => !kinds.has(s.streamType)), ...streams] });
      this.upsertParticipant(this.toRemote(p));
    });

    stage.on(StageEvents.STAGE_PARTICIPANT_STREAMS_REMOVED, (p: StageParticipantInfo, streams: StageStream[]) => {
      if (!current() || p.isLocal) return;
      const removed = new Set(streams.map((s) => s.id));
      const left = (this.remoteStreams.get(p.id)?.streams ?? []).filter((s) => !removed.has(s.id));
      this.remoteStreams.set(p.id, { streams: left });
      this.upsertParticipant(this.toRemote(p));
    });

    stage.on(StageEvents.STAGE_STREAM_MUTE_CHANGED, (p: StageParticipantInfo) => {
      if (!current() || p.isLocal) return;
      this.upsertParticipant(this.toRemote(p));
    });

    stage.on(StageEvents.STAGE_SUBSCRIBER_COUNT_CHANGED, (count: number) => {
      if (!current()) return;
      this.subscriberCount = count;
      this.recount();
    });
  }

  private recount(): void {
    const remotePublishers = this.participants().filter((p) => p.published).length;
    const self = this.joinOptions?.publish ? 1 : 0;
    this.setCounts({ publishers: remotePublishers + self, subscribers: this.subscriberCount });
  }

  private toRemote(p: StageParticipantInfo): RemoteParticipant {
    const previous = this.getParticipant(p.id);
    const tracks = (this.remoteStreams.get(p.id)?.streams ?? []).map((s) => s.mediaStreamTrack);
    const sameTracks =
      previous?.stream !== null &&
      previous?.stream !== undefined &&
      previous.stream.getTracks().length === tracks.length &&
      tracks.every((t) => previous.stream?.getTracks().includes(t));
    return {
      id: p.id,
      userId: p.userId,
      attributes: Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, String(v)])),
      published: p.isPublishing,
      audioMuted: p.audioMuted,
      videoMuted: p.videoStopped,
      stream: tracks.length === 0 ? null : sameTracks ? (previous?.stream ?? null) : new MediaStream(tracks),
    };
  }
}
