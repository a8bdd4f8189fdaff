/**
 * CORS by route group. A plugin marks every route it declares with `corsGroup(scope, policy)` (one line at the top of
 * the plugin: routes added later in that scope get it too); one onRequest hook at the root answers for the marked
 * routes and leaves every other route (the IVS control plane, the pages) without CORS headers.
 *
 *  - 'participant-token': the media and events routes. The participant token in `Authorization` is the credential
 *    (no cookies), so any origin may call them, as IVS's own endpoints allow: a page on GitHub Pages, on another port
 *    or opened from disk (Origin "null") publishes with a pasted token. Preflights also answer Private Network Access
 *    (`Access-Control-Allow-Private-Network`), so an HTTPS page may reach the sandbox on 127.0.0.1.
 *  - 'allow-list': the token API mints credentials, so only the origin the sandbox is reached at and the origins
 *    given with `--allow-origin` (the stack's `allowedOrigins` rule) may call it from a browser; any other Origin is
 *    refused with 403 before the handler runs (a "simple" cross-origin POST would otherwise mint a token unseen).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { originOf } from './origin.js';

export type CorsPolicy = 'participant-token' | 'allow-list';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which CORS rule the route answers with (set by corsGroup); unset: no CORS. */
    cors?: CorsPolicy;
  }
}

const CORS_ALLOW_HEADERS = 'Authorization, Content-Type';
/** Preflights are cached this long (seconds): the rule never changes while the sandbox runs. */
const MAX_AGE_S = '600';
/** Both groups: publish/subscribe/mint (POST), end a session/disconnect (DELETE), the stage summary (GET). */
const CORS_METHODS = 'GET, POST, DELETE, OPTIONS';

/** Marks every route declared in `scope` (from now on) with `policy`. */
export function corsGroup(scope: FastifyInstance, policy: CorsPolicy): void {
  scope.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...route.config, cors: policy };
  });
}

export interface CorsOptions {
  /** Extra origins the token API accepts besides the sandbox's own (validated by config.ts). */
  readonly allowedOrigins: readonly string[];
}

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
}

function preflightHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply
    .header('access-control-allow-methods', CORS_METHODS)
    .header('access-control-allow-headers', CORS_ALLOW_HEADERS)
    .header('access-control-max-age', MAX_AGE_S);
  // https://wicg.github.io/private-network-access/#cors-preflight
  if (request.headers['access-control-request-private-network'] === 'true') reply.header('access-control-allow-private-network', 'true');
}

/** The root hook: register before any plugin that calls corsGroup (hooks reach the scopes created after them). */
export function registerCors(app: FastifyInstance, options: CorsOptions): void {
  const extra = new Set(options.allowedOrigins);
  app.addHook('onRequest', async (request, reply) => {
    const policy = request.routeOptions.config.cors;
    if (policy === undefined) return;
    const origin = request.headers.origin;
    if (policy === 'participant-token') {
      reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'Location');
      if (isPreflight(request)) {
        preflightHeaders(request, reply);
        return reply.code(204).send();
      }
      return;
    }
    reply.header('vary', 'Origin');
    // No Origin: not a browser's cross-origin call (curl, npm run token, the SDK).
    if (origin === undefined) return;
    if (origin !== originOf(request)?.http && !extra.has(origin)) {
      return reply.code(403).send({
        error: {
          code: 'ORIGIN_NOT_ALLOWED',
          message:
            `pages from ${origin.slice(0, 200)} may not call the token API: start the sandbox with ` +
            `--allow-origin ${origin.slice(0, 200)}, or paste tokens made with npm run token`,
        },
      });
    }
    reply.header('access-control-allow-origin', origin);
    if (isPreflight(request)) {
      preflightHeaders(request, reply);
      return reply.code(204).send();
    }
  });
}
