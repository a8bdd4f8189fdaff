import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { htmlScriptRefs, jsImportRefs, weighSite } from '../parts/web.js';

describe('module graph parsing', () => {
  it('finds local scripts and modulepreloads in HTML, not remote ones', () => {
    const html = `<script type="module" src="./assets/viewer.js"></script><link rel="modulepreload" href="/assets/chunk-A.js">
      <script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="a.css">`;
    expect(htmlScriptRefs(html)).toEqual(['./assets/viewer.js', '/assets/chunk-A.js']);
  });

  it('finds static, bare and dynamic relative imports in minified code', () => {
    const code = `import{a as b}from"./chunk-A.js";import"./side.js";export{c}from'../up.js';const m=()=>import("./lazy.js");import x from"zod";`;
    expect(jsImportRefs(code).sort()).toEqual(['../up.js', './chunk-A.js', './lazy.js', './side.js']);
  });
});

describe('weighSite', () => {
  let dir = '';
  const sdk = `/*amazon-ivs-web-broadcast*/${'x'.repeat(150 * 1024)}`;
  const shared = `export const s=${JSON.stringify('shared '.repeat(200))};`;
  const lazy = `export const panel=${JSON.stringify('panel '.repeat(50))};`;
  const viewer = `import{s}from"./chunk-shared.js";const load=()=>import("./chunk-sdk.js");const more=()=>import("./chunk-lazy.js");console.log(s,load,more);`;
  const cost = `import{s}from"./chunk-shared.js";console.log(s);`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-weight-test-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'viewer.html'), '<script type="module" src="assets/viewer.js"></script>');
    await writeFile(join(dir, 'cost.html'), '<script type="module" src="/assets/cost.js"></script>');
    await writeFile(join(dir, 'assets/viewer.js'), viewer);
    await writeFile(join(dir, 'assets/cost.js'), cost);
    await writeFile(join(dir, 'assets/chunk-shared.js'), shared);
    await writeFile(join(dir, 'assets/chunk-sdk.js'), sdk);
    await writeFile(join(dir, 'assets/chunk-lazy.js'), lazy);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sums each page graph (lazy chunks too, and apart) with the SDK chunk left out and reported apart', async () => {
    const r = await weighSite(dir);
    const gz = (s: string): number => gzipSync(Buffer.from(s), { level: 9 }).length;
    const byPage = Object.fromEntries(r.pages.map((p) => [p.page, p]));
    expect(byPage['viewer.html']).toEqual({
      page: 'viewer.html',
      jsBytes: viewer.length + shared.length + lazy.length,
      gzipBytes: gz(viewer) + gz(shared) + gz(lazy),
      initialGzipBytes: gz(viewer) + gz(shared),
      files: ['assets/viewer.js', 'assets/chunk-shared.js', 'assets/chunk-lazy.js'],
    });
    expect(byPage['cost.html']?.jsBytes).toBe(cost.length + shared.length);
    expect(byPage['cost.html']?.initialGzipBytes).toBe(byPage['cost.html']?.gzipBytes);
    expect(r.sdk).toEqual({ files: ['assets/chunk-sdk.js'], gzipBytes: gz(sdk) });
  });
});
