/** GET /events: the events WebSocket (see contracts/sandbox-protocol.ts); a plain HTTP GET gets 426 with a clear message. */
import type { FastifyInstance } from 'fastify';
import { SANDBOX_PATHS } from '../../../contracts/sandbox-protocol.js';
import { corsGroup } from '../cors.js';
import type { EventsHub } from './hub.js';

export interface EventsPluginOptions {
  readonly hub: EventsHub;
}

export async function eventsPlugin(app: FastifyInstance, opts: EventsPluginOptions): Promise<void> {
  // WebSockets skip CORS; the plain-HTTP answer is readable from any origin, as the media routes are.
  corsGroup(app, 'participant-token');
  app.route({
    method: 'GET',
    url: SANDBOX_PATHS.events,
    handler: async (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send({ error: { code: 'INVALID_REQUEST', message: 'open /events as a WebSocket and send {"type":"hello","token":"..."}' } }),
    wsHandler: (socket) => opts.hub.accept(socket),
  });
}
