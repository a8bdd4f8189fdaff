/**
 * Stage sessions, their participants and participant events, as IVS records them: a session starts when the first
 * participant joins and ends when the last leaves. Bounded: old sessions and events are dropped past fixed caps.
 */
import type { z } from 'zod';
import { newSessionId } from '../../../contracts/ids.js';
import type { VerifiedParticipant } from '../media/types.js';
import { IvsApiError } from './errors.js';
import { type Page, paginate } from './pagination.js';
import type * as S from './schemas.js';

const MAX_SESSIONS_PER_STAGE = 100;
const MAX_PARTICIPANTS_PER_SESSION = 10_000;
const MAX_EVENTS_PER_PARTICIPANT = 500;

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

/** A stage's sessions (stages.ts's StageRecord is one). */
export interface SessionHistory {
  activeSession?: SessionRecord;
  /** Oldest first. */
  readonly sessions: SessionRecord[];
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

function addEvent(record: ParticipantRecord, now: Date, name: ParticipantEventName, remoteParticipantId?: string, errorCode?: EventErrorCode): void {
  record.events.push({ name, participantId: record.participantId, eventTime: now, remoteParticipantId, errorCode });
  if (record.events.length > MAX_EVENTS_PER_PARTICIPANT) record.events.splice(0, record.events.length - MAX_EVENTS_PER_PARTICIPANT);
}

function startSession(stage: SessionHistory, now: Date): SessionRecord {
  const session: SessionRecord = { sessionId: newSessionId(), startTime: now, participants: new Map() };
  stage.activeSession = session;
  stage.sessions.push(session);
  if (stage.sessions.length > MAX_SESSIONS_PER_STAGE) stage.sessions.splice(0, stage.sessions.length - MAX_SESSIONS_PER_STAGE);
  return session;
}

export function endSession(stage: SessionHistory, now: Date): void {
  const session = stage.activeSession;
  if (!session) return;
  for (const record of session.participants.values()) {
    if (record.state === 'CONNECTED') {
      record.state = 'DISCONNECTED';
      addEvent(record, now, 'LEFT');
    }
  }
  session.endTime = now;
  stage.activeSession = undefined;
}

/** A participant joined (its first live connection). Starts a session if none is active. Returns the session id. */
export function recordJoin(stage: SessionHistory, p: VerifiedParticipant, now: Date): string {
  const session = stage.activeSession ?? startSession(stage, now);
  let record = session.participants.get(p.participantId);
  if (!record) {
    if (session.participants.size >= MAX_PARTICIPANTS_PER_SESSION) return session.sessionId;
    record = {
      participantId: p.participantId,
      userId: p.userId,
      attributes: { ...p.attributes },
      state: 'CONNECTED',
      firstJoinTime: now,
      published: false,
      events: [],
    };
    session.participants.set(p.participantId, record);
  }
  record.state = 'CONNECTED';
  addEvent(record, now, 'JOINED');
  return session.sessionId;
}

/** A participant's last live connection closed. Ends the session when nobody is left. */
export function recordLeave(stage: SessionHistory, participantId: string, now: Date): void {
  const record = stage.activeSession?.participants.get(participantId);
  if (!record) return;
  record.state = 'DISCONNECTED';
  addEvent(record, now, 'LEFT');
  const anyoneLeft = [...(stage.activeSession?.participants.values() ?? [])].some((r) => r.state === 'CONNECTED');
  if (!anyoneLeft) endSession(stage, now);
}

/** Records PUBLISH_*, SUBSCRIBE_* (remote = the publisher) and *_ERROR events in the active session. */
export function recordEvent(
  stage: SessionHistory | undefined,
  participantId: string,
  now: Date,
  name: ParticipantEventName,
  remoteParticipantId?: string,
  errorCode?: EventErrorCode,
): void {
  const record = stage?.activeSession?.participants.get(participantId);
  if (!record) return;
  if (name === 'PUBLISH_STARTED') record.published = true;
  addEvent(record, now, name, remoteParticipantId, errorCode);
}

/** Whether the participant ever joined one of the stage's sessions. */
export const everJoined = (stage: SessionHistory, participantId: string): boolean => stage.sessions.some((s) => s.participants.has(participantId));

// ---- the read API ---------------------------------------------------------------------------------------------

function sessionOrThrow(stage: SessionHistory, sessionId: string): SessionRecord {
  const session = stage.sessions.find((s) => s.sessionId === sessionId);
  if (!session) throw IvsApiError.notFound(`Stage session not found: ${sessionId}`);
  return session;
}

function participantOrThrow(stage: SessionHistory, sessionId: string, participantId: string): ParticipantRecord {
  const p = sessionOrThrow(stage, sessionId).participants.get(participantId);
  if (!p) throw IvsApiError.notFound(`Participant not found: ${participantId}`);
  return p;
}

export function listParticipants(stage: SessionHistory, input: z.output<typeof S.ListParticipantsInput>) {
  const session = sessionOrThrow(stage, input.sessionId);
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

export function getParticipant(stage: SessionHistory, input: z.output<typeof S.GetParticipantInput>) {
  const p = participantOrThrow(stage, input.sessionId, input.participantId);
  return {
    participant: {
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
    },
  };
}

export function listParticipantEvents(stage: SessionHistory, input: z.output<typeof S.ListParticipantEventsInput>) {
  const p = participantOrThrow(stage, input.sessionId, input.participantId);
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

export function listStageSessions(stage: SessionHistory, stageArn: string, input: z.output<typeof S.ListStageSessionsInput>) {
  // Newest first, as the console shows them.
  const all = [...stage.sessions].reverse().map((s) => ({ sessionId: s.sessionId, startTime: iso(s.startTime), endTime: iso(s.endTime) }));
  const page = paginate(all, `ListStageSessions${stageArn}`, input.nextToken, input.maxResults);
  return { stageSessions: page.items, nextToken: page.nextToken };
}

export function getStageSession(stage: SessionHistory, input: z.output<typeof S.GetStageSessionInput>) {
  const session = sessionOrThrow(stage, input.sessionId);
  return { stageSession: { sessionId: session.sessionId, startTime: iso(session.startTime), endTime: iso(session.endTime) } };
}
