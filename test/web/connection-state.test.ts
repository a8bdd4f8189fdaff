import { describe, expect, it } from '@jest/globals';
import {
  ConnectionState,
  ConnectionStateMachine,
  IllegalTransitionError,
  canTransition,
  type StateChange,
} from '../../web/src/stage/connection-state.js';
import { StageError } from '../../web/src/stage/errors.js';

const S = ConnectionState;
const ALL = Object.values(ConnectionState);

/** The intended machine, written out pair by pair (independently of the table in the module). */
const LEGAL = new Set<string>([
  `${S.Idle}>${S.Connecting}`,
  `${S.Connecting}>${S.Connected}`,
  `${S.Connecting}>${S.Failed}`,
  `${S.Connecting}>${S.Disconnected}`,
  `${S.Connected}>${S.Reconnecting}`,
  `${S.Connected}>${S.Disconnected}`,
  `${S.Connected}>${S.Failed}`,
  `${S.Reconnecting}>${S.Connected}`,
  `${S.Reconnecting}>${S.Failed}`,
  `${S.Reconnecting}>${S.Disconnected}`,
  `${S.Disconnected}>${S.Connecting}`,
  `${S.Failed}>${S.Connecting}`,
]);

/** Shortest legal path from Idle to each state. */
const PATH: Record<ConnectionState, ConnectionState[]> = {
  [S.Idle]: [],
  [S.Connecting]: [S.Connecting],
  [S.Connected]: [S.Connecting, S.Connected],
  [S.Reconnecting]: [S.Connecting, S.Connected, S.Reconnecting],
  [S.Disconnected]: [S.Connecting, S.Disconnected],
  [S.Failed]: [S.Connecting, S.Failed],
};

function machineIn(state: ConnectionState): { machine: ConnectionStateMachine; changes: StateChange[]; lines: string[] } {
  const changes: StateChange[] = [];
  const lines: string[] = [];
  const machine = new ConnectionStateMachine((c) => changes.push(c), (l) => lines.push(l));
  for (const step of PATH[state]) machine.transition(step);
  changes.length = 0;
  lines.length = 0;
  return { machine, changes, lines };
}

describe('ConnectionStateMachine', () => {
  it('starts Idle', () => {
    expect(new ConnectionStateMachine(() => undefined).state).toBe(S.Idle);
  });

  const pairs = ALL.flatMap((from) => ALL.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs.filter(([f, t]) => LEGAL.has(`${f}>${t}`)))('allows %s -> %s, logging and notifying once', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    const { machine, changes, lines } = machineIn(from);
    expect(machine.transition(to)).toBe(true);
    expect(machine.state).toBe(to);
    expect(changes).toEqual([{ previous: from, state: to }]);
    expect(lines).toEqual([`${from} -> ${to}`]);
  });

  it.each(pairs.filter(([f, t]) => !LEGAL.has(`${f}>${t}`)))('forbids %s -> %s without changing state', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    const { machine, changes, lines } = machineIn(from);
    let thrown: unknown;
    try {
      machine.transition(to);
    } catch (err: unknown) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    expect((thrown as IllegalTransitionError).from).toBe(from);
    expect((thrown as IllegalTransitionError).to).toBe(to);
    expect((thrown as Error).message).toBe(`illegal connection state transition ${from} -> ${to}`);
    expect(machine.state).toBe(from);
    expect(changes).toEqual([]);
    expect(lines).toEqual([]);
  });

  it.each(ALL)('treats %s -> itself as a no-op (no event, no log)', (state) => {
    const { machine, changes, lines } = machineIn(state);
    expect(machine.transition(state)).toBe(false);
    expect(machine.state).toBe(state);
    expect(changes).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('carries the error that caused a change, and names its reason in the log', () => {
    const { machine, changes, lines } = machineIn(S.Connected);
    const lost = StageError.networkLost('socket closed');
    machine.transition(S.Reconnecting, lost);
    expect(changes).toEqual([{ previous: S.Connected, state: S.Reconnecting, error: lost }]);
    expect(lines).toEqual(['connected -> reconnecting (networkLost)']);
  });

  it('can rejoin after leaving or failing (a full session twice)', () => {
    const { machine, changes } = machineIn(S.Idle);
    for (const s of [S.Connecting, S.Connected, S.Disconnected, S.Connecting, S.Failed, S.Connecting, S.Connected]) {
      machine.transition(s);
    }
    expect(changes.map((c) => c.state)).toEqual([
      S.Connecting, S.Connected, S.Disconnected, S.Connecting, S.Failed, S.Connecting, S.Connected,
    ]);
    expect(changes.every((c, i) => i === 0 || c.previous === changes[i - 1]?.state)).toBe(true);
  });
});
