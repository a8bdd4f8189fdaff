/**
 * What both stage pages show about a StageClient: connection state (#conn-state, `data-state`), publisher and viewer
 * counts (#count-publishers, #count-viewers), how long it has been connected (a duration element), and every state
 * change, count change, error and driver diagnostic in the event log. Errors that end or interrupt the connection
 * go to the page's alert box.
 */
import { onLangChange, t, type MessageId } from '../i18n/index.js';
import { StageClientEvent, type StageClient, type StageCounts } from '../stage/client.js';
import { ConnectionState } from '../stage/connection-state.js';
import { byId } from './dom.js';
import type { ErrorBox } from './errors.js';
import type { EventLogView } from './event-log.js';
import { formatDuration } from './format.js';

export class StageStatusView {
  private readonly conn = byId('conn-state', HTMLElement);
  private readonly publishers = byId('count-publishers', HTMLElement);
  private readonly viewers = byId('count-viewers', HTMLElement);
  private state: ConnectionState = ConnectionState.Idle;
  private connectedSince: number | null = null;
  private reconnectAttempts = 0;
  private unbind: Array<() => void> = [];

  constructor(
    private readonly duration: HTMLElement,
    private readonly log: EventLogView,
    private readonly errors: ErrorBox,
  ) {
    onLangChange(() => this.renderState());
    setInterval(() => this.renderDuration(), 1_000);
    this.renderState();
    this.renderCounts({ publishers: 0, subscribers: null });
  }

  /** Follows `client` until the next bind/unbind. */
  bind(client: StageClient): void {
    this.unbindAll();
    this.reconnectAttempts = 0;
    this.unbind = [
      client.on(StageClientEvent.ConnectionStateChanged, (change) => {
        if (change.state === ConnectionState.Reconnecting) this.reconnectAttempts++;
        if (change.state === ConnectionState.Connected && change.previous === ConnectionState.Connecting) {
          this.connectedSince = Date.now();
        }
        if (change.state === ConnectionState.Connected) {
          // Reconnected: the network error shown while reconnecting no longer applies.
          if (this.errors.reason === 'networkLost') this.errors.clear();
          this.reconnectAttempts = 0;
        }
        if (change.state === ConnectionState.Disconnected || change.state === ConnectionState.Failed) {
          this.connectedSince = null;
        }
        this.state = change.state;
        this.renderState();
        this.renderDuration();
        const level = change.state === ConnectionState.Failed ? 'error' : change.error ? 'warn' : 'info';
        // The state id, not its translation: the entry then reads the same after a language switch.
        this.log.info('stage', 'log.stateChanged', { state: `@state.${change.state}` }, level);
        if (change.error) {
          this.errors.show(change.error);
          this.log.failure(level, 'stage', change.error);
        }
      }),
      client.on(StageClientEvent.CountsChanged, (counts) => {
        this.renderCounts(counts);
        this.log.info('stage', 'log.counts', { publishers: counts.publishers, viewers: counts.subscribers ?? '—' });
      }),
      client.on(StageClientEvent.Error, (error) => {
        this.errors.show(error);
        this.log.failure('warn', 'stage', error);
      }),
      client.on(StageClientEvent.Log, (entry) => this.log.info('stage', entry.id, entry.params, entry.level)),
    ];
    this.state = client.state;
    this.renderState();
    this.renderCounts(client.counts);
  }

  unbindAll(): void {
    for (const off of this.unbind) off();
    this.unbind = [];
  }

  /** Seconds connected so far (0 when not connected). */
  get connectedSeconds(): number {
    return this.connectedSince === null ? 0 : (Date.now() - this.connectedSince) / 1000;
  }

  private renderState(): void {
    this.conn.dataset['state'] = this.state;
    const suffix = this.state === ConnectionState.Reconnecting && this.reconnectAttempts > 1
      ? t('status.reconnectIn', { attempt: this.reconnectAttempts })
      : '';
    this.conn.textContent = t(stateMessage(this.state)) + suffix;
  }

  private renderCounts(counts: StageCounts): void {
    this.publishers.textContent = String(counts.publishers);
    this.viewers.textContent = counts.subscribers === null ? '—' : String(counts.subscribers);
  }

  /** Counts while connected (and reconnecting); keeps the last value after leaving, restarts at the next join. */
  private renderDuration(): void {
    if (this.connectedSince !== null) this.duration.textContent = formatDuration(this.connectedSeconds);
    else if (this.state === ConnectionState.Connecting) this.duration.textContent = formatDuration(0);
  }
}

function stateMessage(state: ConnectionState): MessageId {
  return `state.${state}`;
}
