/**
 * A subscriber fleet worker (child process of bench/run.ts or bench/loadtest.ts): holds non-decoding subscribers,
 * ramps new ones on request, and reports join time, first packet, packets and loss. Bounded: every subscriber has a
 * join timeout, and the worker exits when told to stop or when its parent goes away.
 */
import { ramp } from './lib/rate.js';
import { FleetConfig, ToWorker, type FleetStats, type FromWorker } from './lib/fleet-protocol.js';
import type { LoadSubscriber } from './lib/schema.js';
import { sandboxIvsClient, participantToken } from './lib/ivs.js';
import { joinSubscriber, type SubscriberHandle } from './fleet/media.js';

interface Entry {
  readonly index: number;
  readonly startedAtMs: number;
  handle: SubscriberHandle | null;
  error: string | null;
  settled: boolean;
}

const send = (m: FromWorker): void => {
  process.send?.(m);
};

let config: FleetConfig | null = null;
const entries: Entry[] = [];
let nextIndex = 0;
let stopping = false;

function stats(): FleetStats {
  let connected = 0;
  let failed = 0;
  let pending = 0;
  let packets = 0;
  let lost = 0;
  for (const e of entries) {
    if (e.handle) {
      packets += e.handle.packets();
      lost += e.handle.lost();
      if (e.handle.broken()) failed++;
      else connected++;
    } else if (e.settled) failed++;
    else pending++;
  }
  return { connected, failed, pending, packets, lost };
}

function report(): LoadSubscriber[] {
  return entries.map((e) => ({
    index: e.index,
    ok: e.handle !== null && !e.handle.broken(),
    startedAtMs: e.startedAtMs,
    joinMs: e.handle?.joinMs ?? null,
    firstPacketMs: e.handle?.firstPacketMs ?? null,
    packets: e.handle?.packets() ?? 0,
    lost: e.handle?.lost() ?? 0,
    error: e.handle?.broken() ? 'transport failed after joining' : e.error,
  }));
}

async function add(count: number, rampMs: number, maxInFlight: number, runOffsetMs: number): Promise<void> {
  const cfg = config;
  if (!cfg) throw new Error('config first');
  const client = sandboxIvsClient(cfg.sandboxUrl);
  const progress = setInterval(() => send({ type: 'progress', stats: stats() }), 500);
  try {
    await ramp({ total: count, durationMs: rampMs, maxInFlight }, async (i) => {
      if (stopping) return;
      const startedAtMs = runOffsetMs + (rampMs > 0 && count > 1 ? (i * rampMs) / (count - 1) : 0);
      const entry: Entry = { index: cfg.indexBase + nextIndex++, startedAtMs, handle: null, error: null, settled: false };
      entries.push(entry);
      try {
        const t = await participantToken(client, cfg.stageArn, ['SUBSCRIBE'], `fleet-${entry.index}`);
        entry.handle = await joinSubscriber({ whepUrl: cfg.whepUrl, token: t.token, audio: cfg.audio, timeoutMs: cfg.joinTimeoutMs });
      } catch (error) {
        entry.error = error instanceof Error ? error.message : String(error);
      } finally {
        entry.settled = true;
      }
    });
  } finally {
    clearInterval(progress);
  }
}

async function stop(): Promise<void> {
  stopping = true;
  // Close in small batches: hundreds of simultaneous DELETEs would just queue up in the server anyway.
  const handles = entries.map((e) => e.handle).filter((h): h is SubscriberHandle => h !== null);
  for (let i = 0; i < handles.length; i += 50) await Promise.all(handles.slice(i, i + 50).map((h) => h.close().catch(() => undefined)));
}

process.on('message', (raw) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) return;
  const m = parsed.data;
  void (async () => {
    try {
      switch (m.type) {
        case 'config':
          config = FleetConfig.parse(m.config);
          send({ type: 'ready', client: 'light subscriber (testkit/light/subscriber.ts)' });
          break;
        case 'add':
          await add(m.count, m.rampMs, m.maxInFlight, m.runOffsetMs);
          send({ type: 'added', stats: stats() });
          break;
        case 'stats':
          send({ type: 'stats', stats: stats() });
          break;
        case 'report':
          send({ type: 'report', subscribers: report() });
          break;
        case 'stop': {
          const hardStop = setTimeout(() => process.exit(0), 20_000);
          await stop();
          clearTimeout(hardStop);
          send({ type: 'stopped' });
          // Give the IPC message time to flush, then go: werift keeps sockets and timers alive otherwise.
          setTimeout(() => process.exit(0), 100);
          break;
        }
      }
    } catch (error) {
      send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});

// Never outlive the parent.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
