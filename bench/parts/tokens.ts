/**
 * Token issuance: self-signed minting and handler latency come from the token helper's bench/token-bench.ts (loaded
 * at run time and validated, so the bench still runs, and says so, when it is absent); the emulated
 * CreateParticipantToken path is measured here with the real AWS SDK client against the sandbox's emulator.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { CreateParticipantTokenCommand } from '@aws-sdk/client-ivs-realtime';
import { summarize, type Summary } from '../../web/src/measure/percentiles.js';

const TOKEN_BENCH_PATH = 'bench/token-bench.ts';

const TokenBenchResult = z.object({
  selfSignedPerSec: z.number().nonnegative(),
  handlerP99Ms: z.number().nonnegative(),
  handlerP50Ms: z.number().nonnegative(),
  /** Bare ES384 signatures per second on this core: the ceiling any handler can reach. */
  rawSignPerSec: z.number().nonnegative().optional(),
});
export type TokenBenchResult = z.infer<typeof TokenBenchResult>;

const TokenBenchModule = z.object({ benchTokens: z.function() });

/** Runs bench/token-bench.ts's benchTokens({seconds}); null (with the reason) when the module is not there. */
export async function runTokenBench(seconds: number, root = process.cwd()): Promise<{ result: TokenBenchResult } | { skipped: string }> {
  const file = resolve(root, TOKEN_BENCH_PATH);
  if (!existsSync(file)) return { skipped: `${TOKEN_BENCH_PATH} is not in the tree yet` };
  const mod: unknown = await import(pathToFileURL(file).href);
  const parsedModule = TokenBenchModule.safeParse(mod);
  if (!parsedModule.success) return { skipped: `${TOKEN_BENCH_PATH} does not export benchTokens()` };
  const benchTokens = (mod as { benchTokens: (o: { seconds: number }) => Promise<unknown> }).benchTokens;
  const parsed = TokenBenchResult.safeParse(await benchTokens({ seconds }));
  if (!parsed.success) return { skipped: `benchTokens() returned an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}` };
  return { result: parsed.data };
}

export interface EmulatedResult {
  readonly requests: number;
  readonly errors: number;
  readonly concurrency: number;
  readonly perSec: number;
  readonly latencyMs: Summary | null;
}

/** Closed loop: `concurrency` callers each send CreateParticipantToken back to back for `seconds`. */
export async function benchEmulatedTokens(client: IVSRealTimeClient, stageArn: string, seconds: number, concurrency: number): Promise<EmulatedResult> {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        await client.send(new CreateParticipantTokenCommand({ stageArn, capabilities: ['SUBSCRIBE'], userId: `bench-${n++}`, duration: 5 }));
        latencies.push(performance.now() - s);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  return { requests: latencies.length + errors, errors, concurrency, perSec: latencies.length / elapsed, latencyMs: summarize(latencies) };
}
