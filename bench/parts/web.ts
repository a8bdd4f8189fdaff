/**
 * Per-page JavaScript weight: build the pages with web/build.ts (minified), then for each HTML page follow its
 * module graph (script src, modulepreload, static and dynamic imports) and sum the gzip size of every file in it,
 * leaving out the IVS SDK chunk (the goal is "≤ 60 KB gzip per page beyond the SDK"). The SDK chunk is recognised by
 * the package name that survives minification in its code; a page that inlines the SDK instead of splitting it out
 * therefore shows its true (large) weight.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb } from '../../web/build.js';
import type { BenchResult } from '../lib/schema.js';

const SDK_MARKER = 'amazon-ivs-web-broadcast';
/** Below this a file mentioning the SDK's name is our own code that imports it, not the SDK. */
const SDK_MIN_BYTES = 100 * 1024;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** Relative module references in HTML: module scripts, classic scripts and modulepreload links. */
export function htmlScriptRefs(html: string): string[] {
  const refs: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>/gi)) refs.push(m[1] as string);
  for (const m of html.matchAll(/<link\b[^>]*\brel\s*=\s*["']modulepreload["'][^>]*>/gi)) {
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(m[0]);
    if (href?.[1]) refs.push(href[1]);
  }
  return refs.filter((r) => !/^(https?:)?\/\//.test(r));
}

/** Relative specifiers a (minified) ES module imports, statically or dynamically (`only: 'static'` leaves out import()). */
export function jsImportRefs(code: string, only: 'all' | 'static' = 'all'): string[] {
  const refs = new Set<string>();
  const patterns = [
    /\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    ...(only === 'all' ? [/\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g] : []),
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) refs.add(m[1] as string);
  return [...refs];
}

export interface PageWeight {
  readonly page: string;
  readonly jsBytes: number;
  readonly gzipBytes: number;
  readonly initialGzipBytes: number;
  readonly files: string[];
}

/** Weighs every page of an already built site directory. */
export async function weighSite(outdir: string): Promise<NonNullable<BenchResult['web']>> {
  const all = await walk(outdir);
  const cache = new Map<string, Buffer>();
  const read = async (p: string): Promise<Buffer | null> => {
    if (!cache.has(p)) {
      if (!existsSync(p)) return null;
      cache.set(p, await readFile(p));
    }
    return cache.get(p) ?? null;
  };
  const isSdk = (buf: Buffer): boolean => buf.length >= SDK_MIN_BYTES && buf.includes(SDK_MARKER);
  const sdkFiles = new Set<string>();
  const pages: PageWeight[] = [];
  for (const htmlPath of all.filter((p) => p.endsWith('.html')).sort()) {
    const html = (await readFile(htmlPath, 'utf8')).toString();
    const resolveRef = (from: string, ref: string): string => {
      const clean = ref.split(/[?#]/)[0] as string;
      return clean.startsWith('/') ? join(outdir, clean) : resolve(dirname(from), clean);
    };
    // Everything the page can load (lazy chunks included), and what it loads before any import() runs.
    const walkGraph = async (only: 'all' | 'static'): Promise<{ seen: Set<string>; jsBytes: number; gzipBytes: number }> => {
      const queue = htmlScriptRefs(html).map((r) => resolveRef(htmlPath, r));
      const seen = new Set<string>();
      let jsBytes = 0;
      let gzipBytes = 0;
      while (queue.length > 0) {
        const file = queue.shift() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const buf = await read(file);
        if (!buf) continue;
        if (isSdk(buf)) {
          sdkFiles.add(file);
          continue;
        }
        jsBytes += buf.length;
        gzipBytes += gzipSync(buf, { level: 9 }).length;
        for (const ref of jsImportRefs(buf.toString('utf8'), only)) queue.push(resolveRef(file, ref));
      }
      return { seen, jsBytes, gzipBytes };
    };
    const { seen, jsBytes, gzipBytes } = await walkGraph('all');
    const initial = await walkGraph('static');
    pages.push({
      page: relative(outdir, htmlPath),
      jsBytes,
      gzipBytes,
      initialGzipBytes: initial.gzipBytes,
      files: [...seen].filter((f) => !sdkFiles.has(f) && cache.has(f)).map((f) => relative(outdir, f)),
    });
  }
  let sdkGzip = 0;
  for (const f of sdkFiles) sdkGzip += gzipSync((await read(f)) as Buffer, { level: 9 }).length;
  return {
    pages,
    sdk: sdkFiles.size > 0 ? { files: [...sdkFiles].map((f) => relative(outdir, f)), gzipBytes: sdkGzip } : null,
  };
}

/** Builds the site with web/build.ts's buildWeb({outdir, minify: true}) into a temporary directory and weighs it. */
export async function benchWebWeight(): Promise<{ result: NonNullable<BenchResult['web']> } | { skipped: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-web-'));
  try {
    await buildWeb({ outdir, minify: true });
    const result = await weighSite(outdir);
    if (result.pages.length === 0) return { skipped: 'buildWeb() produced no HTML page' };
    return { result };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
