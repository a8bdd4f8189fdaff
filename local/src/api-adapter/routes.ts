/**
 * lambda/'s token API mounted at /api, the way API Gateway serves it: each request becomes a payload-2.0 event
 * (event.ts) for the real handler (lambda/token/app.ts createHandler), whose IVS client is the real
 * IVSRealTimeClient talking HTTP to this server's own emulator.
 *
 * The sandbox has no login: routes that sit behind the Cognito JWT authorizer in AWS (POST /auth/tokens,
 * DELETE /participants/{id}) need the dev identity's bearer (`dev` on loopback, a secret printed at start otherwise)
 * and then get a fixed dev identity (a member of the publishers group) injected as the authorizer's claims; without
 * it they answer 401 as the authorizer would (local/src/security/dev-identity.ts).
 */
import { Agent as HttpsAgent } from 'node:https';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLISHERS_GROUP } from '../../../contracts/token-api.js';
import { createHandler, type TokenApiHandler } from '../../../lambda/token/app.js';
import type { SandboxConfig } from '../config.js';
import { corsGroup } from '../cors.js';
import type { Origin } from '../ivs-api/store.js';
import { originOf } from '../origin.js';
import { UNAUTHORIZED_BODY, hasDevBearer } from '../security/dev-identity.js';
import { type JwtClaims, buildApiGatewayEvent, lambdaContext, lookupRoute, mapLambdaResult } from './event.js';

const API_PREFIX = '/api';

/** The sandbox's stand-in for a signed-in Cognito broadcaster (what API Gateway's JWT authorizer would pass on). */
const DEV_BROADCASTER_CLAIMS: JwtClaims = {
  sub: 'dev-broadcaster',
  'cognito:username': 'dev-broadcaster',
  'cognito:groups': `[${PUBLISHERS_GROUP}]`,
  token_use: 'id',
};
/** With viewerAccess=signed-in, /tokens is behind the authorizer too: viewers get a signed-in identity outside the group. */
const DEV_VIEWER_CLAIMS: JwtClaims = { sub: 'dev-viewer', 'cognito:username': 'dev-viewer', 'cognito:groups': '[]', token_use: 'id' };

/** Larger than the handler's own limit (8 KB), so the handler, not the mount, answers oversize bodies as in AWS. */
const BODY_LIMIT_BYTES = 64 * 1024;
/** Distinct origins (localhost, LAN address, ...) each get a handler whose tokens carry URLs for that origin. */
const MAX_HANDLERS = 16;

export interface TokenApiMountOptions {
  readonly config: SandboxConfig;
  /** The stage the token API serves (the sandbox's default stage). */
  readonly stageArn: string;
  /** This server's own emulator on loopback, e.g. http://127.0.0.1:8080; undefined until it listens. */
  readonly ivsEndpoint: () => string | undefined;
  /** For minting=self-signed: the imported public key and the PEM of its private half. */
  readonly selfSigned?: { readonly publicKeyArn: string; readonly privateKeyPem: string };
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly nowMs: () => number;
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export async function tokenApiPlugin(app: FastifyInstance, opts: TokenApiMountOptions): Promise<void> {
  const handlers = new Map<string, { handler: TokenApiHandler; client: IVSRealTimeClient }>();

  const handlerFor = (origin: Origin, endpoint: string): TokenApiHandler => {
    const key = `${origin.http} ${endpoint}`;
    const cached = handlers.get(key);
    if (cached) return cached.handler;
    const client = new IVSRealTimeClient({
      endpoint,
      region: opts.config.region,
      // On loopback the emulator checks only the SigV4 shape (dummy credentials do); off loopback, its key pair.
      credentials: opts.config.sigV4Credentials ?? { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' },
      // Over HTTPS the client calls this very process on loopback, whose certificate is made for the LAN name phones
      // use (self-signed, or from a local CA Node does not know): there is no one else to authenticate.
      ...(endpoint.startsWith('https:') ? { requestHandler: { httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) } } : {}),
    });
    // The emulator builds stage endpoints and token URLs from the request's host; the caller's origin is what the
    // page needs (a phone on the LAN can't reach 127.0.0.1), so pass it on like a reverse proxy would.
    const forwardedHost = origin.http.replace(/^https?:\/\//, '');
    const forwardedProto = origin.http.startsWith('https:') ? 'https' : 'http';
    client.middlewareStack.add(
      (next) => async (args) => {
        const request: unknown = args.request;
        if (typeof request === 'object' && request !== null && 'headers' in request) {
          const headers = (request as { headers: Record<string, string> }).headers;
          headers['x-forwarded-host'] = forwardedHost;
          headers['x-forwarded-proto'] = forwardedProto;
        }
        return next(args);
      },
      { step: 'build', name: 'sandboxForwardedOrigin' },
    );
    const handler = createHandler({
      config: {
        stageArn: opts.stageArn,
        minting: opts.config.minting,
        viewerAccess: opts.config.viewerAccess,
        ...(opts.selfSigned
          ? { publicKeyArn: opts.selfSigned.publicKeyArn, whipUrl: `${origin.http}/whip`, eventsUrl: `${origin.ws}/events` }
          : {}),
      },
      ivs: client,
      ...(opts.selfSigned ? { loadPrivateKeyPem: () => Promise.resolve(opts.selfSigned?.privateKeyPem ?? '') } : {}),
      now: opts.nowMs,
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    });
    handlers.set(key, { handler, client });
    if (handlers.size > MAX_HANDLERS) {
      const [oldestKey, oldest] = handlers.entries().next().value ?? [];
      if (oldestKey !== undefined) handlers.delete(oldestKey);
      oldest?.client.destroy();
    }
    return handler;
  };

  app.addHook('onClose', async () => {
    for (const { client } of handlers.values()) client.destroy();
    handlers.clear();
  });

  // It mints credentials: browsers may call it only from the sandbox's own origin and --allow-origin (cors.ts).
  corsGroup(app, 'allow-list');

  // The handler reads and judges the body itself (size, JSON, Content-Type), as behind API Gateway.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const [rawPathWithPrefix = '', rawQueryString = ''] = request.url.split('?', 2) as [string?, string?];
    const path = rawPathWithPrefix.slice(API_PREFIX.length) || '/';
    const lookup = lookupRoute(request.method, path);
    if (lookup.kind === 'notFound') {
      return reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `no API route ${request.method} ${path.slice(0, 200)}`));
    }
    if (lookup.kind === 'methodNotAllowed') {
      return reply
        .code(405)
        .header('allow', lookup.allow.join(', '))
        .send(errorBody('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${lookup.allow.join(' or ')}`));
    }
    const origin = originOf(request);
    if (!origin) return reply.code(400).send(errorBody('INVALID_REQUEST', 'the Host header is not a valid host[:port]'));
    const endpoint = opts.ivsEndpoint();
    if (!endpoint) {
      return reply.code(503).send(errorBody('INTERNAL', 'the token API is available once the sandbox is listening'));
    }

    const { route } = lookup;
    const behindAuthorizer =
      route.name === 'createTokenAuthenticated' ||
      route.name === 'disconnect' ||
      (route.name === 'createToken' && opts.config.viewerAccess === 'signed-in');
    if (behindAuthorizer && !hasDevBearer(request.headers.authorization, opts.config.devBearer)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED_BODY);
    }
    const claims = !behindAuthorizer ? undefined : route.name === 'createToken' ? DEV_VIEWER_CLAIMS : DEV_BROADCASTER_CLAIMS;
    const event = buildApiGatewayEvent(
      {
        method: request.method,
        path,
        rawQueryString,
        headers: request.headers,
        ...(Buffer.isBuffer(request.body) ? { body: request.body } : {}),
        sourceIp: request.ip,
        host: request.host,
        protocol: request.protocol === 'https' ? 'https' : 'http',
        requestId: request.id,
        nowMs: opts.nowMs(),
      },
      route,
      claims,
    );
    const result = mapLambdaResult(await handlerFor(origin, endpoint)(event, lambdaContext(request.id, opts.nowMs)));
    reply.code(result.statusCode);
    for (const [name, value] of Object.entries(result.headers)) {
      // Framing is the server's job; the rest of the handler's headers pass through.
      if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') reply.header(name, value);
    }
    if (result.cookies.length > 0) reply.header('set-cookie', [...result.cookies]);
    return reply.send(result.body);
  };

  app.all(`${API_PREFIX}`, serve);
  app.all(`${API_PREFIX}/*`, serve);
}
