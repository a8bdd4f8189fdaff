/**
 * The sandbox-only network lab API (no IVS equivalent: IVS runs on real networks):
 *
 *   GET /sandbox/participants/{participantId}/network  -> 200 {participantId, up, down}   (404 unknown participant)
 *   PUT /sandbox/participants/{participantId}/network  {up?: {...}, down?: {...}} -> 200 the new profile
 *
 * Any subset of lossPercent, delayMs, jitterMs, capKbps (null = none), queueMs per direction; the rest keep their
 * value. Bad bodies are 400 BAD_REQUEST naming the field. Local tool on loopback: no token, like the IVS API mount.
 *
 *   GET /whep/sessions/{id}/layer  -> 200 {simulcast, preferred, current, rid, switches, estimateBps, layers}
 *   PUT /whep/sessions/{id}/layer  {"layer": "auto"|"high"|"medium"|"low"} -> 200 the same   (404 unknown session)
 *
 * The viewer's layer choice for one subscription (the unguessable session id is the capability, as for DELETE).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LayerRequest, NetworkProfileUpdate, SANDBOX_PATHS } from '../../../contracts/sandbox-protocol.js';
import { SandboxError } from '../errors.js';
import type { Sfu } from './sfu.js';

function participantIdOf(params: unknown): string {
  const id = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['participantId'] : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw new SandboxError(404, 'PARTICIPANT_NOT_FOUND', 'name the participant: /sandbox/participants/<participantId>/network');
  }
  return id;
}

export function registerNetworkRoutes(app: FastifyInstance, sfu: Sfu): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof SandboxError) return reply.status(err.status).send(err.toBody());
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.status(400).send(new SandboxError(400, 'BAD_REQUEST', `send a JSON body: ${err.message}`).toBody());
      }
      request.log.error({ err }, 'network route failed');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
    });

    const sessionIdOf = (params: unknown): string => {
      const id = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['sessionId'] : undefined;
      if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new SandboxError(404, 'SESSION_NOT_FOUND', 'no such session (session ids are UUIDs)');
      return id;
    };
    scope.get(SANDBOX_PATHS.whepSessionLayer, async (request) => sfu.layerOf(sessionIdOf(request.params)));
    scope.put(SANDBOX_PATHS.whepSessionLayer, { bodyLimit: 1024 }, async (request) => {
      const sessionId = sessionIdOf(request.params);
      const parsed = LayerRequest.safeParse(request.body);
      if (!parsed.success) {
        throw new SandboxError(400, 'BAD_REQUEST', 'send {"layer": "auto" | "high" | "medium" | "low"}');
      }
      return sfu.setPreferredLayer(sessionId, parsed.data.layer);
    });

    scope.get(SANDBOX_PATHS.participantNetwork, async (request) => {
      const participantId = participantIdOf(request.params);
      const profile = sfu.networkOf(participantId);
      if (!profile) throw new SandboxError(404, 'PARTICIPANT_NOT_FOUND', `participant "${participantId}" has no media session on this sandbox`);
      return { participantId, ...profile };
    });

    scope.put(SANDBOX_PATHS.participantNetwork, { bodyLimit: 4096 }, async (request) => {
      const participantId = participantIdOf(request.params);
      const parsed = NetworkProfileUpdate.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'body';
        throw new SandboxError(400, 'BAD_REQUEST', `${where}: ${issue?.message ?? 'invalid'} (fields per direction: lossPercent, delayMs, jitterMs, capKbps, queueMs)`);
      }
      return { participantId, ...sfu.setNetwork(participantId, parsed.data) };
    });
  });
}
