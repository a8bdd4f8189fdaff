/**
 * WHIP/WHEP over HTTP (RFC 9725 and the WHEP draft, non-trickle): the routes of SANDBOX_PATHS in front of the SFU.
 *
 *   POST   /whip/publish/<jti>         SDP offer -> 201 answer, Location: /whip/sessions/<id>   (needs PUBLISH)
 *   POST   /whip                       the same, for the token's own participant (OBS-style global endpoint)
 *   POST   /whip/subscribe/<publisherId>  SDP offer -> 201 answer, Location: /whep/sessions/<id> (needs SUBSCRIBE)
 *   /edge/...                          the same three; with `redirect` on, the ones above answer 307 to these
 *   DELETE /whip|whep/sessions/<id>    ends the session -> 204
 *   OPTIONS                            204 with Allow / Accept-Post; a CORS preflight: any origin (local/src/cors.ts)
 *   PATCH  (trickle ICE, ICE restart)  405: offers must carry all candidates
 *
 * The token is checked before the body is read, so an unauthenticated client cannot make the server buffer SDP.
 * Every error is a 4xx `{error:{code,message}}` (SandboxError); anything else is logged and answered with a generic 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { corsGroup } from '../cors.js';
import { SandboxError } from '../errors.js';
import { SANDBOX_PATHS } from '../../../contracts/sandbox-protocol.js';
import { NetworkLab } from './network.js';
import { registerNetworkRoutes } from './network-routes.js';
import { defaultIceAddresses } from './peer.js';
import { MAX_SDP_BYTES } from './sdp.js';
import { IVS_MAX_PUBLISHERS_PER_STAGE, Sfu } from './sfu.js';
import type { MediaDeps, MediaPlane, VerifiedParticipant } from './types.js';

const SDP_CONTENT_TYPE = 'application/sdp';

const SessionParams = z.object({ sessionId: z.uuid() });
const PublisherParams = z.object({ participantId: z.string().min(1).max(128) });

function sessionParams(params: unknown): string {
  const parsed = SessionParams.safeParse(params);
  if (!parsed.success) throw new SandboxError(404, 'SESSION_NOT_FOUND', 'no such session (session ids are UUIDs)');
  return parsed.data.sessionId;
}

function sdpBody(body: unknown): string {
  if (typeof body !== 'string') {
    throw new SandboxError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the SDP offer as the body with Content-Type: ${SDP_CONTENT_TYPE}`);
  }
  return body;
}

function mapFastifyError(err: FastifyError): SandboxError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SandboxError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the SDP offer with Content-Type: ${SDP_CONTENT_TYPE}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SandboxError(413, 'PAYLOAD_TOO_LARGE', `the SDP offer is larger than ${MAX_SDP_BYTES} bytes`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SandboxError(400, 'BAD_SDP', 'the request body is empty: send an SDP offer');
    default:
      return undefined;
  }
}

/** The POST routes and what they do; each is also served under SANDBOX_PATHS.redirected. */
const MEDIA_POST_ROUTES = [
  { path: SANDBOX_PATHS.whip, kind: 'publish' },
  { path: SANDBOX_PATHS.publish, kind: 'publish' },
  { path: SANDBOX_PATHS.subscribe, kind: 'subscribe' },
] as const;

/** 'publish' / 'subscribe' for a media POST route pattern (either copy), else undefined. */
export function mediaPostKind(route: string | undefined): 'publish' | 'subscribe' | undefined {
  const path = route?.startsWith(`${SANDBOX_PATHS.redirected}/`) ? route.slice(SANDBOX_PATHS.redirected.length) : route;
  return MEDIA_POST_ROUTES.find((r) => r.path === path)?.kind;
}

function sessionUrl(request: FastifyRequest, path: string): string {
  return `${request.protocol}://${request.host}${path}`;
}

/**
 * Registers the WHIP/WHEP routes on `app` (in their own encapsulated context: SDP parser, error handler) and returns
 * the MediaPlane the control plane drives. Closing the app closes every peer connection.
 */
export function registerMedia(app: FastifyInstance, deps: MediaDeps): MediaPlane {
  const sfu = new Sfu({
    iceAddresses: deps.iceAddresses ?? defaultIceAddresses(),
    maxPublishersPerStage: deps.maxPublishersPerStage ?? IVS_MAX_PUBLISHERS_PER_STAGE,
    events: deps.events,
    log: app.log.child({ module: 'media' }),
    network: new NetworkLab(deps.networkRules ?? []),
  });
  registerNetworkRoutes(app, sfu);
  const participants = new WeakMap<FastifyRequest, VerifiedParticipant>();
  const authenticate = async (request: FastifyRequest) => {
    participants.set(request, await deps.verifyBearer(request.headers.authorization));
  };
  const participantOf = (request: FastifyRequest): VerifiedParticipant => {
    const p = participants.get(request);
    if (!p) throw new Error('route ran without authentication');
    return p;
  };

  app.addHook('preClose', () => sfu.close());

  void app.register(async (scope) => {
    // Every media route, present and future: the participant token is the credential, any origin may call.
    corsGroup(scope, 'participant-token');
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(SDP_CONTENT_TYPE, { parseAs: 'string', bodyLimit: MAX_SDP_BYTES }, (_req, body, done) => {
      done(null, body);
    });
    // Trickle ICE fragments (PATCH) are parsed only so PATCH reaches its 405 instead of failing as a bad media type.
    scope.addContentTypeParser('application/trickle-ice-sdpfrag', { parseAs: 'string', bodyLimit: MAX_SDP_BYTES }, (_req, body, done) => {
      done(null, body);
    });

    scope.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const known = err instanceof SandboxError ? err : mapFastifyError(err);
      if (known) return reply.status(known.status).send(known.toBody());
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return reply.status(400).send(new SandboxError(400, 'BAD_SDP', err.message).toBody());
      }
      request.log.error({ err }, 'media route failed');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
    });

    const answer = (reply: FastifyReply, request: FastifyRequest, location: string, sdp: string) =>
      reply
        .status(201)
        .header('content-type', SDP_CONTENT_TYPE)
        .header('location', sessionUrl(request, location))
        .send(sdp);

    // Like IVS's global endpoint: the redirect comes before the token is looked at, and carries no body.
    const redirect = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!deps.redirect) return;
      return reply.status(307).header('location', sessionUrl(request, `${SANDBOX_PATHS.redirected}${request.url}`)).send();
    };
    const publish = async (request: FastifyRequest, reply: FastifyReply) => {
      const participant = participantOf(request);
      if (request.routeOptions.url?.endsWith(SANDBOX_PATHS.publish)) {
        const params = PublisherParams.safeParse(request.params);
        if (!params.success || params.data.participantId !== participant.participantId) {
          throw new SandboxError(
            403,
            'TOKEN_WRONG_PARTICIPANT',
            `this token publishes as ${participant.participantId}: POST <whip_url>/publish/<the token's jti>`,
          );
        }
      }
      const result = await sfu.publish(participant, sdpBody(request.body));
      return answer(reply, request, SANDBOX_PATHS.whipSession.replace(':sessionId', result.sessionId), result.sdp);
    };
    const subscribe = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = PublisherParams.safeParse(request.params);
      if (!params.success) throw new SandboxError(404, 'PUBLISHER_NOT_FOUND', 'name the publisher: POST <whip_url>/subscribe/<participantId>');
      const result = await sfu.subscribe(participantOf(request), params.data.participantId, sdpBody(request.body));
      return answer(reply, request, SANDBOX_PATHS.whepSession.replace(':sessionId', result.sessionId), result.sdp);
    };

    for (const { path, kind } of MEDIA_POST_ROUTES) {
      const handler = kind === 'publish' ? publish : subscribe;
      scope.post(path, { onRequest: [redirect, authenticate] }, handler);
      scope.post(`${SANDBOX_PATHS.redirected}${path}`, { onRequest: authenticate }, handler);
      for (const p of [path, `${SANDBOX_PATHS.redirected}${path}`]) {
        scope.options(p, async (_request, reply) =>
          reply.status(204).header('allow', 'POST, OPTIONS').header('accept-post', SDP_CONTENT_TYPE).send(),
        );
      }
    }

    for (const [path, kind] of [
      [SANDBOX_PATHS.whipSession, 'publish'],
      [SANDBOX_PATHS.whepSession, 'subscribe'],
    ] as const) {
      scope.delete(path, async (request, reply) => {
        sfu.endSession(kind, sessionParams(request.params));
        return reply.status(204).send();
      });
      scope.options(path, async (_request, reply) => reply.status(204).header('allow', 'DELETE, OPTIONS').send());
      // No trickle ICE or ICE restart (RFC 9725 section 4.3.1: answer 405 when unsupported).
      scope.patch(path, async (_request, reply) => reply.status(405).header('allow', 'DELETE, OPTIONS').send());
    }

  });

  return sfu;
}
