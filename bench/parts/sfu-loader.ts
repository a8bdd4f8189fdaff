/**
 * The SFU helper's in-process micro-benchmark, bench/parts/sfu.ts, loaded at run time (like bench/token-bench.ts) so
 * the bench runs, and says why, while that module is absent or its API differs from what is expected here.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export const SFU_PART_PATH = 'bench/parts/sfu.ts';

const Figures = z.record(z.string(), z.unknown());

export type SfuPart = { run(o: { quick: boolean }): Promise<Record<string, unknown>> } | { skipped: string };

export async function loadSfuPart(root = process.cwd()): Promise<SfuPart> {
  const file = resolve(root, SFU_PART_PATH);
  if (!existsSync(file)) return { skipped: `${SFU_PART_PATH} is not in the tree yet` };
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod['benchSfu'];
  if (typeof fn !== 'function') return { skipped: `${SFU_PART_PATH} does not export benchSfu()` };
  return {
    run: async (o) => {
      const parsed = Figures.safeParse(await (fn as (o: { quick: boolean }) => Promise<unknown>)(o));
      if (!parsed.success) throw new Error(`benchSfu() returned ${parsed.error.issues[0]?.message ?? 'an unexpected shape'}`);
      return parsed.data;
    },
  };
}
