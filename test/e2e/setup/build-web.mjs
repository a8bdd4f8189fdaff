// jest globalSetup of the e2e tier: builds web/ once per run into a temporary directory that every page test's
// sandbox serves (E2E_WEB_ROOT reaches the workers through the environment they inherit).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

export default async function buildWebOnce() {
  if (process.env.E2E_WEB_ROOT) return;
  const { buildWeb } = await tsImport('../../../web/build.ts', import.meta.url);
  const outdir = await mkdtemp(join(tmpdir(), 'ivs-e2e-web-'));
  await buildWeb({ outdir, minify: false });
  process.env.E2E_WEB_ROOT = outdir;
  process.env.E2E_WEB_ROOT_OWNED = '1';
}
