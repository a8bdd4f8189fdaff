/**
 * Bundles browser entry points with esbuild and serves them from 127.0.0.1 (a secure context, so getUserMedia and
 * WebRTC work without HTTPS): `/<name>.html` is a blank shell that loads `/<name>.js`. Code splitting is on, so a
 * dynamic import (the IVS SDK) arrives as its own chunk, as on the real pages.
 */
import { serveBundle as serve, type BundleServer } from '../../../testkit/bundle-server.js';

export type ServedBundle = BundleServer;

export function serveBundle(entries: Record<string, string>): Promise<ServedBundle> {
  return serve(entries, {
    splitting: true,
    shell: (name) =>
      `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="/${name}.js"></script>`,
  });
}
