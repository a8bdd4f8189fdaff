/** The pages the e2e global setup (test/e2e/setup/build-web.mjs) built once for the whole run. */
export function builtWebRoot(): string {
  const dir = process.env['E2E_WEB_ROOT'];
  if (!dir) throw new Error('E2E_WEB_ROOT is not set: run the page tests through jest (the e2e project builds web/ in its globalSetup)');
  return dir;
}
