/**
 * GET /stage: stage name, active session and participant counts, read from IVS at most once per `ttlMs` per warm
 * container (concurrent callers share one read), so a thousand polling viewers never push past IVS's control-plane
 * TPS quotas. When IVS throttles, the last known counts are served marked `stale` instead of an error.
 */
import { GetStageCommand, ListParticipantsCommand, type IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { StageSummary } from '../../contracts/token-api.js';
import { mapAwsError } from './core.js';
import { stageIdFromArn } from '../../contracts/ids.js';

const STAGE_CACHE_TTL_MS = 5_000;
/** ListParticipants pages of 100: enough for IVS's largest stages, and a bound if a nextToken ever repeats. */
const MAX_PAGES = 300;

export interface StageReaderOptions {
  readonly ivs: IVSRealTimeClient;
  readonly stageArn: string;
  readonly now: () => number;
  /** @default STAGE_CACHE_TTL_MS */
  readonly ttlMs?: number;
}

export interface StageReader {
  read(): Promise<StageSummary>;
}

export function createStageReader(opts: StageReaderOptions): StageReader {
  const ttlMs = Math.min(opts.ttlMs ?? STAGE_CACHE_TTL_MS, STAGE_CACHE_TTL_MS);
  let cached: { value: StageSummary; fetchedAtMs: number } | undefined;
  let inflight: Promise<StageSummary> | undefined;

  const fetchSummary = async (): Promise<StageSummary> => {
    const { ivs, stageArn } = opts;
    const stage = (await ivs.send(new GetStageCommand({ arn: stageArn }))).stage;
    const sessionId = stage?.activeSessionId ? stage.activeSessionId : null;
    let publishers = 0;
    let subscribers = 0;
    if (sessionId !== null) {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await ivs.send(
          new ListParticipantsCommand({ stageArn, sessionId, filterByState: 'CONNECTED', maxResults: 100, nextToken }),
        );
        for (const p of page.participants ?? []) {
          if (p.published === true) publishers++;
          else subscribers++;
        }
        nextToken = page.nextToken ? page.nextToken : undefined;
      } while (nextToken !== undefined && ++pages < MAX_PAGES);
    }
    return {
      name: stage?.name ? stage.name : stageIdFromArn(stageArn),
      arn: stage?.arn ?? stageArn,
      activeSessionId: sessionId,
      publishers,
      subscribers,
      updatedAt: new Date(opts.now()).toISOString(),
      stale: false,
    };
  };

  const refresh = async (): Promise<StageSummary> => {
    try {
      const value = await fetchSummary();
      cached = { value, fetchedAtMs: opts.now() };
      return value;
    } catch (err: unknown) {
      const mapped = mapAwsError(err);
      if (mapped.code === 'THROTTLED' && cached !== undefined) {
        // Serve the last counts for another TTL instead of retrying on every request while IVS is throttling us.
        cached = { value: { ...cached.value, stale: true }, fetchedAtMs: opts.now() };
        return cached.value;
      }
      throw mapped;
    }
  };

  return {
    read() {
      if (cached !== undefined && opts.now() - cached.fetchedAtMs < ttlMs) return Promise.resolve(cached.value);
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
  };
}
