/**
 * Browser harness for the measurement tests and the stats-fixture recorder: bundles browser entry points with esbuild,
 * serves them on 127.0.0.1 (a secure context, so getUserMedia works) for Chromium launched by bench/lib/chromium.ts.
 * Everything stays on loopback; no page uses an ICE server.
 */
import { serveBundle, type BundleServer } from '../../testkit/bundle-server.js';

export type ServedPages = BundleServer;

/** Bundles each entry (name -> .ts path) to /name.js and serves /name.html shells that load it. */
export function servePages(entries: Record<string, string>): Promise<ServedPages> {
  // The measurement pages import their stylesheet as a string.
  return serveBundle(entries, { loader: { '.css': 'text' } });
}
