/**
 * Browser harness for the measurement tests and the stats-fixture recorder: bundles browser entry points with esbuild,
 * serves them on 127.0.0.1 (a secure context, so getUserMedia works) for Chromium launched by bench/lib/chromium.ts.
 * Everything stays on loopback; no page uses an ICE server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

export interface ServedPages {
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles each entry (name -> .ts path) to /name.js and serves /name.html shells that load it. */
export async function servePages(entries: Record<string, string>): Promise<ServedPages> {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    target: 'chrome120',
    write: false,
    outdir: '/virtual',
    logLevel: 'silent',
    loader: { '.css': 'text' },
  });
  const files = new Map<string, string>();
  for (const f of result.outputFiles) files.set(`/${f.path.split('/').pop() ?? ''}`, f.text);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = /^\/([\w-]+)\.html$/.exec(path);
    if (page && files.has(`/${page[1]}.js`)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><meta charset="utf-8"><title>${page[1]}</title><body><script type="module" src="/${page[1]}.js"></script></body>`);
      return;
    }
    const js = files.get(path);
    if (js !== undefined) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(js);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
