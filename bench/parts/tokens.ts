/**
 * Token issuance: self-signed minting and handler latency come from bench/token-bench.ts; the emulated
 * CreateParticipantToken path is measured here with the real AWS SDK client against the sandbox's emulator.
 */
import type { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { CreateParticipantTokenCommand } from '@aws-sdk/client-ivs-realtime';
import { summarize, type Summary } from '../../web/src/measure/percentiles.js';
import { type TokenBenchResult, benchTokens } from '../token-bench.js';

/** Runs bench/token-bench.ts's benchTokens({seconds}). */
export function runTokenBench(seconds: number): Promise<TokenBenchResult> {
  return benchTokens({ seconds });
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
