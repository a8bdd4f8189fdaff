/**
 * The emulated IVS real-time account: stages, stage sessions, participants and their events, imported public keys.
 * In memory, bounded (old sessions, events and revocations are dropped past fixed caps so a long run can't grow
 * without limit). Operations take already-validated input (schemas.ts) and throw IvsApiError like IVS does.
 *
 * Presence (join/leave/publish/subscribe) is reported by the events hub, which knows the live connections; the
 * store turns it into IVS's records: a session starts when the first participant joins and ends when the last leaves.
 * The records are split by kind: stages.ts, sessions.ts (sessions, participants, events), keys.ts, tags.ts.
 */
import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { Capability } from '../../../contracts/token-api.js';
import type { SandboxConfig } from '../config.js';
import { newResourceId } from '../../../contracts/ids.js';
import type { VerifiedParticipant } from '../media/types.js';
import type { TokenMinter } from '../tokens/mint.js';
import { IvsApiError } from './errors.js';
import { PublicKeys } from './keys.js';
import { paginate } from './pagination.js';
import type * as S from './schemas.js';
import * as Sessions from './sessions.js';
import { type Origin, type StageRecord, endpointsFor, stageJson, stageSummary } from './stages.js';
import { addTags, plainRecord, removeTags } from './tags.js';

export type { EventErrorCode, ParticipantEventName } from './sessions.js';
export type { Origin } from './stages.js';

const MAX_TRACKED_PARTICIPANT_IDS = 50_000;

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

const DEFAULT_CAPABILITIES: readonly Capability[] = ['PUBLISH', 'SUBSCRIBE'];

export class IvsStore {
  private readonly stages = new Map<string, StageRecord>();
  private readonly publicKeys: PublicKeys;
  /** participantId -> stage ARN, for tokens this emulator issued (DisconnectParticipant on a not-yet-joined id). */
  private readonly issued = new Map<string, string>();
  private listener: StoreListener | undefined;

  constructor(private readonly deps: IvsStoreDeps) {
    this.publicKeys = new PublicKeys(
      () => deps.config.quotas.publicKeys,
      () => this.arn('public-key', newResourceId()),
    );
  }

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

  // ---- token verification hooks -------------------------------------------------------------------------------

  stageExists(arn: string): boolean {
    return this.stages.has(arn);
  }

  publicKey(arn: string): KeyObject | undefined {
    return this.publicKeys.key(arn);
  }

  isRevoked(stageArn: string, participantId: string): boolean {
    return this.stages.get(stageArn)?.revoked.has(participantId) ?? false;
  }

  activeSessionId(stageArn: string): string | undefined {
    return this.stages.get(stageArn)?.activeSession?.sessionId;
  }

  // ---- stages (stages.ts) -------------------------------------------------------------------------------------

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
    return { stage: stageJson(stage, origin), participantTokens };
  }

  getStage(arn: string, origin: Origin) {
    return { stage: stageJson(this.stageOrThrow(arn), origin) };
  }

  updateStage(input: z.output<typeof S.UpdateStageInput>, origin: Origin) {
    const stage = this.stageOrThrow(input.arn);
    if (input.name !== undefined) stage.name = input.name;
    return { stage: stageJson(stage, origin) };
  }

  listStages(input: z.output<typeof S.ListInput>) {
    const page = paginate([...this.stages.values()].map(stageSummary), 'ListStages', input.nextToken, input.maxResults);
    return { stages: page.items, nextToken: page.nextToken };
  }

  deleteStage(arn: string): Record<string, never> {
    const stage = this.stageOrThrow(arn);
    // Live connections end first (they report LEFT into the session), then the stage and its records go.
    this.listener?.stageDeleted(arn);
    Sessions.endSession(stage, this.now());
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

  // ---- participants and sessions (sessions.ts) ----------------------------------------------------------------

  listParticipants(input: z.output<typeof S.ListParticipantsInput>) {
    return Sessions.listParticipants(this.stageOrThrow(input.stageArn), input);
  }

  getParticipant(input: z.output<typeof S.GetParticipantInput>) {
    return Sessions.getParticipant(this.stageOrThrow(input.stageArn), input);
  }

  listParticipantEvents(input: z.output<typeof S.ListParticipantEventsInput>) {
    return Sessions.listParticipantEvents(this.stageOrThrow(input.stageArn), input);
  }

  disconnectParticipant(input: z.output<typeof S.DisconnectParticipantInput>): Record<string, never> {
    const stage = this.stageOrThrow(input.stageArn);
    const known = this.issued.get(input.participantId) === stage.arn || Sessions.everJoined(stage, input.participantId);
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
    return Sessions.listStageSessions(stage, stage.arn, input);
  }

  getStageSession(input: z.output<typeof S.GetStageSessionInput>) {
    return Sessions.getStageSession(this.stageOrThrow(input.stageArn), input);
  }

  // ---- presence, reported by the events hub ------------------------------------------------------------------

  /** A participant joined (its first live connection). Starts a session if none is active. Returns the session id. */
  participantJoined(p: VerifiedParticipant): string | undefined {
    const stage = this.stages.get(p.stageArn);
    return stage ? Sessions.recordJoin(stage, p, this.now()) : undefined;
  }

  /** A participant's last live connection closed. Ends the session when nobody is left. */
  participantLeft(stageArn: string, participantId: string): void {
    const stage = this.stages.get(stageArn);
    if (stage) Sessions.recordLeave(stage, participantId, this.now());
  }

  /** Records PUBLISH_*, SUBSCRIBE_* (remote = the publisher) and *_ERROR events in the active session. */
  participantEvent(stageArn: string, participantId: string, name: Sessions.ParticipantEventName, remoteParticipantId?: string, errorCode?: Sessions.EventErrorCode): void {
    Sessions.recordEvent(this.stages.get(stageArn), participantId, this.now(), name, remoteParticipantId, errorCode);
  }

  // ---- public keys (keys.ts) ----------------------------------------------------------------------------------

  importPublicKey(input: z.output<typeof S.ImportPublicKeyInput>) {
    return this.publicKeys.importPublicKey(input);
  }

  getPublicKey(arn: string) {
    return this.publicKeys.getPublicKey(arn);
  }

  listPublicKeys(input: z.output<typeof S.ListInput>) {
    return this.publicKeys.listPublicKeys(input);
  }

  deletePublicKey(arn: string): Record<string, never> {
    return this.publicKeys.deletePublicKey(arn);
  }

  // ---- tags (tags.ts) -----------------------------------------------------------------------------------------

  private taggable(arn: string): Record<string, string> {
    const tags = this.stages.get(arn)?.tags ?? this.publicKeys.tags(arn);
    if (!tags) throw IvsApiError.notFound(`Resource not found: ${arn}`);
    return tags;
  }

  tagResource(input: z.output<typeof S.TagResourceInput>): Record<string, never> {
    addTags(this.taggable(input.resourceArn), input.tags);
    return {};
  }

  untagResource(input: z.output<typeof S.UntagResourceInput>): Record<string, never> {
    removeTags(this.taggable(input.resourceArn), input.tagKeys);
    return {};
  }

  listTagsForResource(input: z.output<typeof S.ListTagsInput>) {
    return { tags: { ...this.taggable(input.resourceArn) } };
  }
}
