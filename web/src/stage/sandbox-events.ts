/**
 * The sandbox's event WebSocket for one connection attempt: hello with the token, wait for welcome, then participant
 * events, counts and application pings (contracts/sandbox-protocol.ts). The driver decides what a loss means.
 */
import {
  ServerEvent,
  WS_CLOSE,
  type ClientMessage,
  type DisconnectReason,
} from '../../../contracts/sandbox-protocol.js';
import type { MessageId, MessageParams } from '../i18n/index.js';
import { diagnoseUnreachable } from '../net/reachability.js';
import type { LogLevel } from './client.js';
import { StageError } from './errors.js';

export type Welcome = Extract<ServerEvent, { type: 'welcome' }>;

export interface EventsChannelHost {
  readonly eventsUrl: string;
  token(): string;
  now(): number;
  log(level: LogLevel, id: MessageId, params?: MessageParams): void;
  /** Before open() resolves. */
  onWelcome(welcome: Welcome): void;
  /** Every event after welcome. */
  onEvent(event: ServerEvent): void;
  /** The socket closed or went silent after welcome. */
  onLost(error: StageError): void;
}

export interface EventsChannelOptions {
  /** How long to wait for `welcome` after the socket opens. */
  readonly welcomeTimeoutMs: number;
  /** Application ping interval; a socket silent for three intervals counts as lost. */
  readonly pingIntervalMs: number;
}

export class EventsChannel {
  private ws: WebSocket | null = null;
  private closed = false;
  private lastMessageAt = 0;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: EventsChannelHost,
    private readonly options: EventsChannelOptions,
  ) {}

  /** Resolves on welcome; rejects with a StageError saying why the server refused or could not be reached. */
  open(): Promise<void> {
    const host = this.host;
    return new Promise((resolve, reject) => {
      let settled = false;
      let lastError: StageError | null = null;
      const fail = (error: StageError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(
        () => fail(StageError.networkLost('the events server did not answer hello')),
        this.options.welcomeTimeoutMs,
      );
      let ws: WebSocket;
      try {
        ws = new WebSocket(host.eventsUrl);
      } catch (cause: unknown) {
        fail(StageError.networkLost('cannot open the events socket', cause));
        return;
      }
      this.ws = ws;
      let opened = false;
      ws.addEventListener('open', () => {
        opened = true;
        host.log('debug', 'log.driver.eventsOpen');
        this.send({ type: 'hello', token: host.token() });
      });
      ws.addEventListener('message', (msg: MessageEvent) => {
        if (this.closed) return;
        this.lastMessageAt = host.now();
        const event = parseServerEvent(msg.data);
        if (!event) {
          host.log('warn', 'log.driver.eventsMalformed');
          return;
        }
        if (!settled) {
          if (event.type === 'welcome') {
            settled = true;
            clearTimeout(timer);
            host.onWelcome(event);
            this.lastMessageAt = host.now();
            this.pingTimer = setInterval(() => this.ping(), this.options.pingIntervalMs);
            resolve();
          } else if (event.type === 'error') {
            lastError = StageError.fromSandbox(event.code, event.message, 'events');
            fail(lastError);
          } else if (event.type === 'disconnected') {
            fail(disconnectError(event.reason, event.message));
          }
          return;
        }
        host.onEvent(event);
      });
      ws.addEventListener('close', (ev: CloseEvent) => {
        if (this.closed) return;
        // Refused before it opened (1006, no reason given to pages): find out why instead of calling it the network.
        if (!settled && !opened && lastError === null) {
          void diagnoseUnreachable(host.eventsUrl).then((why) => fail(StageError.fromUnreachable(why, 'events')));
          return;
        }
        const error = lastError ?? closeError(ev.code, ev.reason);
        if (!settled) fail(error);
        else host.onLost(error);
      });
    });
  }

  send(message: ClientMessage): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    const ws = this.ws;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'leave');
  }

  private ping(): void {
    if (this.closed) return;
    if (this.host.now() - this.lastMessageAt > this.options.pingIntervalMs * 3) {
      this.host.onLost(StageError.networkLost('the events socket went silent'));
      return;
    }
    this.send({ type: 'ping', t: this.host.now() });
  }
}

function parseServerEvent(data: unknown): ServerEvent | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerEvent.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function disconnectError(reason: DisconnectReason, message: string): StageError {
  switch (reason) {
    case 'disconnectedByApi':
      return StageError.disconnectedByServer(message);
    case 'stageDeleted':
      return StageError.stageNotFound(message);
    case 'tokenExpired':
      return StageError.fromSandbox('TOKEN_EXPIRED', message, 'events');
    case 'replaced':
      // Another tab joined with this token: reconnecting would only take it back from them.
      return StageError.disconnectedByServer(message);
    case 'serverShutdown':
      return StageError.networkLost(message);
  }
}

function closeError(code: number, reason: string): StageError {
  const detail = reason || `socket closed (${code})`;
  switch (code) {
    case WS_CLOSE.unauthorized:
      return StageError.tokenRejected(detail);
    case WS_CLOSE.forbidden:
      return StageError.tokenLacks('SUBSCRIBE');
    case WS_CLOSE.notFound:
      return StageError.stageNotFound(detail);
    case WS_CLOSE.tokenInUse:
      return StageError.tokenInUse();
    case WS_CLOSE.disconnected:
      return StageError.disconnectedByServer(detail);
    default:
      return StageError.networkLost(detail);
  }
}
