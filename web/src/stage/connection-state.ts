/**
 * The one connection state machine of a StageClient. Every transition goes through `transition()`, which checks
 * it against the table, logs `old -> new` and notifies once; a transition to the current state is a no-op.
 */
import type { StageError } from './errors.js';

export enum ConnectionState {
  /** Created, never joined. */
  Idle = 'idle',
  Connecting = 'connecting',
  Connected = 'connected',
  /** Lost the connection; the reconnect policy is trying again. */
  Reconnecting = 'reconnecting',
  /** Left on purpose, or ended by the server (the change carries the reason). */
  Disconnected = 'disconnected',
  /** Could not join, or reconnecting gave up (the change carries the error). */
  Failed = 'failed',
}

const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  [ConnectionState.Idle]: [ConnectionState.Connecting],
  [ConnectionState.Connecting]: [ConnectionState.Connected, ConnectionState.Failed, ConnectionState.Disconnected],
  [ConnectionState.Connected]: [ConnectionState.Reconnecting, ConnectionState.Disconnected, ConnectionState.Failed],
  [ConnectionState.Reconnecting]: [ConnectionState.Connected, ConnectionState.Failed, ConnectionState.Disconnected],
  [ConnectionState.Disconnected]: [ConnectionState.Connecting],
  [ConnectionState.Failed]: [ConnectionState.Connecting],
};

export interface StateChange {
  readonly previous: ConnectionState;
  readonly state: ConnectionState;
  /** Why the connection ended or is being re-established. */
  readonly error?: StageError;
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: ConnectionState,
    readonly to: ConnectionState,
  ) {
    super(`illegal connection state transition ${from} -> ${to}`);
  }
}

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class ConnectionStateMachine {
  private current = ConnectionState.Idle;

  constructor(
    private readonly onChange: (change: StateChange) => void,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Moves to `next`. Returns false (and does nothing) when already there; throws on a transition the table forbids. */
  transition(next: ConnectionState, error?: StageError): boolean {
    const previous = this.current;
    if (previous === next) return false;
    if (!canTransition(previous, next)) throw new IllegalTransitionError(previous, next);
    this.current = next;
    this.log(`${previous} -> ${next}${error ? ` (${error.reason})` : ''}`);
    this.onChange(error ? { previous, state: next, error } : { previous, state: next });
    return true;
  }
}
