/**
 * Bundles browser entry points with esbuild and serves them from 127.0.0.1 (a secure context, so getUserMedia and
 * WebRTC work without HTTPS): `/<name>.html` is a blank shell that loads `/<name>.js`. Code splitting is on, so a
 * dynamic import (the IVS SDK) arrives as its own chunk, as on the real pages.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

export interface ServedBundle {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveBundle(entries: Record<string, string>): Promise<ServedBundle> {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'chrome120',
    write: false,
    outdir: '/virtual',
    logLevel: 'silent',
  });
  const files = new Map<string, string>();
  for (const f of result.outputFiles) files.set(`/${f.path.split('/').pop() ?? ''}`, f.text);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = /^\/([\w-]+)\.html$/.exec(path);
    if (page && files.has(`/${page[1]}.js`)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><meta charset="utf-8"><title>${page[1]}</title><script type="module" src="/${page[1]}.js"></script>`);
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
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
