/**
 * One /events WebSocket: hello (token) first, then mute/ping until it closes. What a join means is the hub's
 * (hub.ts); this file owns the handshake, sending with a bound on buffering, and the heartbeat.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { SandboxError } from '../errors.js';
import type { VerifiedParticipant } from '../media/types.js';
import { ClientMessage, type ServerEvent, WS_CLOSE } from '../../../contracts/sandbox-protocol.js';

/** A page that reads slower than this many buffered bytes is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventsConnection {
  readonly socket: WebSocket;
  alive: boolean;
}

/** A message after the join. */
export type JoinedMessage = Exclude<ClientMessage, { type: 'hello' }>;

export interface ConnectionHandlers<Joined> {
  readonly helloTimeoutMs: number;
  readonly log: FastifyBaseLogger;
  verify(token: string): Promise<VerifiedParticipant>;
  join(connection: EventsConnection, verified: VerifiedParticipant): Joined | SandboxError;
  message(joined: Joined, connection: EventsConnection, message: JoinedMessage): void;
  closed(connection: EventsConnection, joined: Joined | undefined): void;
}

const closeCodeFor = (status: number): number =>
  status === 401 ? WS_CLOSE.unauthorized : status === 404 ? WS_CLOSE.notFound : status === 409 ? WS_CLOSE.tokenInUse : WS_CLOSE.forbidden;

export function sendEvent(connection: EventsConnection, event: ServerEvent): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.terminate();
    return;
  }
  socket.send(JSON.stringify(event));
}

/** Drops connections that missed the previous ping (a vanished phone must not hold its join forever). */
export function sweepConnections(connections: Iterable<EventsConnection>): void {
  for (const connection of connections) {
    if (!connection.alive) {
      connection.socket.terminate();
      continue;
    }
    connection.alive = false;
    try {
      connection.socket.ping();
    } catch {
      connection.socket.terminate();
    }
  }
}

/** Runs one /events connection through the handlers. */
export function serveConnection<Joined>(socket: WebSocket, h: ConnectionHandlers<Joined>): void {
  const connection: EventsConnection = { socket, alive: true };
  let joined: Joined | undefined;
  let state: 'awaitingHello' | 'verifying' | 'joined' | 'closed' = 'awaitingHello';

  const helloTimer = setTimeout(() => {
    if (state !== 'awaitingHello') return;
    sendEvent(connection, { type: 'error', code: 'TOKEN_MISSING', message: 'send {"type":"hello","token":"..."} first' });
    socket.close(WS_CLOSE.helloTimeout, 'hello timeout');
  }, h.helloTimeoutMs);

  const reject = (err: SandboxError): void => {
    sendEvent(connection, { type: 'error', code: err.code, message: err.message });
    socket.close(closeCodeFor(err.status), err.code);
  };

  socket.on('pong', () => {
    connection.alive = true;
  });

  socket.on('message', (data, isBinary) => {
    let message: ClientMessage;
    try {
      const parsed = ClientMessage.safeParse(isBinary ? undefined : JSON.parse(data.toString()));
      if (!parsed.success) throw new Error('invalid message');
      message = parsed.data;
    } catch {
      if (state === 'awaitingHello') {
        clearTimeout(helloTimer);
        state = 'closed';
        reject(new SandboxError(401, 'TOKEN_MISSING', 'the first message must be {"type":"hello","token":"<participant token>"}'));
      }
      // After the join, a malformed message is ignored: one bad frame should not drop a live participant.
      return;
    }

    if (state === 'awaitingHello') {
      if (message.type !== 'hello') {
        clearTimeout(helloTimer);
        state = 'closed';
        reject(new SandboxError(401, 'TOKEN_MISSING', 'the first message must be {"type":"hello","token":"<participant token>"}'));
        return;
      }
      clearTimeout(helloTimer);
      state = 'verifying';
      h.verify(message.token).then(
        (verified) => {
          if (state !== 'verifying' || socket.readyState !== socket.OPEN) return;
          const result = h.join(connection, verified);
          if (result instanceof SandboxError) {
            state = 'closed';
            reject(result);
            return;
          }
          joined = result;
          state = 'joined';
        },
        (err: unknown) => {
          if (state !== 'verifying') return;
          state = 'closed';
          if (err instanceof SandboxError) reject(err);
          else {
            h.log.error({ err }, 'token verification failed unexpectedly');
            socket.close(1011, 'internal error');
          }
        },
      );
      return;
    }

    if (state !== 'joined' || joined === undefined || message.type === 'hello') return;
    h.message(joined, connection, message);
  });

  socket.on('close', () => {
    clearTimeout(helloTimer);
    state = 'closed';
    h.closed(connection, joined);
  });
  socket.on('error', (err) => {
    h.log.debug({ err }, 'events socket error');
  });
}
