/** Stage records and how IVS shows them: endpoints, the recording-off configuration, list summaries. */
import type { SessionHistory } from './sessions.js';

/** Where this server is reachable for the caller (scheme + host[:port]), for stage endpoints and token URLs. */
export interface Origin {
  /** e.g. http://192.168.1.20:8080 */
  readonly http: string;
  /** e.g. ws://192.168.1.20:8080 */
  readonly ws: string;
}

export interface StageRecord extends SessionHistory {
  readonly arn: string;
  name: string;
  readonly tags: Record<string, string>;
  /** Participant ids DisconnectParticipant removed: their tokens can't rejoin. Insertion-ordered for eviction. */
  readonly revoked: Set<string>;
}

export const endpointsFor = (origin: Origin) => ({ events: `${origin.ws}/events`, whip: `${origin.http}/whip` });

/**
 * What IVS returns for a stage without individual participant recording: the empty storage configuration and the
 * documented defaults of the other members (docs/sandbox.md).
 */
const RECORDING_OFF = {
  storageConfigurationArn: '',
  mediaTypes: ['AUDIO_VIDEO'],
  thumbnailConfiguration: { targetIntervalSeconds: 60, storage: ['SEQUENTIAL'], recordingMode: 'DISABLED' },
  recordingReconnectWindowSeconds: 0,
  hlsConfiguration: { targetSegmentDurationSeconds: 6 },
  recordParticipantReplicas: true,
} as const;

/** Stage endpoints as IVS lists them, RTMP/RTMPS included (the sandbox has no RTMP ingest: nothing listens there). */
function stageEndpointsFor(origin: Origin) {
  const host = new URL(origin.http).hostname;
  return { ...endpointsFor(origin), rtmp: `rtmp://${host}:1935/app/`, rtmps: `rtmps://${host}:443/app/` };
}

export function stageJson(stage: StageRecord, origin: Origin) {
  return {
    arn: stage.arn,
    name: stage.name,
    activeSessionId: stage.activeSession?.sessionId,
    tags: stage.tags,
    autoParticipantRecordingConfiguration: RECORDING_OFF,
    endpoints: stageEndpointsFor(origin),
  };
}

export function stageSummary(stage: StageRecord) {
  return { arn: stage.arn, name: stage.name, activeSessionId: stage.activeSession?.sessionId, tags: stage.tags };
}
