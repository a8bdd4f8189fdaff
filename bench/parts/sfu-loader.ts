/**
 * The SFU helper's cost benchmark, bench/parts/sfu.ts (synthetic werift publisher + subscriber fleet, the sandbox
 * measured from /proc), loaded at run time so the bench still runs, and says why, while that module is absent or
 * its API differs from the one documented at its top. Its result is validated here before it enters the results.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { SfuSectionSchema } from '../lib/schema.js';

export const SFU_PART_PATH = 'bench/parts/sfu.ts';

export interface SfuRunOptions {
  readonly sandboxUrl: string;
  readonly sandboxPid: number;
  readonly stageArn: string;
  readonly steps: readonly number[];
  readonly windowSeconds: number;
  readonly settleSeconds: number;
  readonly log: (line: string) => void;
}

const Outcome = z.object({
  section: SfuSectionSchema,
  steps: z.array(z.unknown()).optional(),
  notes: z.array(z.string()).default([]),
});
export type SfuOutcome = z.infer<typeof Outcome>;

export type SfuPart = { run(o: SfuRunOptions): Promise<SfuOutcome> } | { skipped: string };

export async function loadSfuPart(root = process.cwd()): Promise<SfuPart> {
  const file = resolve(root, SFU_PART_PATH);
  if (!existsSync(file)) return { skipped: `${SFU_PART_PATH} is not in the tree yet` };
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod['benchSfu'];
  if (typeof fn !== 'function') return { skipped: `${SFU_PART_PATH} does not export benchSfu() yet` };
  return {
    run: async (o) => {
      const parsed = Outcome.safeParse(await (fn as (o: SfuRunOptions) => Promise<unknown>)({ ...o, steps: [...o.steps] }));
      if (!parsed.success) throw new Error(`benchSfu() returned an unexpected shape: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`);
      return parsed.data;
    },
  };
}
