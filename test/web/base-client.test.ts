/**
 * The shared half of both drivers (state machine + reconnect loop + participant table), driven through a fake
 * transport: what connect() does is scripted per test. Delays are 0 ms so nothing waits on a clock.
 */
import { describe, expect, it } from '@jest/globals';
import { BaseStageClient, type DriverOptions } from '../../web/src/stage/base-client.js';
import {
  StageClientEvent,
  type JoinOptions,
  type MuteState,
  type RemoteParticipant,
  type StageClientEventMap,
} from '../../web/src/stage/client.js';
import { ConnectionState } from '../../web/src/stage/connection-state.js';
import { StageError } from '../../web/src/stage/errors.js';
import { BackoffReconnectPolicy, NO_RECONNECT, type ReconnectContext } from '../../web/src/stage/reconnect.js';
import type { StatsSample } from '../../web/src/stage/stats-sample.js';
import { decodeToken, type ParticipantToken } from '../../web/src/token/participant-token.js';
import { claims, jwt } from './helpers/tokens.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const token = (minutes = 60): ParticipantToken => decodeToken(jwt(claims({ durationMinutes: minutes })));

type Step = () => Promise<void>;

class FakeClient extends BaseStageClient {
  readonly driver = 'sandbox' as const;
  /** Each connect() takes the next step (default: succeed). */
  readonly steps: Step[] = [];
  connects = 0;
  disconnects = 0;
  applied: MuteState[] = [];

  protected async connect(_options: JoinOptions): Promise<void> {
    this.connects++;
    const step = this.steps.shift();
    if (step) await step();
  }

  protected async disconnect(): Promise<void> {
    this.disconnects++;
  }

  protected async applyMute(mute: MuteState): Promise<void> {
    this.applied.push(mute);
  }

  async collectStats(): Promise<StatsSample> {
    return { at: 0, streams: [] };
  }

  layerCalls: [string, string][] = [];
  protected async applyPreferredLayer(participantId: string, choice: string): Promise<void> {
    this.layerCalls.push([participantId, choice]);
  }
  choiceOf(participantId: string): string | undefined {
    return this.layerChoices.get(participantId);
  }

  // The transport's callbacks, made callable from the tests.
  lose(error: StageError): void {
    this.connectionLost(error);
  }
  kick(error: StageError): void {
    this.endedByServer(error);
  }
  sdkReconnecting(): void {
    this.transportReconnecting(StageError.networkLost('sdk'));
  }
  sdkReconnected(): void {
    this.transportReconnected();
  }
  upsert(p: RemoteParticipant): void {
    this.upsertParticipant(p);
  }
  patch(id: string, patch: Partial<Omit<RemoteParticipant, 'id'>>): void {
    this.patchParticipant(id, patch);
  }
  remove(id: string): void {
    this.removeParticipant(id);
  }
  count(publishers: number, subscribers: number | null): void {
    this.setCounts({ publishers, subscribers });
  }
}

function record<E extends StageClientEvent>(client: FakeClient, event: E): StageClientEventMap[E][] {
  const got: StageClientEventMap[E][] = [];
  client.on(event, (p) => got.push(p));
  return got;
}

function fresh(options: DriverOptions = {}, t = token()): FakeClient {
  return new FakeClient(t, { now: () => NOW + 1_000, reconnectPolicy: new BackoffReconnectPolicy({ delaysMs: [0], random: () => 0.5 }), ...options });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

const subscribeOnly: JoinOptions = { subscribe: true };
const bob: RemoteParticipant = {
  id: 'p-bob',
  userId: 'bob',
  attributes: {},
  published: true,
  audioMuted: false,
  videoMuted: false,
  stream: null,
};

describe('BaseStageClient join and leave', () => {
  it('goes Idle -> Connecting -> Connected, then Disconnected on leave', async () => {
    const client = fresh();
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    expect(client.state).toBe(ConnectionState.Idle);
    await client.join(subscribeOnly);
    expect(client.state).toBe(ConnectionState.Connected);
    await client.leave();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'disconnected']);
    expect(client.disconnects).toBeGreaterThanOrEqual(1);
  });

  it('refuses an expired token before touching the network', async () => {
    const client = fresh({ now: () => NOW + 61 * 60_000 });
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await expect(client.join(subscribeOnly)).rejects.toMatchObject({ reason: 'tokenExpired' });
    expect(client.connects).toBe(0);
    expect(client.state).toBe(ConnectionState.Failed);
    expect(states.at(-1)?.error?.reason).toBe('tokenExpired');
  });

  it('fails with the typed error connect() threw, cleaning up, and can join again', async () => {
    const client = fresh();
    client.steps.push(async () => {
      throw StageError.stageFull();
    });
    await expect(client.join(subscribeOnly)).rejects.toMatchObject({ reason: 'stageFull' });
    expect(client.state).toBe(ConnectionState.Failed);
    expect(client.disconnects).toBe(1);
    await client.join(subscribeOnly);
    expect(client.state).toBe(ConnectionState.Connected);
  });

  it('turns a non-StageError thrown by a transport into a typed unknown error', async () => {
    const client = fresh();
    client.steps.push(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(client.join(subscribeOnly)).rejects.toMatchObject({ name: 'StageError', reason: 'unknown' });
  });

  it('refuses join() while already active', async () => {
    const client = fresh();
    await client.join(subscribeOnly);
    await expect(client.join(subscribeOnly)).rejects.toThrow(/while connected/);
  });

  it('leave() during a slow connect ends Disconnected and undoes the connect', async () => {
    const client = fresh();
    let release: () => void = () => undefined;
    client.steps.push(() => new Promise<void>((r) => (release = r)));
    const joining = client.join(subscribeOnly);
    await until(() => client.connects === 1);
    await client.leave();
    release();
    await joining;
    expect(client.state).toBe(ConnectionState.Disconnected);
    expect(client.disconnects).toBeGreaterThanOrEqual(2);
  });

  it('leave() is safe in any state', async () => {
    const client = fresh();
    await client.leave();
    expect(client.state).toBe(ConnectionState.Idle);
  });
});

describe('BaseStageClient reconnect', () => {
  it('reconnects after a lost network: Connected -> Reconnecting -> Connected', async () => {
    const client = fresh();
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await client.join(subscribeOnly);
    client.lose(StageError.networkLost('ws closed'));
    expect(client.state).toBe(ConnectionState.Reconnecting);
    await until(() => client.state === ConnectionState.Connected);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(states[2]?.error?.reason).toBe('networkLost');
    expect(client.connects).toBe(2);
  });

  it('keeps trying through failed attempts, asking the policy each time with the latest error', async () => {
    const seen: ReconnectContext[] = [];
    const client = fresh({
      reconnectPolicy: {
        nextRetryDelayInMs: (ctx) => {
          seen.push(ctx);
          return 0;
        },
      },
    });
    await client.join(subscribeOnly);
    client.steps.push(
      async () => {
        throw StageError.networkLost('refused');
      },
      async () => {
        throw StageError.tokenInUse();
      },
    );
    client.lose(StageError.networkLost('ws closed'));
    await until(() => client.state === ConnectionState.Connected);
    expect(seen.map((c) => [c.attempt, c.error.reason])).toEqual([
      [1, 'networkLost'],
      [2, 'networkLost'],
      [3, 'tokenInUse'],
    ]);
    expect(client.connects).toBe(4);
  });

  it('gives up when the policy says so: Failed with the last error, participants cleared', async () => {
    const client = fresh({ reconnectPolicy: NO_RECONNECT });
    const left = record(client, StageClientEvent.ParticipantLeft);
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await client.join(subscribeOnly);
    client.upsert(bob);
    client.lose(StageError.networkLost('ws closed'));
    await until(() => client.state === ConnectionState.Failed);
    expect(states.at(-1)).toMatchObject({ previous: 'reconnecting', state: 'failed', error: { reason: 'networkLost' } });
    expect(left).toEqual([{ participantId: 'p-bob', userId: 'bob' }]);
    expect(client.participants()).toEqual([]);
  });

  it('stops at once, Failed, when the token expires while reconnecting', async () => {
    let now = NOW + 1_000;
    const client = fresh({ now: () => now });
    await client.join(subscribeOnly);
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    now = NOW + 61 * 60_000;
    client.lose(StageError.networkLost('ws closed'));
    await until(() => client.state === ConnectionState.Failed);
    expect(client.connects).toBe(1);
    // Its own message: not "network lost, will reconnect", not the join-time "expired".
    expect(states.at(-1)?.error?.reason).toBe('tokenExpiredAtReconnect');
  });

  it('does not retry a request refused by CORS or a blocked private-network request', async () => {
    for (const kind of ['cors', 'privateNetwork'] as const) {
      const client = fresh();
      await client.join(subscribeOnly);
      client.lose(StageError.fromUnreachable({ kind, server: 'http://127.0.0.1:8080', page: 'https://you.github.io' }, 'subscribe'));
      expect(client.state).toBe(ConnectionState.Failed);
      expect(client.connects).toBe(1);
    }
  });

  it('does not retry an error no reconnect can cure', async () => {
    const client = fresh();
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await client.join(subscribeOnly);
    client.lose(StageError.tokenRejected('revoked'));
    expect(client.state).toBe(ConnectionState.Failed);
    expect(states.at(-1)).toMatchObject({ previous: 'connected', state: 'failed', error: { reason: 'tokenRejected' } });
    expect(client.connects).toBe(1);
  });

  it('leave() while reconnecting ends Disconnected and makes no further attempt', async () => {
    const client = fresh({ reconnectPolicy: new BackoffReconnectPolicy({ delaysMs: [60_000], random: () => 0.5 }) });
    await client.join(subscribeOnly);
    client.lose(StageError.networkLost('ws closed'));
    expect(client.state).toBe(ConnectionState.Reconnecting);
    await client.leave();
    expect(client.state).toBe(ConnectionState.Disconnected);
    await new Promise((r) => setImmediate(r));
    expect(client.connects).toBe(1);
  });

  it('mirrors a transport that recovers by itself (the IVS SDK) without starting its own loop', async () => {
    const client = fresh();
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await client.join(subscribeOnly);
    client.sdkReconnecting();
    expect(client.state).toBe(ConnectionState.Reconnecting);
    client.sdkReconnected();
    expect(client.state).toBe(ConnectionState.Connected);
    expect(client.connects).toBe(1);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('a server kick ends the session as Disconnected with the reason', async () => {
    const client = fresh();
    const states = record(client, StageClientEvent.ConnectionStateChanged);
    await client.join(subscribeOnly);
    client.kick(StageError.disconnectedByServer('disconnectedByApi'));
    expect(states.at(-1)).toMatchObject({ state: 'disconnected', error: { reason: 'disconnectedByServer' } });
    client.kick(StageError.disconnectedByServer('again'));
    expect(states).toHaveLength(3);
  });
});

describe('BaseStageClient participants, counts and mute', () => {
  it('emits joined once, updated only on a real change, left once; never lists itself', async () => {
    const client = fresh();
    const joined = record(client, StageClientEvent.ParticipantJoined);
    const updated = record(client, StageClientEvent.ParticipantUpdated);
    const left = record(client, StageClientEvent.ParticipantLeft);
    await client.join(subscribeOnly);
    client.upsert(bob);
    client.upsert({ ...bob });
    client.patch('p-bob', { videoMuted: true });
    client.patch('p-unknown', { videoMuted: true });
    client.upsert({ ...bob, id: client.token.info.participantId, userId: 'me' });
    client.remove('p-bob');
    client.remove('p-bob');
    expect(joined.map((p) => p.userId)).toEqual(['bob']);
    expect(updated).toEqual([{ ...bob, videoMuted: true }]);
    expect(left).toEqual([{ participantId: 'p-bob', userId: 'bob' }]);
    expect(client.participants()).toEqual([]);
  });

  it('emits counts only when they change, and resets them on leave', async () => {
    const client = fresh();
    const counts = record(client, StageClientEvent.CountsChanged);
    await client.join(subscribeOnly);
    client.count(1, 2);
    client.count(1, 2);
    client.count(2, 2);
    await client.leave();
    expect(counts).toEqual([
      { publishers: 1, subscribers: 2 },
      { publishers: 2, subscribers: 2 },
      { publishers: 0, subscribers: 0 },
    ]);
    expect(client.counts).toEqual({ publishers: 0, subscribers: 0 });
  });

  it('setMuted merges partial changes, applies them to the transport and emits the new state', async () => {
    const client = fresh();
    const mutes = record(client, StageClientEvent.LocalMuteChanged);
    await client.setMuted({ video: true });
    await client.setMuted({ audio: true });
    await client.setMuted({ video: false });
    expect(client.applied).toEqual([
      { audio: false, video: true },
      { audio: true, video: true },
      { audio: true, video: false },
    ]);
    expect(mutes).toEqual(client.applied);
    expect(client.muted).toEqual({ audio: true, video: false });
  });

  it('logs every transition as old -> new', async () => {
    const client = fresh();
    const logs = record(client, StageClientEvent.Log);
    await client.join(subscribeOnly);
    await client.leave();
    // Catalogue ids and "@id" params: the page shows each line in its own language (web/src/ui/event-log.ts).
    expect(logs.filter((l) => l.id === 'log.driver.transition').map((l) => l.params)).toEqual([
      { from: '@state.idle', to: '@state.connecting' },
      { from: '@state.connecting', to: '@state.connected' },
      { from: '@state.connected', to: '@state.disconnected' },
    ]);
  });
});

describe('setPreferredLayer', () => {
  it('keeps a pinned choice per publisher, forgets it on auto, and tells the transport each time', async () => {
    const c = new FakeClient(token());
    await c.setPreferredLayer('pub-1', 'low');
    await c.setPreferredLayer('pub-2', 'high');
    expect([c.choiceOf('pub-1'), c.choiceOf('pub-2')]).toEqual(['low', 'high']);
    await c.setPreferredLayer('pub-1', 'auto');
    expect(c.choiceOf('pub-1')).toBeUndefined();
    expect(c.layerCalls).toEqual([
      ['pub-1', 'low'],
      ['pub-2', 'high'],
      ['pub-1', 'auto'],
    ]);
  });
});
