/**
 * The pages: the built web/ output served at /, and /config.json telling them they run against the sandbox
 * (apiUrl from the caller's own origin, so a phone on the LAN gets a URL it can reach).
 */
import type { FastifyInstance } from 'fastify';
import type { SiteConfig } from '../../contracts/site-config.js';
import { originOf } from './origin.js';
import { SANDBOX_PATHS } from '../../contracts/sandbox-protocol.js';

export interface WebPluginOptions {
  /** Built pages; nothing is served statically when undefined. */
  readonly webRoot?: string;
  readonly stageArn: string;
  readonly region: string;
  readonly viewerAccess: SiteConfig['viewerAccess'];
}

export async function webPlugin(app: FastifyInstance, opts: WebPluginOptions): Promise<void> {
  app.get(SANDBOX_PATHS.config, async (request, reply) => {
    const origin = originOf(request);
    if (!origin) return reply.code(400).send({ error: { code: 'INVALID_REQUEST', message: 'the Host header is not a valid host[:port]' } });
    const config: SiteConfig = {
      backend: 'sandbox',
      apiUrl: `${origin.http}${SANDBOX_PATHS.api}`,
      region: opts.region,
      stageArn: opts.stageArn,
      viewerAccess: opts.viewerAccess,
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
