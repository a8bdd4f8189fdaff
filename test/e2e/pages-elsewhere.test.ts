/**
 * The pages opened the ways the user's README says, none of them the sandbox's own origin: (1) the portable build
 * opened from disk (file://), (2) the hosted build served by a plain static server on another port under a sub-path
 * (as GitHub Pages does) with no config.json. Both go live and watch with tokens made by `npm run token` (its main(),
 * in-process) and pasted. (3) A page from an origin the sandbox does not allow cannot mint; one it allows can.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { main as tokenCli } from '../../lambda/token/cli.js';
import { buildWeb } from '../../web/build.js';
import { launchChromium, newPage, watchConsole } from './helpers/chromium.js';
import { TEST_TIMEOUT_MS, WAIT_MS } from './helpers/page-suite.js';
import { connState, pageError, tiles, useToken, videoMotion, type OpenedPage } from './helpers/pages.js';
import { pollUntil } from './helpers/poll.js';
import { startSandbox, type RunningSandbox } from '../../testkit/sandbox.js';

/** Two builds, a sandbox and Chromium on a busy 2-core machine. */
const SETUP_TIMEOUT_MS = 180_000;
/** Where the static server puts the pages, like https://you.github.io/REPO/. */
const SUB_PATH = '/ivs-test-env/';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** A plain file server (no config.json, no API, no CORS): GitHub Pages as far as the pages can tell. */
async function serveStatic(root: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith(SUB_PATH)) return void res.writeHead(404).end();
    const rel = normalize(decodeURIComponent(path.slice(SUB_PATH.length)) || 'index.html');
    if (rel.startsWith('..')) return void res.writeHead(404).end();
    const file = join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    stat(file).then(
      (s) => {
        if (!s.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      },
      () => void res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('static server did not bind');
  return { server, port: address.port };
}

let sandbox: RunningSandbox;
let browser: Browser;
let dir: string;
let staticServer: Server;
/** The origin the sandbox allows for its token API: the static server by its IP address. */
let allowedBase: string;
/** The same server by name: another origin, which the sandbox does not allow. */
let strangerBase: string;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-e2e-elsewhere-'));
  await buildWeb({ outdir: join(dir, 'portable'), portable: true, minify: true, zip: join(dir, 'pages.zip') });
  await buildWeb({ outdir: join(dir, 'hosted'), minify: true });
  const served = await serveStatic(join(dir, 'hosted'));
  staticServer = served.server;
  allowedBase = `http://127.0.0.1:${served.port}${SUB_PATH}`;
  strangerBase = `http://localhost:${served.port}${SUB_PATH}`;
  sandbox = await startSandbox({ allowedOrigins: [new URL(allowedBase).origin] });
  browser = await launchChromium();
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const p of opened) await p.close().catch(() => undefined);
  await browser?.close();
  await sandbox?.stop();
  await new Promise((resolve) => staticServer?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

async function openAt(url: string, locale = 'en-US'): Promise<OpenedPage> {
  const { page, context } = await newPage(browser, { locale });
  const consoleTail = watchConsole(page);
  await page.goto(url);
  // Scripts ran: the language is applied and the token card is wired.
  await page.waitForFunction(() => document.documentElement.lang !== '' && document.getElementById('lang-select') !== null, undefined, {
    timeout: WAIT_MS,
  });
  const p: OpenedPage = { page, context, consoleTail, close: () => context.close() };
  opened.push(p);
  return p;
}

/** The sandbox's signed-in stand-in: publisher tokens carry its user id. */
const BROADCASTER = 'dev-broadcaster';

/** What the sandbox banner says to run: `npm run token -- --role viewer|publisher --api SANDBOX/api [--bearer dev]`. */
async function npmRunToken(role: 'publisher' | 'viewer'): Promise<string> {
  let out = '';
  let err = '';
  const argv = ['--role', role, '--api', `${sandbox.url}/api`, ...(role === 'publisher' ? ['--bearer', 'dev'] : [])];
  const code = await tokenCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  if (code !== 0) throw new Error(`npm run token exited ${code}: ${err}`);
  return out.trim();
}

/** Broadcaster at `base` (in `locale`), live with a pasted token; then a viewer at `base` that sees its video move. */
async function broadcastAndWatch(base: string, locale = 'en-US'): Promise<OpenedPage> {
  const user = BROADCASTER;
  const b = await openAt(`${base}broadcaster.html`, locale);
  await useToken(b.page, await npmRunToken('publisher'));
  await b.page.locator('#quality-select').selectOption('360p');
  await b.page.locator('#publish-start').click();
  await pollUntil(() => connState(b.page), (s) => s === 'connected' || s === 'failed', `${user} live`, WAIT_MS);
  if ((await connState(b.page)) !== 'connected') {
    throw new Error(`${user} did not go live: ${JSON.stringify(await pageError(b.page))}\n${b.consoleTail()}`);
  }
  const v = await openAt(`${base}viewer.html`);
  await useToken(v.page, await npmRunToken('viewer'));
  await v.page.locator('#join').click();
  await pollUntil(() => tiles(v.page), (t) => t.some((x) => x.userId === user && x.hasStream === 'true'), `${user} tile`, WAIT_MS);
  const motion = await pollUntil(
    () => videoMotion(v.page, `[data-testid=tile][data-user-id="${user}"] video`),
    (m) => m.moving,
    `${user} moving on the viewer`,
    WAIT_MS,
  );
  expect(motion.width).toBeGreaterThan(0);
  expect(await pageError(v.page)).toEqual({ visible: false, reason: null, text: '' });
  await b.page.locator('#mute-audio').click();
  await b.page.locator('#mute-audio').click();
  await b.page.locator('#publish-stop').click();
  await pollUntil(() => connState(b.page), (s) => s === 'disconnected', `${user} stopped`, WAIT_MS);
  await v.close();
  opened.splice(opened.indexOf(v), 1);
  return b;
}

/** The event log's lines as shown (time and category columns left out). */
async function logLines(p: OpenedPage): Promise<string[]> {
  return p.page.locator('#log-list li').evaluateAll((rows) => rows.map((r) => (r.lastElementChild?.textContent ?? '').trim()));
}

describe('the portable build, opened from disk', () => {
  it('index.html runs its scripts from file:// and says tokens are pasted', async () => {
    const home = await openAt(pathToFileURL(join(dir, 'portable', 'index.html')).href);
    await pollUntil(() => home.page.locator('#backend-status').getAttribute('data-backend'), (b) => b === 'paste', 'paste mode', WAIT_MS);
    expect(home.consoleTail()).not.toMatch(/blocked by CORS|Failed to load module/);
    // The header's home link stays on disk instead of opening a directory listing.
    expect(await home.page.locator('a.brand').getAttribute('href')).toBe('index.html');
  }, TEST_TIMEOUT_MS);

  it('broadcaster.html goes live and viewer.html watches moving video, both from file://', async () => {
    const b = await broadcastAndWatch(pathToFileURL(join(dir, 'portable')).href + '/');
    await b.close();
    opened.splice(opened.indexOf(b), 1);
  }, TEST_TIMEOUT_MS);
});

describe('the hosted build on another origin under a sub-path, with no config.json', () => {
  it('a broadcast and a viewer run with pasted sandbox tokens; the zh-TW broadcaster logs every line in zh-TW', async () => {
    const b = await broadcastAndWatch(allowedBase, 'zh-TW');
    const lines = await logLines(b);
    expect(lines.length).toBeGreaterThan(5);
    // The driver's lines a person reads (connection, joined, publishing, mute) came in English before.
    for (const english of [/connection /, /joined stage/, /publishing /, /local mute/, /Connection:/]) {
      expect(lines.filter((l) => english.test(l))).toEqual([]);
    }
    expect(lines.some((l) => l.includes('本機靜音'))).toBe(true);
    expect(lines.some((l) => l.includes('已連線'))).toBe(true);
  }, TEST_TIMEOUT_MS);
});

describe('the token API allow-list, seen from pages', () => {
  const mintFromPage = async (base: string): Promise<string> => {
    const p = await openAt(`${base}index.html`);
    return p.page.evaluate(async (api) => {
      try {
        const res = await fetch(`${api}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"viewer"}' });
        return `HTTP ${res.status}`;
      } catch (err: unknown) {
        return `refused: ${err instanceof Error ? err.message : String(err)}`;
      }
    }, `${sandbox.url}/api`);
  };

  it('a page from an allowed origin mints; the same page from another origin cannot', async () => {
    expect(await mintFromPage(allowedBase)).toBe('HTTP 201');
    expect(await mintFromPage(strangerBase)).toMatch(/^refused: /);
  }, TEST_TIMEOUT_MS);
});
