/**
 * Who is live on each stage: a participant is live while it has at least one channel (its events connection, a media
 * publish session, or media subscriptions). Its first channel is a JOIN, losing its last channel is a LEAVE; the hub
 * (hub.ts) turns both into store calls and page events.
 */
import type { Counts, DisconnectReason, ParticipantInfo } from '../../../contracts/sandbox-protocol.js';
import type { VerifiedParticipant } from '../media/types.js';
import type { EventsConnection } from './connection.js';

/** setTimeout's ceiling (~24.8 days); token lifetimes (≤ 14 days) stay below it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LiveParticipant {
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

export interface LiveStage {
  readonly participants: Map<string, LiveParticipant>;
  lastCounts?: Counts;
}

export const DISCONNECT_MESSAGES: Record<DisconnectReason, string> = {
  disconnectedByApi: 'disconnected from the stage by the API (DisconnectParticipant)',
  stageDeleted: 'the stage was deleted',
  tokenExpired: 'the participant token expired; get a new token to rejoin',
  replaced: 'replaced by a newer connection',
  serverShutdown: 'the sandbox server is shutting down',
};

export function participantInfo(live: LiveParticipant): ParticipantInfo {
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

export class Presence {
  private readonly stages = new Map<string, LiveStage>();

  constructor(private readonly nowMs: () => number) {}

  stage(stageArn: string): LiveStage | undefined {
    return this.stages.get(stageArn);
  }

  /** Every stage's participants (shutdown clears their timers). */
  all(): IterableIterator<LiveStage> {
    return this.stages.values();
  }

  participants(stageArn: string): Iterable<LiveParticipant> {
    return this.stages.get(stageArn)?.participants.values() ?? [];
  }

  find(stageArn: string, participantId: string): LiveParticipant | undefined {
    return this.stages.get(stageArn)?.participants.get(participantId);
  }

  counts(stageArn: string): Counts {
    let publishers = 0;
    let subscribers = 0;
    for (const live of this.participants(stageArn)) {
      if (live.publishing > 0) publishers += 1;
      else subscribers += 1;
    }
    return { publishers, subscribers };
  }

  /** Adds a new participant record; `onExpired` runs when its token expires. */
  add(p: VerifiedParticipant, onExpired: (live: LiveParticipant) => void): LiveParticipant {
    let stage = this.stages.get(p.stageArn);
    if (!stage) {
      stage = { participants: new Map() };
      this.stages.set(p.stageArn, stage);
    }
    const live: LiveParticipant = {
      verified: p,
      joinedAt: new Date(this.nowMs()),
      publishing: 0,
      subscriptions: new Map(),
      audioMuted: false,
      videoMuted: false,
    };
    const untilExpiry = p.exp * 1000 - this.nowMs();
    if (untilExpiry < MAX_TIMER_MS) {
      live.expiryTimer = setTimeout(() => onExpired(live), Math.max(0, untilExpiry));
      live.expiryTimer.unref();
    }
    stage.participants.set(p.participantId, live);
    return live;
  }

  /** Removes the participant if it has no channel left; true if it did (a LEAVE). */
  removeIfIdle(live: LiveParticipant): boolean {
    if (live.connection || live.publishing > 0 || live.subscriptions.size > 0) return false;
    const { stageArn, participantId } = live.verified;
    const stage = this.stages.get(stageArn);
    if (stage?.participants.get(participantId) !== live) return false;
    clearTimeout(live.expiryTimer);
    stage.participants.delete(participantId);
    if (stage.participants.size === 0) this.stages.delete(stageArn);
    return true;
  }

  deleteStage(stageArn: string): void {
    this.stages.delete(stageArn);
  }
}
