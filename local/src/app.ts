/**
 * The sandbox as a fastify app (no listening here; see server.ts): the IVS control-plane emulator, token checks,
 * the events WebSocket, the token API mount, the pages, and the media plane (the SFU, local/src/media/plugin.ts).
 *
 * Route map:
 *   POST /<IvsOperation>, GET|POST|DELETE /tags/{arn}   IVS real-time API (AWS wire shape)
 *   GET  /events (WebSocket)                            participant events
 *   *    /api/*                                         lambda/'s token API through an API Gateway v2 adapter
 *   POST /whip[/publish/{jti}], POST /whip/subscribe/{id}, DELETE .../sessions/*  media plane (local/src/media)
 *   GET  /config.json, GET /*                           pages
 * CORS (local/src/cors.ts): media and events any origin, token API an allow-list, IVS API and pages none.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { tokenApiPlugin } from './api-adapter/routes.js';
import { type SandboxConfig, type SandboxOptionsInput, parseSandboxOptions } from './config.js';
import { registerCors } from './cors.js';
import { EventsHub } from './events/hub.js';
import { recordMediaErrors } from './events/media-errors.js';
import { eventsPlugin } from './events/routes.js';
import { clientErrorHandler, frameworkErrors, isIvsApiRequest } from './framework-errors.js';
import { errorHandler, notFoundHandler } from './http-errors.js';
import { ivsApiPlugin } from './ivs-api/routes.js';
import { IvsStore } from './ivs-api/store.js';
import { parseNetworkSpec } from './media/network.js';
import { registerMedia as registerSfu } from './media/plugin.js';
import type { MediaDeps, MediaPlane } from './media/types.js';
import { type SigningKey, generateP384PrivateKeyPem, loadSigningKey } from './tokens/keys.js';
import { createTokenMinter } from './tokens/mint.js';
import { TokenVerifier } from './tokens/verify.js';
import { registerHostCheck } from './security/host-check.js';
import { webPlugin } from './web.js';

/** Events messages are a token plus a little JSON; anything much larger is not a client of ours. */
const WS_MAX_PAYLOAD_BYTES = 16 * 1024;
/** How long shutdown waits for pages to complete the WebSocket close handshake before cutting them off. */
const WS_CLOSE_GRACE_MS = 1000;

export interface BuildAppOptions extends SandboxOptionsInput {
  /** fastify logger options. @default false */
  readonly logger?: FastifyServerOptions['logger'];
  /** Powertools logger/metrics for the mounted token API. @default lambda/'s module singletons */
  readonly tokenApi?: { readonly logger?: Logger; readonly metrics?: Metrics };
  /** @default Date.now */
  readonly nowMs?: () => number;
  /** Media plane to use instead of the SFU in local/src/media/plugin.ts (tests drive the control plane with a fake). */
  readonly registerMedia?: RegisterMedia;
  /** Serve HTTPS (and WSS) with this PEM key and certificate: phones on the LAN need a secure origin for the camera. */
  readonly https?: { readonly key: string; readonly cert: string };
}

/** What the running sandbox is made of (for main.ts, tests and the benchmarks). */
export interface Sandbox {
  readonly config: SandboxConfig;
  readonly store: IvsStore;
  readonly hub: EventsHub;
  readonly verifier: TokenVerifier;
  readonly signingKey: SigningKey;
  /** The stage that exists at start ("sandbox-stage"); the token API and config.json use it. */
  readonly defaultStageArn: string;
  /** minting=self-signed: the imported key pair the token API signs with. */
  readonly selfSigned?: { readonly publicKeyArn: string; readonly privateKeyPem: string };
  /** The media plane (the SFU unless overridden); undefined when media is disabled (`media: false`). */
  readonly media?: MediaPlane;
}

declare module 'fastify' {
  interface FastifyInstance {
    sandbox: Sandbox;
  }
}

export type RegisterMedia = (app: FastifyInstance, deps: MediaDeps) => MediaPlane;

/** The address this server's own clients (the token API's IVS client) reach it at, once it listens. */
function selfEndpoint(app: FastifyInstance, secure: boolean): string | undefined {
  const address = app.server.address();
  if (address === null || typeof address !== 'object') return undefined;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${secure ? 'https' : 'http'}://${host}:${address.port}`;
}

export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { logger = false, tokenApi, nowMs = Date.now, https, registerMedia: mediaOverride, ...sandboxOptions } = options;
  const config = parseSandboxOptions(sandboxOptions);
  const signingKey = loadSigningKey(config.signingKeyPem);

  const app = Fastify({
    logger,
    ...(https ? { https: { key: https.key, cert: https.cert } } : {}),
    // The token API's IVS client forwards the caller's Host (X-Forwarded-Host) from loopback; nobody else is trusted.
    trustProxy: 'loopback',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    clientErrorHandler,
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Before any route plugin: the media, events and token API groups mark their routes for it.
  registerCors(app, { allowedOrigins: config.allowedOrigins });

  const store = new IvsStore({ config, mint: createTokenMinter(signingKey), nowMs });
  const verifier = new TokenVerifier({
    signingKey,
    publicKey: (arn) => store.publicKey(arn),
    stageExists: (arn) => store.stageExists(arn),
    isRevoked: (arn, id) => store.isRevoked(arn, id),
    nowMs,
  });
  const hub = new EventsHub({ store, verifier, config, log: app.log, nowMs });
  store.setListener(hub);

  const placeholder = { http: 'http://localhost', ws: 'ws://localhost' };
  const defaultStageArn = (await store.createStage({ name: config.defaultStageName }, placeholder)).stage.arn;

  let selfSigned: Sandbox['selfSigned'];
  if (config.minting === 'self-signed') {
    const privateKeyPem = generateP384PrivateKeyPem();
    const publicKeyMaterial = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const { publicKey } = store.importPublicKey({ publicKeyMaterial, name: 'sandbox-self-signed' });
    selfSigned = { publicKeyArn: publicKey.arn, privateKeyPem };
  }

  let media: MediaPlane | undefined;
  const registerMedia: RegisterMedia | undefined = config.media ? (mediaOverride ?? registerSfu) : undefined;
  if (registerMedia) {
    recordMediaErrors(app, { verifier, sink: hub });
    media = registerMedia(app, {
      verifyBearer: (authorization) => verifier.verifyBearer(authorization),
      events: hub,
      ...(config.iceAddresses ? { iceAddresses: config.iceAddresses } : {}),
      maxPublishersPerStage: config.quotas.publishersPerStage,
      redirect: config.mediaRedirect,
      ...(config.network ? { networkRules: parseNetworkSpec(config.network) } : {}),
    });
    hub.attachMedia(media);
  }

  app.decorate('sandbox', { config, store, hub, verifier, signingKey, defaultStageArn, selfSigned, media } satisfies Sandbox);

  await app.register(fastifyWebsocket, {
    options: { maxPayload: WS_MAX_PAYLOAD_BYTES },
    // Pages hear why they were dropped ("serverShutdown") before the socket closes.
    preClose: async function (this: FastifyInstance) {
      hub.shutdown();
      const open = [...this.websocketServer.clients];
      for (const client of open) if (client.readyState === client.OPEN) client.close(1001, 'serverShutdown');
      const closed = Promise.all(open.map((c) => new Promise((resolve) => (c.readyState === c.CLOSED ? resolve(null) : c.once('close', resolve)))));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, WS_CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
      for (const client of this.websocketServer.clients) client.terminate();
    },
  });
  app.addHook('preClose', async () => {
    await media?.close();
  });
  // After @fastify/websocket's own onRequest hook, so a refused upgrade's socket is closed with the reply.
  registerHostCheck(app, {
    allowedHosts: config.allowedHosts,
    reject: (request, reply, message) =>
      isIvsApiRequest(request.method, request.url)
        ? reply
            .code(421)
            .header('x-amzn-ErrorType', 'AccessDeniedException')
            .type('application/json')
            .send(JSON.stringify({ exceptionMessage: message, message }))
        : reply.code(421).send({ error: { code: 'MISDIRECTED_REQUEST', message } }),
  });

  await app.register(ivsApiPlugin, { store, config, nowMs });
  await app.register(eventsPlugin, { hub });
  await app.register(tokenApiPlugin, {
    config,
    stageArn: defaultStageArn,
    ivsEndpoint: () => selfEndpoint(app, https !== undefined),
    ...(selfSigned ? { selfSigned } : {}),
    ...(tokenApi?.logger ? { logger: tokenApi.logger } : {}),
    ...(tokenApi?.metrics ? { metrics: tokenApi.metrics } : {}),
    nowMs,
  });
  await app.register(webPlugin, {
    ...(config.webRoot !== undefined ? { webRoot: config.webRoot } : {}),
    stageArn: defaultStageArn,
    region: config.region,
    viewerAccess: config.viewerAccess,
    devBearer: config.devBearer,
    https: https !== undefined,
  });
  return app;
}
