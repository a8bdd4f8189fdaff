/**
 * The emulated IVS real-time account: stages, stage sessions, participants and their events, imported public keys.
 * In memory, bounded (old sessions, events and revocations are dropped past fixed caps so a long run can't grow
 * without limit). Operations take already-validated input (schemas.ts) and throw IvsApiError like IVS does.
 *
 * Presence (join/leave/publish/subscribe) is reported by the events hub, which knows the live connections; the
 * store turns it into IVS's records: a session starts when the first participant joins and ends when the last leaves.
 */
import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { Capability } from '../../../contracts/token-api.js';
import type { SandboxConfig } from '../config.js';
import { newResourceId, newSessionId } from '../../../contracts/ids.js';
import type { VerifiedParticipant } from '../media/types.js';
import { KeyFormatError, fingerprintOf, parsePublicKeyPem } from '../tokens/keys.js';
import type { TokenMinter } from '../tokens/mint.js';
import { IvsApiError } from './errors.js';
import { type Page, paginate } from './pagination.js';
import type * as S from './schemas.js';

const MAX_SESSIONS_PER_STAGE = 100;
const MAX_PARTICIPANTS_PER_SESSION = 10_000;
const MAX_EVENTS_PER_PARTICIPANT = 500;
const MAX_TRACKED_PARTICIPANT_IDS = 50_000;

/** Where this server is reachable for the caller (scheme + host[:port]), for stage endpoints and token URLs. */
export interface Origin {
  /** e.g. http://192.168.1.20:8080 */
  readonly http: string;
  /** e.g. ws://192.168.1.20:8080 */
  readonly ws: string;
}

const endpointsFor = (origin: Origin) => ({ events: `${origin.ws}/events`, whip: `${origin.http}/whip` });

/** User-chosen keys (tags) live in null-prototype records: `__proto__` or `constructor` is data, never a lookup. */
const plainRecord = (from?: Readonly<Record<string, string>>): Record<string, string> =>
  Object.assign(Object.create(null) as Record<string, string>, from);

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

export type ParticipantEventName =
  | 'JOINED'
  | 'LEFT'
  | 'PUBLISH_STARTED'
  | 'PUBLISH_STOPPED'
  | 'SUBSCRIBE_STARTED'
  | 'SUBSCRIBE_STOPPED'
  | 'PUBLISH_ERROR'
  | 'SUBSCRIBE_ERROR'
  | 'JOIN_ERROR';
export type EventErrorCode = 'INSUFFICIENT_CAPABILITIES' | 'QUOTA_EXCEEDED' | 'PUBLISHER_NOT_FOUND';

interface EventRecord {
  readonly name: ParticipantEventName;
  readonly participantId: string;
  readonly eventTime: Date;
  readonly remoteParticipantId?: string;
  readonly errorCode?: EventErrorCode;
}

interface ParticipantRecord {
  readonly participantId: string;
  readonly userId: string;
  readonly attributes: Readonly<Record<string, string>>;
  state: 'CONNECTED' | 'DISCONNECTED';
  readonly firstJoinTime: Date;
  /** Whether the participant ever published in this session (IVS semantics). */
  published: boolean;
  readonly events: EventRecord[];
}

interface SessionRecord {
  readonly sessionId: string;
  readonly startTime: Date;
  endTime?: Date;
  readonly participants: Map<string, ParticipantRecord>;
}

interface StageRecord {
  readonly arn: string;
  name: string;
  readonly tags: Record<string, string>;
  activeSession?: SessionRecord;
  /** Oldest first. */
  readonly sessions: SessionRecord[];
  /** Participant ids DisconnectParticipant removed: their tokens can't rejoin. Insertion-ordered for eviction. */
  readonly revoked: Set<string>;
}

interface PublicKeyRecord {
  readonly arn: string;
  readonly name: string;
  readonly publicKeyMaterial: string;
  readonly fingerprint: string;
  readonly tags: Record<string, string>;
  readonly key: KeyObject;
}

/** What the store tells the live side (events hub, media plane) when the API ends connections. */
export interface StoreListener {
  stageDeleted(stageArn: string): void;
  participantDisconnected(stageArn: string, participantId: string, reason: string | undefined): void;
}

export interface IvsStoreDeps {
  readonly config: SandboxConfig;
  /** Signs the tokens CreateParticipantToken/CreateStage hand out; the store never holds the private key. */
  readonly mint: TokenMinter;
  readonly nowMs: () => number;
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const DEFAULT_CAPABILITIES: readonly Capability[] = ['PUBLISH', 'SUBSCRIBE'];

export class IvsStore {
  private readonly stages = new Map<string, StageRecord>();
  private readonly publicKeys = new Map<string, PublicKeyRecord>();
  /** participantId -> stage ARN, for tokens this emulator issued (DisconnectParticipant on a not-yet-joined id). */
  private readonly issued = new Map<string, string>();
  private listener: StoreListener | undefined;

  constructor(private readonly deps: IvsStoreDeps) {}

  setListener(listener: StoreListener): void {
    this.listener = listener;
  }

  get region(): string {
    return this.deps.config.region;
  }

  private now(): Date {
    return new Date(this.deps.nowMs());
  }

  private arn(type: 'stage' | 'public-key', id: string): string {
    return `arn:aws:ivs:${this.deps.config.region}:${this.deps.config.accountId}:${type}/${id}`;
  }

  private stageOrThrow(arn: string): StageRecord {
    const stage = this.stages.get(arn);
    if (!stage) throw IvsApiError.notFound(`Stage not found: ${arn}`);
    return stage;
  }

  private sessionOrThrow(stage: StageRecord, sessionId: string): SessionRecord {
    const session = stage.sessions.find((s) => s.sessionId === sessionId);
    if (!session) throw IvsApiError.notFound(`Stage session not found: ${sessionId}`);
    return session;
  }

  // ---- token verification hooks -------------------------------------------------------------------------------

  stageExists(arn: string): boolean {
    return this.stages.has(arn);
  }

  publicKey(arn: string): KeyObject | undefined {
    return this.publicKeys.get(arn)?.key;
  }

  isRevoked(stageArn: string, participantId: string): boolean {
    return this.stages.get(stageArn)?.revoked.has(participantId) ?? false;
  }

  activeSessionId(stageArn: string): string | undefined {
    return this.stages.get(stageArn)?.activeSession?.sessionId;
  }

  // ---- stages -------------------------------------------------------------------------------------------------

  private stageJson(stage: StageRecord, origin: Origin) {
    return {
      arn: stage.arn,
      name: stage.name,
      activeSessionId: stage.activeSession?.sessionId,
      tags: stage.tags,
      autoParticipantRecordingConfiguration: RECORDING_OFF,
      endpoints: stageEndpointsFor(origin),
    };
  }

  async createStage(input: z.output<typeof S.CreateStageInput>, origin: Origin) {
    if (this.stages.size >= this.deps.config.quotas.stages) {
      throw IvsApiError.quota(`Stage quota exceeded: at most ${this.deps.config.quotas.stages} stages per region`);
    }
    const arn = this.arn('stage', newResourceId());
    const stage: StageRecord = { arn, name: input.name ?? '', tags: plainRecord(input.tags), sessions: [], revoked: new Set() };
    this.stages.set(arn, stage);
    const participantTokens = [];
    for (const cfg of input.participantTokenConfigurations ?? []) {
      participantTokens.push(await this.mintToken({ stageArn: arn, ...cfg }, origin));
    }
    return { stage: this.stageJson(stage, origin), participantTokens };
  }

  getStage(arn: string, origin: Origin) {
    return { stage: this.stageJson(this.stageOrThrow(arn), origin) };
  }

  updateStage(input: z.output<typeof S.UpdateStageInput>, origin: Origin) {
    const stage = this.stageOrThrow(input.arn);
    if (input.name !== undefined) stage.name = input.name;
    return { stage: this.stageJson(stage, origin) };
  }

  listStages(input: z.output<typeof S.ListInput>) {
    const all = [...this.stages.values()].map((s) => ({
      arn: s.arn,
      name: s.name,
      activeSessionId: s.activeSession?.sessionId,
      tags: s.tags,
    }));
    const page = paginate(all, 'ListStages', input.nextToken, input.maxResults);
    return { stages: page.items, nextToken: page.nextToken };
  }

  deleteStage(arn: string): Record<string, never> {
    const stage = this.stageOrThrow(arn);
    // Live connections end first (they report LEFT into the session), then the stage and its records go.
    this.listener?.stageDeleted(arn);
    this.endSession(stage);
    this.stages.delete(arn);
    return {};
  }

  // ---- tokens -------------------------------------------------------------------------------------------------

  async createParticipantToken(input: z.output<typeof S.CreateParticipantTokenInput>, origin: Origin) {
    this.stageOrThrow(input.stageArn);
    return { participantToken: await this.mintToken(input, origin) };
  }

  private async mintToken(input: z.output<typeof S.CreateParticipantTokenInput>, origin: Origin) {
    const capabilities = input.capabilities ? [...new Set(input.capabilities)] : [...DEFAULT_CAPABILITIES];
    const duration = input.duration ?? 720;
    const nowMs = this.deps.nowMs();
    const endpoints = endpointsFor(origin);
    const { participantId, token, claims } = await this.deps.mint({
      stageArn: input.stageArn,
      eventsUrl: endpoints.events,
      whipUrl: endpoints.whip,
      capabilities,
      userId: input.userId,
      attributes: input.attributes,
      durationMinutes: duration,
      nowMs,
    });
    this.remember(this.issued, participantId, input.stageArn);
    return {
      participantId,
      token,
      userId: input.userId ?? '',
      attributes: input.attributes ?? {},
      duration,
      capabilities,
      expirationTime: new Date(claims.exp * 1000).toISOString(),
    };
  }

  private remember(map: Map<string, string>, key: string, value: string): void {
    map.set(key, value);
    if (map.size > MAX_TRACKED_PARTICIPANT_IDS) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  // ---- participants and sessions ------------------------------------------------------------------------------

  private participantJson(p: ParticipantRecord) {
    return {
      participantId: p.participantId,
      userId: p.userId,
      state: p.state,
      firstJoinTime: iso(p.firstJoinTime),
      attributes: p.attributes,
      published: p.published,
      protocol: 'WHIP',
      recordingState: 'DISABLED',
      recordingS3BucketName: '',
      recordingS3Prefix: '',
    };
  }

  listParticipants(input: z.output<typeof S.ListParticipantsInput>) {
    const stage = this.stageOrThrow(input.stageArn);
    const session = this.sessionOrThrow(stage, input.sessionId);
    const all = [...session.participants.values()]
      .filter((p) => input.filterByUserId === undefined || p.userId === input.filterByUserId)
      .filter((p) => input.filterByPublished === undefined || p.published === input.filterByPublished)
      .filter((p) => input.filterByState === undefined || p.state === input.filterByState)
      // Recording is not emulated: every participant's recording state is DISABLED, which no filter value matches.
      .filter(() => input.filterByRecordingState === undefined)
      .map((p) => ({
        participantId: p.participantId,
        userId: p.userId,
        state: p.state,
        firstJoinTime: iso(p.firstJoinTime),
        published: p.published,
        recordingState: 'DISABLED',
      }));
    const filters = JSON.stringify([input.stageArn, input.sessionId, input.filterByUserId, input.filterByPublished, input.filterByState]);
    const page = paginate(all, `ListParticipants${filters}`, input.nextToken, input.maxResults);
    return { participants: page.items, nextToken: page.nextToken };
  }

  getParticipant(input: z.output<typeof S.GetParticipantInput>) {
    const stage = this.stageOrThrow(input.stageArn);
    const session = this.sessionOrThrow(stage, input.sessionId);
    const p = session.participants.get(input.participantId);
    if (!p) throw IvsApiError.notFound(`Participant not found: ${input.participantId}`);
    return { participant: this.participantJson(p) };
  }

  listParticipantEvents(input: z.output<typeof S.ListParticipantEventsInput>) {
    const stage = this.stageOrThrow(input.stageArn);
    const session = this.sessionOrThrow(stage, input.sessionId);
    const p = session.participants.get(input.participantId);
    if (!p) throw IvsApiError.notFound(`Participant not found: ${input.participantId}`);
    const all = p.events.map((e) => ({
      name: e.name,
      participantId: e.participantId,
      eventTime: iso(e.eventTime),
      remoteParticipantId: e.remoteParticipantId,
      errorCode: e.errorCode,
    }));
    const listing = `ListParticipantEvents${JSON.stringify([input.stageArn, input.sessionId, input.participantId])}`;
    const page: Page<(typeof all)[number]> = paginate(all, listing, input.nextToken, input.maxResults);
    return { events: page.items, nextToken: page.nextToken };
  }

  disconnectParticipant(input: z.output<typeof S.DisconnectParticipantInput>): Record<string, never> {
    const stage = this.stageOrThrow(input.stageArn);
    const known =
      this.issued.get(input.participantId) === stage.arn || stage.sessions.some((s) => s.participants.has(input.participantId));
    if (!known) throw IvsApiError.notFound(`Participant not found: ${input.participantId}`);
    stage.revoked.add(input.participantId);
    if (stage.revoked.size > MAX_TRACKED_PARTICIPANT_IDS) {
      const oldest = stage.revoked.values().next().value;
      if (oldest !== undefined) stage.revoked.delete(oldest);
    }
    this.listener?.participantDisconnected(stage.arn, input.participantId, input.reason);
    return {};
  }

  listStageSessions(input: z.output<typeof S.ListStageSessionsInput>) {
    const stage = this.stageOrThrow(input.stageArn);
    // Newest first, as the console shows them.
    const all = [...stage.sessions].reverse().map((s) => ({ sessionId: s.sessionId, startTime: iso(s.startTime), endTime: iso(s.endTime) }));
    const page = paginate(all, `ListStageSessions${stage.arn}`, input.nextToken, input.maxResults);
    return { stageSessions: page.items, nextToken: page.nextToken };
  }

  getStageSession(input: z.output<typeof S.GetStageSessionInput>) {
    const session = this.sessionOrThrow(this.stageOrThrow(input.stageArn), input.sessionId);
    return { stageSession: { sessionId: session.sessionId, startTime: iso(session.startTime), endTime: iso(session.endTime) } };
  }

  // ---- presence, reported by the events hub ------------------------------------------------------------------

  /** A participant joined (its first live connection). Starts a session if none is active. Returns the session id. */
  participantJoined(p: VerifiedParticipant): string | undefined {
    const stage = this.stages.get(p.stageArn);
    if (!stage) return undefined;
    const session = stage.activeSession ?? this.startSession(stage);
    let record = session.participants.get(p.participantId);
    if (!record) {
      if (session.participants.size >= MAX_PARTICIPANTS_PER_SESSION) return session.sessionId;
      record = {
        participantId: p.participantId,
        userId: p.userId,
        attributes: { ...p.attributes },
        state: 'CONNECTED',
        firstJoinTime: this.now(),
        published: false,
        events: [],
      };
      session.participants.set(p.participantId, record);
    }
    record.state = 'CONNECTED';
    this.addEvent(record, 'JOINED');
    return session.sessionId;
  }

  /** A participant's last live connection closed. Ends the session when nobody is left. */
  participantLeft(stageArn: string, participantId: string): void {
    const stage = this.stages.get(stageArn);
    const record = stage?.activeSession?.participants.get(participantId);
    if (!stage || !record) return;
    record.state = 'DISCONNECTED';
    this.addEvent(record, 'LEFT');
    const anyoneLeft = [...(stage.activeSession?.participants.values() ?? [])].some((r) => r.state === 'CONNECTED');
    if (!anyoneLeft) this.endSession(stage);
  }

  /** Records PUBLISH_*, SUBSCRIBE_* (remote = the publisher) and *_ERROR events in the active session. */
  participantEvent(stageArn: string, participantId: string, name: ParticipantEventName, remoteParticipantId?: string, errorCode?: EventErrorCode): void {
    const record = this.stages.get(stageArn)?.activeSession?.participants.get(participantId);
    if (!record) return;
    if (name === 'PUBLISH_STARTED') record.published = true;
    this.addEvent(record, name, remoteParticipantId, errorCode);
  }

  private addEvent(record: ParticipantRecord, name: ParticipantEventName, remoteParticipantId?: string, errorCode?: EventErrorCode): void {
    record.events.push({ name, participantId: record.participantId, eventTime: this.now(), remoteParticipantId, errorCode });
    if (record.events.length > MAX_EVENTS_PER_PARTICIPANT) record.events.splice(0, record.events.length - MAX_EVENTS_PER_PARTICIPANT);
  }

  private startSession(stage: StageRecord): SessionRecord {
    const session: SessionRecord = { sessionId: newSessionId(), startTime: this.now(), participants: new Map() };
    stage.activeSession = session;
    stage.sessions.push(session);
    if (stage.sessions.length > MAX_SESSIONS_PER_STAGE) stage.sessions.splice(0, stage.sessions.length - MAX_SESSIONS_PER_STAGE);
    return session;
  }

  private endSession(stage: StageRecord): void {
    const session = stage.activeSession;
    if (!session) return;
    const now = this.now();
    for (const record of session.participants.values()) {
      if (record.state === 'CONNECTED') {
        record.state = 'DISCONNECTED';
        this.addEvent(record, 'LEFT');
      }
    }
    session.endTime = now;
    stage.activeSession = undefined;
  }

  // ---- public keys --------------------------------------------------------------------------------------------

  importPublicKey(input: z.output<typeof S.ImportPublicKeyInput>) {
    let key: KeyObject;
    try {
      key = parsePublicKeyPem(input.publicKeyMaterial);
    } catch (err: unknown) {
      throw IvsApiError.validation(err instanceof KeyFormatError ? err.message : 'publicKeyMaterial is not a valid public key');
    }
    const fingerprint = fingerprintOf(key);
    if ([...this.publicKeys.values()].some((k) => k.fingerprint === fingerprint)) {
      throw IvsApiError.conflict('This public key has already been imported');
    }
    if (this.publicKeys.size >= this.deps.config.quotas.publicKeys) {
      throw IvsApiError.quota(`Public key quota exceeded: at most ${this.deps.config.quotas.publicKeys} public keys per region`);
    }
    const record: PublicKeyRecord = {
      arn: this.arn('public-key', newResourceId()),
      name: input.name ?? '',
      publicKeyMaterial: input.publicKeyMaterial,
      fingerprint,
      tags: plainRecord(input.tags),
      key,
    };
    this.publicKeys.set(record.arn, record);
    return { publicKey: this.publicKeyJson(record) };
  }

  private publicKeyJson(k: PublicKeyRecord) {
    return { arn: k.arn, name: k.name, publicKeyMaterial: k.publicKeyMaterial, fingerprint: k.fingerprint, tags: k.tags };
  }

  getPublicKey(arn: string) {
    const k = this.publicKeys.get(arn);
    if (!k) throw IvsApiError.notFound(`Public key not found: ${arn}`);
    return { publicKey: this.publicKeyJson(k) };
  }

  listPublicKeys(input: z.output<typeof S.ListInput>) {
    const all = [...this.publicKeys.values()].map((k) => ({ arn: k.arn, name: k.name, tags: k.tags }));
    const page = paginate(all, 'ListPublicKeys', input.nextToken, input.maxResults);
    return { publicKeys: page.items, nextToken: page.nextToken };
  }

  deletePublicKey(arn: string): Record<string, never> {
    if (!this.publicKeys.delete(arn)) throw IvsApiError.notFound(`Public key not found: ${arn}`);
    return {};
  }

  // ---- tags ---------------------------------------------------------------------------------------------------

  private taggable(arn: string): Record<string, string> {
    const tags = this.stages.get(arn)?.tags ?? this.publicKeys.get(arn)?.tags;
    if (!tags) throw IvsApiError.notFound(`Resource not found: ${arn}`);
    return tags;
  }

  tagResource(input: z.output<typeof S.TagResourceInput>): Record<string, never> {
    const tags = this.taggable(input.resourceArn);
    if (Object.keys({ ...tags, ...input.tags }).length > 50) throw IvsApiError.validation('A resource can have at most 50 tags');
    Object.assign(tags, input.tags);
    return {};
  }

  untagResource(input: z.output<typeof S.UntagResourceInput>): Record<string, never> {
    const tags = this.taggable(input.resourceArn);
    for (const key of input.tagKeys) delete tags[key];
    return {};
  }

  listTagsForResource(input: z.output<typeof S.ListTagsInput>) {
    return { tags: { ...this.taggable(input.resourceArn) } };
  }
}
