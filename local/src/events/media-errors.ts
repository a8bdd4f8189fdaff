/**
 * IVS records a participant's failed publish/subscribe attempts as PUBLISH_ERROR / SUBSCRIBE_ERROR events with an
 * error code (ListParticipantEvents). The SFU answers those attempts with a 4xx SandboxError; this hook reads the
 * answer on its way out and records the matching IVS event for the participant, if it is in the stage's session.
 */
import type { FastifyInstance } from 'fastify';
import type { EventErrorCode, ParticipantEventName } from '../ivs-api/store.js';
import { mediaPostKind } from '../media/plugin.js';
import type { TokenVerifier } from '../tokens/verify.js';

export interface MediaErrorSink {
  mediaError(stageArn: string, participantId: string, name: ParticipantEventName, errorCode: EventErrorCode, remoteParticipantId?: string): void;
}

/** SandboxError code of a refused WHIP/WHEP offer -> IVS event error code. */
const IVS_CODES: Readonly<Record<string, EventErrorCode>> = {
  CAPABILITY_MISSING: 'INSUFFICIENT_CAPABILITIES',
  STAGE_FULL: 'QUOTA_EXCEEDED',
  PUBLISHER_NOT_FOUND: 'PUBLISHER_NOT_FOUND',
};

function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 4096) return undefined;
  try {
    const body: unknown = JSON.parse(payload);
    if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
    const error: unknown = body.error;
    return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Must be added before the media plane registers its routes, so they inherit the hook. */
export function recordMediaErrors(app: FastifyInstance, deps: { verifier: TokenVerifier; sink: MediaErrorSink }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const kind = request.method === 'POST' ? mediaPostKind(request.routeOptions.url) : undefined;
    if (kind === undefined) return payload;
    if (reply.statusCode !== 403 && reply.statusCode !== 404) return payload;
    const code = IVS_CODES[errorCodeOf(payload) ?? ''];
    if (code === undefined) return payload;
    try {
      const p = await deps.verifier.verifyBearer(request.headers.authorization);
      if (kind === 'publish') {
        deps.sink.mediaError(p.stageArn, p.participantId, 'PUBLISH_ERROR', code);
      } else {
        const params = request.params as Record<string, unknown> | undefined;
        const publisher = typeof params?.['participantId'] === 'string' ? params['participantId'] : undefined;
        deps.sink.mediaError(p.stageArn, p.participantId, 'SUBSCRIBE_ERROR', code, code === 'PUBLISHER_NOT_FOUND' ? publisher : undefined);
      }
    } catch {
      // The token did not verify: the answer was about the token, not an attempt IVS would record.
    }
    return payload;
  });
}
