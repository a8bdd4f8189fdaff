/**
 * Browser entry for the IVS driver test: the real IvsStageClient (and so the real amazon-ivs-web-broadcast SDK)
 * with every StageClient event recorded in a serialisable form the test reads through page.evaluate.
 */
import { QUALITY_PRESETS } from '../../../web/src/media/presets.js';
import { StageClientEvent } from '../../../web/src/stage/client.js';
import type { StageClient } from '../../../web/src/stage/client.js';
import { createStageClient } from '../../../web/src/stage/create.js';
import { StageError } from '../../../web/src/stage/errors.js';
import { NO_RECONNECT } from '../../../web/src/stage/reconnect.js';
import { decodeToken } from '../../../web/src/token/participant-token.js';

export type Recorded =
  | { readonly type: 'state'; readonly previous: string; readonly state: string; readonly reason?: string }
  | { readonly type: 'joined' | 'updated'; readonly id: string; readonly userId: string; readonly published: boolean; readonly audioMuted: boolean; readonly videoMuted: boolean; readonly hasStream: boolean }
  | { readonly type: 'left'; readonly id: string; readonly userId: string }
  | { readonly type: 'counts'; readonly publishers: number; readonly subscribers: number | null }
  | { readonly type: 'error'; readonly reason: string; readonly message: string }
  | { readonly type: 'log'; readonly level: string; readonly message: string };

export interface JoinResult {
  readonly driver: string;
  readonly ok: boolean;
  readonly error?: { readonly name: string; readonly reason: string; readonly message: string };
}

export interface JoinRequest {
  readonly token: string;
  /** The driver's clock (so the test can hand the SDK a token our own pre-check would already refuse). */
  readonly nowMs?: number;
  readonly publish?: boolean;
  readonly subscribe: boolean;
}

declare global {
  interface Window {
    ivsHarness: {
      events: Recorded[];
      join(request: JoinRequest): Promise<JoinResult>;
      leave(): Promise<string>;
      state(): string;
    };
  }
}

let client: StageClient | null = null;
const events: Recorded[] = [];

async function join(request: JoinRequest): Promise<JoinResult> {
  const token = decodeToken(request.token);
  const nowMs = request.nowMs;
  client = await createStageClient(token, { reconnectPolicy: NO_RECONNECT, ...(nowMs !== undefined ? { now: () => nowMs } : {}) });
  const c = client;
  c.on(StageClientEvent.ConnectionStateChanged, (ch) =>
    events.push({ type: 'state', previous: ch.previous, state: ch.state, ...(ch.error ? { reason: ch.error.reason } : {}) }),
  );
  for (const type of ['joined', 'updated'] as const) {
    c.on(type === 'joined' ? StageClientEvent.ParticipantJoined : StageClientEvent.ParticipantUpdated, (p) =>
      events.push({ type, id: p.id, userId: p.userId, published: p.published, audioMuted: p.audioMuted, videoMuted: p.videoMuted, hasStream: p.stream !== null }),
    );
  }
  c.on(StageClientEvent.ParticipantLeft, (p) => events.push({ type: 'left', id: p.participantId, userId: p.userId }));
  c.on(StageClientEvent.CountsChanged, (n) => events.push({ type: 'counts', ...n }));
  c.on(StageClientEvent.Error, (e) => events.push({ type: 'error', reason: e.reason, message: e.message }));
  c.on(StageClientEvent.Log, (l) => events.push({ type: 'log', level: l.level, message: `${l.id} ${JSON.stringify(l.params ?? {})}` }));
  let stream: MediaStream | undefined;
  if (request.publish) stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
  try {
    await c.join({
      subscribe: request.subscribe,
      ...(stream ? { publish: { stream, quality: QUALITY_PRESETS['360p'] } } : {}),
    });
    return { driver: c.driver, ok: true };
  } catch (err: unknown) {
    const e = err instanceof StageError ? err : null;
    return {
      driver: c.driver,
      ok: false,
      error: { name: err instanceof Error ? err.name : typeof err, reason: e?.reason ?? '(not a StageError)', message: err instanceof Error ? err.message : String(err) },
    };
  }
}

window.ivsHarness = {
  events,
  join,
  leave: async () => {
    await client?.leave();
    return client?.state ?? 'none';
  },
  state: () => client?.state ?? 'none',
};
