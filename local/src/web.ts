/**
 * The pages: the built web/ output served at /, and /config.json telling them they run against the sandbox
 * (apiUrl from the caller's own origin, so a phone on the LAN gets a URL it can reach).
 */
import type { FastifyInstance } from 'fastify';
import type { SiteConfig } from '../../contracts/site-config.js';
import { securityHeaders } from '../../lib/csp.js';
import { originOf } from './origin.js';
import { SANDBOX_PATHS } from '../../contracts/sandbox-protocol.js';
import { LOOPBACK_DEV_BEARER } from './security/dev-identity.js';

export interface WebPluginOptions {
  /** Built pages; nothing is served statically when undefined. */
  readonly webRoot?: string;
  readonly stageArn: string;
  readonly region: string;
  readonly viewerAccess: SiteConfig['viewerAccess'];
  /** Handed to pages only when it is the loopback default (`dev`); a real secret stays with whoever started it. */
  readonly devBearer: string;
  readonly https: boolean;
}

export async function webPlugin(app: FastifyInstance, opts: WebPluginOptions): Promise<void> {
  // CloudFront's policy, so a CSP violation shows up here before a deploy. The API and media are same-origin here.
  const headers = securityHeaders({ connect: [] }, { https: opts.https });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(headers);
  });
  app.get(SANDBOX_PATHS.config, async (request, reply) => {
    const origin = originOf(request);
    if (!origin) return reply.code(400).send({ error: { code: 'INVALID_REQUEST', message: 'the Host header is not a valid host[:port]' } });
    const config: SiteConfig = {
      backend: 'sandbox',
      apiUrl: `${origin.http}${SANDBOX_PATHS.api}`,
      region: opts.region,
      stageArn: opts.stageArn,
      viewerAccess: opts.viewerAccess,
      ...(opts.devBearer === LOOPBACK_DEV_BEARER ? { sandboxBearer: opts.devBearer } : {}),
    };
    // Pages read this at load; a stale copy after a restart (new stage ARN) would point at a deleted stage.
    return reply.header('cache-control', 'no-store').send(config);
  });

  if (opts.webRoot !== undefined) {
    // Loaded only when there are pages to serve: its ESM-only dependency can't be loaded by jest's CommonJS loader.
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', index: ['index.html'], wildcard: true });
  }
}
