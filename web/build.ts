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
 * `--portable` builds pages that open from disk (file://), where Chromium refuses module scripts (origin "null"):
 * one classic script per page with everything it reaches bundled in (no imports across files, so the IVS SDK sits
 * only in the pages whose driver needs it), no hashes, links to `index.html` instead of `./`, and a .zip of the lot.
 *
 *   npm run build:web                      -> web/dist
 *   npm run build:web -- --portable        -> web/dist-portable + web/ivs-test-env-pages.zip
 *   tsx web/build.ts --outdir DIR [--no-minify] [--portable] [--zip FILE]      (minified by default)
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { isMessageId } from './src/i18n/index.js';
import { writeZip } from './zip.js';

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
  /** Pages that work from file://: one classic script per page, nothing split (see the file comment). */
  readonly portable?: boolean;
  /** Also write the built files into this .zip (portable builds, for people who download and double-click). */
  readonly zip?: string;
}

export interface BuildWebResult {
  readonly outdir: string;
  /** Built HTML pages, relative to outdir. */
  readonly pages: readonly string[];
  /** Every output file, relative to outdir. */
  readonly files: readonly string[];
  /** The .zip written, when one was asked for. */
  readonly zip?: string;
}

/** Default output of `--portable` and its archive (the README names the archive). */
export const PORTABLE_OUTDIR = join(WEB_DIR, 'dist-portable');
export const PORTABLE_ZIP = join(WEB_DIR, 'ivs-test-env-pages.zip');

/**
 * A classic script cannot hold top-level await (the page entries use it) and an unsplit ESM bundle has no imports or
 * exports left, so wrapping the whole bundle in an async function turns it into a classic script with the same
 * meaning (strict, as modules are).
 */
const CLASSIC_BANNER = '(async () => {\n"use strict";';
const CLASSIC_FOOTER = '})();';

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
  const portable = options.portable ?? false;
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
      // Portable names come from the page (cost.js, not page.js): there is no hash to tell them apart.
      ...[...entries].map(([name, file]) => (portable ? { in: file, out: name } : file)),
      STYLE_ENTRY,
      // An entry of its own puts the IVS SDK in a chunk of its own: only the IVS driver chunk imports it, so sandbox
      // pages never fetch it, and bench/parts/web.ts can tell SDK bytes from ours (its license comment names it).
      // Portable pages bundle it into the pages that reach it instead (no file may import another).
      ...(portable ? [] : [{ in: 'amazon-ivs-web-broadcast', out: 'vendor/ivs-sdk' }]),
    ],
    outdir: join(outdir, 'assets'),
    outbase: WEB_DIR,
    bundle: true,
    format: 'esm',
    // Without splitting, esbuild inlines every dynamic import into the page that makes it.
    splitting: !portable,
    ...(portable ? { banner: { js: CLASSIC_BANNER }, footer: { js: CLASSIC_FOOTER } } : {}),
    platform: 'browser',
    target: ['es2022', 'chrome110', 'edge110', 'firefox115', 'safari16'],
    // Portable pages are opened, not cached by a CDN: stable names read better in a folder someone unzipped.
    entryNames: portable ? '[name]' : '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'media/[name]-[hash]',
    minify,
    sourcemap: minify || portable ? false : 'linked',
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
      const classic = portable ? tag.replace(/\btype="module"/, 'defer') : tag;
      return classic.replace(`assets/${name}.js`, built.js);
    });
    out = out.replace(STYLE_REF, `href="${styleHref}"`);
    // From disk, "./" opens a directory listing, not the home page.
    if (portable) out = out.replace(/\bhref="\.\/"/g, 'href="index.html"');
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
  const statics = existsSync(STATIC_DIR) ? (await readdir(STATIC_DIR)).map((f) => basename(f)) : [];
  const all = [...new Set([...pages, ...files, ...statics])].sort();
  if (options.zip === undefined) return { outdir, pages, files: all };
  const zip = resolve(options.zip);
  await writeZip(zip, await Promise.all(all.map(async (name) => ({ name, data: await readFile(join(outdir, name)) }))));
  return { outdir, pages, files: all, zip };
}

export function parseArgs(argv: readonly string[]): BuildWebOptions {
  let outdir: string | undefined;
  let zip: string | undefined;
  let portable = false;
  // The command line builds for deployment (CDK, GitHub Pages): minified unless asked otherwise.
  let minify = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--outdir') {
      const value = argv[++i];
      if (!value) throw new Error('--outdir needs a directory');
      outdir = value;
    } else if (arg === '--zip') {
      const value = argv[++i];
      if (!value || !value.endsWith('.zip')) throw new Error('--zip needs a file name ending in .zip');
      zip = value;
    } else if (arg === '--portable') {
      portable = true;
    } else if (arg === '--minify') {
      minify = true;
    } else if (arg === '--no-minify') {
      minify = false;
    } else {
      throw new Error(`unknown argument ${arg ?? ''} (use --outdir DIR, --portable, --zip FILE, --minify, --no-minify)`);
    }
  }
  if (zip !== undefined && !portable) throw new Error('--zip goes with --portable (hosted builds are uploaded, not zipped)');
  if (!portable) return { outdir: outdir ?? join(WEB_DIR, 'dist'), minify };
  return { outdir: outdir ?? PORTABLE_OUTDIR, minify, portable, zip: zip ?? (outdir === undefined ? PORTABLE_ZIP : `${resolve(outdir)}.zip`) };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const built = await buildWeb(options);
    console.log(`built ${built.pages.length} pages, ${built.files.length} files into ${built.outdir}${built.zip ? `, and ${built.zip}` : ''}`);
  } catch (err: unknown) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
