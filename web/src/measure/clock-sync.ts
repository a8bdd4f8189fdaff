/**
 * NTP-style clock offset against the token API's GET /time, for when the broadcaster and the viewer run on different
 * machines: each stamps and reads frames with `Date.now() + offsetMs`, so both sit on the server's clock.
 *
 * One sample: t0 = local send, server answers with its clock s, t1 = local receive. Assuming the server read its clock
 * halfway through the round trip, offset = s - (t0 + t1) / 2, and the true offset lies within ± rtt / 2 of it (the
 * server read its clock somewhere inside [t0, t1]). Of several samples the one with the smallest round trip has the
 * tightest bound, so it wins (as NTP's clock filter does).
 */
import { TimeResponse } from '../../../contracts/token-api.js';

export interface ClockSample {
  /** Local wall clock (ms) when the request left. */
  readonly t0: number;
  /** Server clock (ms) from the response. */
  readonly server: number;
  /** Local wall clock (ms) when the response arrived. */
  readonly t1: number;
}

export interface ClockEstimate {
  /** Add to the local clock to get the server's clock. */
  readonly offsetMs: number;
  /** Half the best round trip: the true offset lies within offsetMs ± errorMs. */
  readonly errorMs: number;
  readonly rttMs: number;
  /** How many samples were usable. */
  readonly samples: number;
}

/** Offset and error of one sample; null for a sample whose clock ran backwards (t1 < t0). */
export function sampleOffset(s: ClockSample): { offsetMs: number; rttMs: number } | null {
  const rttMs = s.t1 - s.t0;
  if (!(rttMs >= 0) || !Number.isFinite(s.server)) return null;
  return { offsetMs: s.server - (s.t0 + s.t1) / 2, rttMs };
}

/** The min-RTT sample's offset, with ± rtt/2 as the error; null when no sample is usable. */
export function estimateOffset(samples: readonly ClockSample[]): ClockEstimate | null {
  let best: { offsetMs: number; rttMs: number } | null = null;
  let usable = 0;
  for (const s of samples) {
    const o = sampleOffset(s);
    if (!o) continue;
    usable++;
    if (!best || o.rttMs < best.rttMs) best = o;
  }
  if (!best) return null;
  return { offsetMs: best.offsetMs, errorMs: best.rttMs / 2, rttMs: best.rttMs, samples: usable };
}

export type FetchLike = (url: string, init?: { cache?: RequestCache }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface SyncOptions {
  /** Token API base URL without trailing slash (SiteConfig.apiUrl). */
  readonly apiUrl: string;
  /** Number of round trips to make (default 8). */
  readonly count?: number;
  readonly fetch?: FetchLike;
  /** Local wall clock, default Date.now; must be the clock that will be corrected. */
  readonly now?: () => number;
}

export class ClockSyncError extends Error {
  override readonly name = 'ClockSyncError';
}

/**
 * Makes `count` sequential GET {apiUrl}/time requests and estimates the offset. Failed or malformed responses are
 * skipped; throws ClockSyncError only when none was usable, with what went wrong in the message.
 */
export async function syncClock(opts: SyncOptions): Promise<ClockEstimate> {
  const fetchFn: FetchLike = opts.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const now = opts.now ?? Date.now;
  const count = opts.count ?? 8;
  const url = `${opts.apiUrl.replace(/\/+$/, '')}/time`;
  const samples: ClockSample[] = [];
  let lastProblem = 'no request made';
  for (let i = 0; i < count; i++) {
    try {
      const t0 = now();
      const res = await fetchFn(url, { cache: 'no-store' });
      const t1 = now();
      if (!res.ok) {
        lastProblem = `GET ${url} answered ${res.status}`;
        continue;
      }
      const body = TimeResponse.safeParse(await res.json());
      if (!body.success) {
        lastProblem = `GET ${url} did not return {epochMs}`;
        continue;
      }
      samples.push({ t0, server: body.data.epochMs, t1 });
    } catch (err: unknown) {
      lastProblem = `GET ${url} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const estimate = estimateOffset(samples);
  if (!estimate) throw new ClockSyncError(lastProblem);
  return estimate;
}

/** A clock on the server's time scale. */
export function syncedNow(estimate: Pick<ClockEstimate, 'offsetMs'> | null, now: () => number = Date.now): () => number {
  const offset = estimate?.offsetMs ?? 0;
  return () => now() + offset;
}
