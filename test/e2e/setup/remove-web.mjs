// jest globalTeardown of the e2e tier: removes the pages build-web.mjs built (never a directory given from outside).
import { rm } from 'node:fs/promises';

export default async function removeWeb() {
  if (process.env.E2E_WEB_ROOT_OWNED !== '1' || !process.env.E2E_WEB_ROOT) return;
  await rm(process.env.E2E_WEB_ROOT, { recursive: true, force: true });
  delete process.env.E2E_WEB_ROOT;
  delete process.env.E2E_WEB_ROOT_OWNED;
}
