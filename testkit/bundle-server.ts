/**
 * Bundles browser entry points with esbuild and serves them from 127.0.0.1 (a secure context, so getUserMedia and
 * WebRTC work without HTTPS): `/<name>.js` is the bundle and `/<name>.html` a shell page that loads it. Shared by the
 * latency harness and the browser tests, which differ only in the options below.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build, type Loader } from 'esbuild';

export interface BundleServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface BundleServerOptions {
  /** Code splitting, so a dynamic import (the IVS SDK) arrives as its own chunk, as on the real pages. */
  readonly splitting?: boolean;
  /** Extra esbuild loaders, e.g. `{ '.css': 'text' }` for pages that import a stylesheet as a string. */
  readonly loader?: Readonly<Record<string, Loader>>;
  /** The HTML served at `/<name>.html`; the default wraps the module script in a `<body>`. */
  readonly shell?: (name: string) => string;
}

const defaultShell = (name: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${name}</title><body><script type="module" src="/${name}.js"></script></body>`;

/** Bundles each entry (name -> .ts path) to /name.js and serves /name.html shells that load it. */
export async function serveBundle(
  entries: Record<string, string>,
  options: BundleServerOptions = {},
): Promise<BundleServer> {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    splitting: options.splitting ?? false,
    format: 'esm',
    target: 'chrome120',
    write: false,
    outdir: '/virtual',
    logLevel: 'silent',
    ...(options.loader ? { loader: { ...options.loader } } : {}),
  });
  const shell = options.shell ?? defaultShell;
  const files = new Map<string, string>();
  for (const f of result.outputFiles) files.set(`/${f.path.split('/').pop() ?? ''}`, f.text);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = /^\/([\w-]+)\.html$/.exec(path);
    if (page?.[1] !== undefined && files.has(`/${page[1]}.js`)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(shell(page[1]));
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
