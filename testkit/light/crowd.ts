/**
 * A crowd of light subscribers on one stage: the worker-facing API of the load test. Whoever runs the crowd (this
 * machine's loadtest, a fleet task elsewhere) supplies tokens (already minted, or a function that mints one) and the
 * publisher to watch; the crowd joins them at a ramp rate, reports, and always leaves.
 *
 *   const crowd = await joinCrowd({ count: 200, rampPerSec: 50, token: (i) => mint(i), publisherId });
 *   crowd.stats();          // joined / failed / pending, packets, loss, bitrate
 *   crowd.report();         // one row per subscriber: join ms, first packet ms, packets, loss, error
 *   await crowd.close();    // DELETE every session and close every peer, whatever state it is in
 */
import type { RTCIceServer } from 'werift';
import { mediaUrlsOf } from './signal.js';
import { subscribeLight, type LightSubscriber } from './subscriber.js';

export interface CrowdOptions {
  readonly count: number;
  /** Subscribers started per second. */
  readonly rampPerSec: number;
  /** Joins in flight at most (default 64): the offer/answer + ICE + DTLS of each costs CPU here. */
  readonly maxInFlight?: number;
  /** Token of subscriber i (subscribe-only); called at its start, so minting can be paced by the ramp. */
  token(index: number): Promise<string>;
  /** Participant id of the publisher to subscribe to. */
  readonly publisherId: string;
  readonly audio?: boolean;
  readonly iceServers?: readonly RTCIceServer[];
  /** Per subscriber: answer and first packet by then (default 15000 ms). */
  readonly joinTimeoutMs?: number;
  /** Stop starting new subscribers (e.g. Ctrl-C); those joined stay until close(). */
  readonly signal?: AbortSignal;
}

export interface CrowdMember {
  readonly index: number;
  /** ms from the crowd's start. */
  readonly startedAtMs: number;
  readonly ok: boolean;
  readonly joinMs: number | null;
  readonly firstPacketMs: number | null;
  readonly packets: number;
  readonly bytes: number;
  readonly lost: number;
  readonly error: string | null;
}

export interface CrowdStats {
  readonly started: number;
  readonly receiving: number;
  readonly failed: number;
  readonly pending: number;
  readonly packets: number;
  readonly bytes: number;
  readonly lost: number;
}

export interface Crowd {
  stats(): CrowdStats;
  report(): CrowdMember[];
  /** Resolves when every subscriber has either joined or failed. */
  readonly settled: Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  readonly index: number;
  readonly startedAtMs: number;
  sub: LightSubscriber | null;
  error: string | null;
  settled: boolean;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function joinCrowd(o: CrowdOptions): Crowd {
  const t0 = performance.now();
  const entries: Entry[] = [];
  const maxInFlight = o.maxInFlight ?? 64;
  const joinTimeoutMs = o.joinTimeoutMs ?? 15_000;
  let closing = false;
  let inFlight = 0;
  const slotFreed: (() => void)[] = [];

  const one = async (index: number): Promise<void> => {
    const entry: Entry = { index, startedAtMs: performance.now() - t0, sub: null, error: null, settled: false };
    entries.push(entry);
    try {
      const token = await o.token(index);
      const url = mediaUrlsOf(token).subscribe(o.publisherId);
      const sub = await subscribeLight({
        url,
        token,
        audio: o.audio ?? true,
        timeoutMs: joinTimeoutMs,
        ...(o.iceServers ? { iceServers: o.iceServers } : {}),
      });
      entry.sub = sub;
      if (closing) return;
      await sub.waitForPackets(1, Math.max(1, joinTimeoutMs - (performance.now() - t0 - entry.startedAtMs)));
    } catch (error: unknown) {
      entry.error = errorText(error);
      // A failed peer left open keeps retrying ICE checks: close it now, it costs CPU the others need.
      await entry.sub?.close().catch(() => undefined);
    } finally {
      entry.settled = true;
    }
  };

  const settled = (async () => {
    const jobs: Promise<void>[] = [];
    const intervalMs = o.rampPerSec > 0 ? 1000 / o.rampPerSec : 0;
    for (let i = 0; i < o.count; i++) {
      if (closing || o.signal?.aborted) break;
      const due = t0 + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight >= maxInFlight) await new Promise<void>((r) => slotFreed.push(r));
      if (closing || o.signal?.aborted) break;
      inFlight++;
      jobs.push(
        one(i).finally(() => {
          inFlight--;
          slotFreed.shift()?.();
        }),
      );
    }
    await Promise.all(jobs);
  })();

  const memberOf = (e: Entry): CrowdMember => {
    const s = e.sub?.stats();
    const ok = e.sub !== null && e.error === null && !e.sub.broken() && (s?.packets ?? 0) > 0;
    return {
      index: e.index,
      startedAtMs: Math.round(e.startedAtMs),
      ok,
      joinMs: s?.joinMs ?? null,
      firstPacketMs: s?.firstPacketMs ?? null,
      packets: s?.packets ?? 0,
      bytes: s?.bytes ?? 0,
      lost: s?.lost ?? 0,
      error: e.error ?? (e.sub?.broken() ? 'the connection ended after joining' : null),
    };
  };

  return {
    settled,
    report: () => entries.map(memberOf),
    stats() {
      let receiving = 0;
      let failed = 0;
      let pending = 0;
      let packets = 0;
      let bytes = 0;
      let lost = 0;
      for (const e of entries) {
        if (e.sub) {
          packets += e.sub.packets();
          const s = e.sub.stats();
          bytes += s.bytes;
          lost += s.lost;
        }
        if (!e.settled) pending++;
        else if (e.sub && e.error === null && !e.sub.broken()) receiving++;
        else failed++;
      }
      return { started: entries.length, receiving, failed, pending, packets, bytes, lost };
    },
    async close() {
      closing = true;
      for (const r of slotFreed.splice(0)) r();
      // Wait for joins in flight: a session answered after close() began must be DELETEd too.
      await settled.catch(() => undefined);
      const subs = entries.map((e) => e.sub).filter((s): s is LightSubscriber => s !== null);
      for (let i = 0; i < subs.length; i += 50) await Promise.all(subs.slice(i, i + 50).map((s) => s.close().catch(() => undefined)));
    },
  };
}
