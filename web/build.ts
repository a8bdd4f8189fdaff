/**
 * Builds the static site: every web/pages/*.html plus its module script, bundled by esbuild as ES modules with code
 * splitting, so a page loads only the stage driver its token needs (the IVS SDK sits in its own chunk, reached only by
 * a dynamic import). Output names carry a content hash and the HTML is rewritten to them, so a CDN may cache assets
 * forever while the HTML stays fresh.
 *
 * A page names its script as `<script type="module" src="assets/NAME.js">`; the source is the first that exists of
 * web/src/pages/NAME.ts, web/src/NAME/page.ts. CSS: web/src/styles/site.css becomes `assets/site.css` (linked by
 * every page); CSS a page script imports (e.g. uPlot's) is linked into that page automatically.
 * `<!-- include:NAME -->` inserts web/pages/partials/NAME.html (one level, no nesting).
 *
 *   npm run build:web                      -> web/dist
 *   tsx web/build.ts --outdir DIR [--no-minify]      (minified by default)
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { isMessageId } from './src/i18n/index.js';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
const PAGES_DIR = join(WEB_DIR, 'pages');
const SRC_DIR = join(WEB_DIR, 'src');
const STYLE_ENTRY = join(SRC_DIR, 'styles', 'site.css');
/** Files copied as they are (icons, robots.txt ...). */
const STATIC_DIR = join(WEB_DIR, 'static');
const SCRIPT_REF = /<script\b[^>]*\bsrc="assets\/([\w-]+)\.js"[^>]*><\/script>/g;
const STYLE_REF = /href="assets\/site\.css"/g;
/** `<!-- include:NAME -->` pulls in web/pages/partials/NAME.html (header, event log card ...), shared by pages. */
const INCLUDE = /<!--\s*include:([\w-]+)\s*-->/g;
const PARTIALS_DIR = join(PAGES_DIR, 'partials');

async function expandIncludes(text: string, page: string): Promise<string> {
  const names = [...new Set([...text.matchAll(INCLUDE)].map((m) => m[1] as string))];
  const parts = new Map<string, string>();
  for (const name of names) {
    const file = join(PARTIALS_DIR, `${name}.html`);
    if (!existsSync(file)) throw new Error(`${page}: include ${name}: ${relative(WEB_DIR, file)} does not exist`);
    parts.set(name, (await readFile(file, 'utf8')).trimEnd());
  }
  return text.replace(INCLUDE, (_whole, name: string) => parts.get(name) ?? '');
}

/**
 * zod's `z` namespace object drags in every message locale (~60 KB gzip) because the shared contracts import
 * `{ z }`. The pages only ever show zod's English messages, so its locale index is replaced by English alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, args.path), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from './en.js';`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

export interface BuildWebOptions {
  /** Output directory; emptied first. */
  readonly outdir: string;
  /** Minify JS/CSS (deployments); off for the sandbox so stack traces read well. */
  readonly minify?: boolean;
}

export interface BuildWebResult {
  readonly outdir: string;
  /** Built HTML pages, relative to outdir. */
  readonly pages: readonly string[];
  /** Every output file, relative to outdir. */
  readonly files: readonly string[];
}

/** Catalogue ids the HTML names (data-i18n, data-i18n-attr) that the catalogue lacks: shown as warnings. */
export function missingMessageIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/\bdata-i18n="([^"]+)"/g)) ids.add(m[1] as string);
  for (const m of html.matchAll(/\bdata-i18n-attr="([^"]+)"/g)) {
    for (const pair of (m[1] as string).split(';')) {
      const id = pair.split(':')[1]?.trim();
      if (id) ids.add(id);
    }
  }
  return [...ids].filter((id) => !isMessageId(id)).sort();
}

function entryFor(name: string): string {
  const candidates = [join(SRC_DIR, 'pages', `${name}.ts`), join(SRC_DIR, name, 'page.ts')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`page script assets/${name}.js: none of ${candidates.map((c) => relative(WEB_DIR, c)).join(', ')} exists`);
  return found;
}

/** Maps each input entry point (relative to cwd, as esbuild reports it) to its JS output and CSS bundle. */
function outputsByEntry(meta: Metafile, outdir: string): Map<string, { js: string; css?: string }> {
  const map = new Map<string, { js: string; css?: string }>();
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (!out.entryPoint) continue;
    const rel = relative(outdir, resolve(file)).split('\\').join('/');
    map.set(resolve(out.entryPoint), { js: rel, ...(out.cssBundle ? { css: relative(outdir, resolve(out.cssBundle)).split('\\').join('/') } : {}) });
  }
  return map;
}

export async function buildWeb(options: BuildWebOptions): Promise<BuildWebResult> {
  const outdir = resolve(options.outdir);
  const minify = options.minify ?? false;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });

  const pageFiles = (await readdir(PAGES_DIR)).filter((f) => f.endsWith('.html')).sort();
  const html = new Map<string, string>();
  const scriptNames = new Set<string>();
  for (const page of pageFiles) {
    const text = await expandIncludes(await readFile(join(PAGES_DIR, page), 'utf8'), page);
    html.set(page, text);
    const missing = missingMessageIds(text);
    if (missing.length > 0) console.warn(`web/pages/${page}: no catalogue entry for ${missing.join(', ')}`);
    for (const m of text.matchAll(SCRIPT_REF)) scriptNames.add(m[1] as string);
  }
  const entries = new Map<string, string>([...scriptNames].map((n) => [n, entryFor(n)]));

  const result = await build({
    entryPoints: [
      ...entries.values(),
      STYLE_ENTRY,
      // An entry of its own puts the IVS SDK in a chunk of its own: only the IVS driver chunk imports it, so sandbox
      // pages never fetch it, and bench/parts/web.ts can tell SDK bytes from ours (its license comment names it).
      { in: 'amazon-ivs-web-broadcast', out: 'vendor/ivs-sdk' },
    ],
    outdir: join(outdir, 'assets'),
    outbase: WEB_DIR,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: ['es2022', 'chrome110', 'edge110', 'firefox115', 'safari16'],
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'media/[name]-[hash]',
    minify,
    sourcemap: minify ? false : 'linked',
    metafile: true,
    legalComments: 'eof',
    // The pages never talk to Node; keep process.env lookups in dependencies from pulling polyfills.
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    logLevel: 'warning',
    plugins: [zodEnglishOnly],
  });
  const byEntry = outputsByEntry(result.metafile, outdir);
  const style = byEntry.get(resolve(STYLE_ENTRY));
  // A CSS entry's output is CSS, reported as the "js" field by outputsByEntry (its only output).
  const styleHref = style?.js;
  if (!styleHref) throw new Error('web/src/styles/site.css produced no output');

  const pages: string[] = [];
  for (const [page, text] of html) {
    const extraCss: string[] = [];
    let out = text.replace(SCRIPT_REF, (tag, name: string) => {
      const built = byEntry.get(resolve(entries.get(name) as string));
      if (!built) throw new Error(`${page}: no output for assets/${name}.js`);
      if (built.css) extraCss.push(built.css);
      return tag.replace(`assets/${name}.js`, built.js);
    });
    out = out.replace(STYLE_REF, `href="${styleHref}"`);
    if (extraCss.length > 0) {
      const links = extraCss.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n    ');
      out = out.replace('</head>', `  ${links}\n  </head>`);
    }
    await writeFile(join(outdir, page), out);
    pages.push(page);
  }

  if (existsSync(STATIC_DIR)) {
    for (const f of await readdir(STATIC_DIR)) await copyFile(join(STATIC_DIR, f), join(outdir, basename(f)));
  }

  const files = Object.keys(result.metafile.outputs).map((f) => relative(outdir, resolve(f)));
  return { outdir, pages, files: [...pages, ...files].sort() };
}

function parseArgs(argv: readonly string[]): BuildWebOptions {
  let outdir = join(WEB_DIR, 'dist');
  // The command line builds for deployment (CDK, GitHub Pages): minified unless asked otherwise.
  let minify = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--outdir') {
      const value = argv[++i];
      if (!value) throw new Error('--outdir needs a directory');
      outdir = value;
    } else if (arg === '--minify') {
      minify = true;
    } else if (arg === '--no-minify') {
      minify = false;
    } else {
      throw new Error(`unknown argument ${arg ?? ''} (use --outdir DIR, --minify, --no-minify)`);
    }
  }
  return { outdir, minify };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const built = await buildWeb(options);
    console.log(`built ${built.pages.length} pages, ${built.files.length} files into ${built.outdir}`);
  } catch (err: unknown) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
