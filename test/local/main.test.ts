/**
 * `npm start` as a process (local/src/main.ts through tsx): it listens on a free port on 127.0.0.1, prints the page
 * URLs and token hints, serves, and on SIGINT/SIGTERM closes and exits 0 by itself (nothing left holding the event
 * loop; main.ts names stray handles and exits 1 otherwise). Bad flags print the usage and exit 2. The flags themselves
 * are parsed in-process through parseFlags (local/src/cli.ts); two spawned cases prove main.ts wires its result to
 * the exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateTokenResponse } from '../../contracts/token-api.js';
import { SiteConfig } from '../../contracts/site-config.js';
import { parseFlags } from '../../local/src/cli.js';
import { EventsClient } from './helpers.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPO, 'local', 'src', 'main.ts');
const started: ChildProcess[] = [];
let webRoot: string;

beforeAll(() => {
  webRoot = mkdtempSync(join(tmpdir(), 'sandbox-main-'));
  for (const page of ['index', 'viewer', 'cost', 'broadcaster', 'extra']) writeFileSync(join(webRoot, `${page}.html`), `<title>${page}</title>`);
});
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(webRoot, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO,
    env: { ...process.env, PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (r.stderr += d.toString()));
  return r;
}

/** Resolves with stdout once the banner is complete; rejects if the process exits first. */
function ready(r: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (r.stdout.includes('Ctrl-C stops it.')) resolve(r.stdout);
    };
    r.child.stdout?.on('data', check);
    check();
    void r.exited.then(({ code }) => reject(new Error(`exited with ${code} before it was ready: ${r.stderr}`)));
  });
}

describe('npm start', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`starts on a free port, prints the pages, serves, and exits 0 on ${signal}`, async () => {
      const r = run(['--port', '0', '--host', '127.0.0.1', '--web-root', webRoot]);
      const out = await ready(r);
      const port = /http:\/\/localhost:(\d+)\//.exec(out)?.[1];
      expect(Number(port)).toBeGreaterThan(0);
      const urls = [...out.matchAll(/^ {2}(http:\/\/localhost:\d+\/\S*)$/gm)].map((m) => m[1]);
      const base = `http://localhost:${port}/`;
      expect(urls).toEqual([base, `${base}broadcaster.html`, `${base}viewer.html`, `${base}cost.html`, `${base}extra.html`]);
      expect(out).toContain(`--api http://localhost:${port}/api`);
      expect(out).toMatch(/stage {7}arn:aws:ivs:us-east-1:123456789012:stage\/[a-zA-Z0-9]{12}/);
      expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // hints, never a token

      const config = await fetch(`http://127.0.0.1:${port}/config.json`);
      expect(SiteConfig.parse(await config.json())).toMatchObject({ backend: 'sandbox', apiUrl: `http://127.0.0.1:${port}/api` });
      const page = await fetch(`http://127.0.0.1:${port}/viewer.html`);
      expect(await page.text()).toContain('<title>viewer</title>');

      // Leave something open at shutdown: the token API's own IVS client connection and a joined events socket.
      const minted = await fetch(`http://127.0.0.1:${port}/api/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"role":"viewer"}',
      });
      expect(minted.status).toBe(201);
      const events = new EventsClient(`http://127.0.0.1:${port}`);
      await events.join(CreateTokenResponse.parse(await minted.json()).token);

      r.child.kill(signal);
      expect(await events.nextOf('disconnected')).toMatchObject({ reason: 'serverShutdown' });
      expect(await r.exited).toEqual({ code: 0, signal: null });
      expect(r.stderr).not.toMatch(/still running after close/);
    }, 90_000);
  }

  it('takes the port from PORT', () => {
    const flags = parseFlags(['--host', '127.0.0.1', '--no-build'], { PORT: '0' });
    expect(flags).toMatchObject({ kind: 'options', options: { port: 0, host: '127.0.0.1', build: false } });
    expect(parseFlags([], {})).toMatchObject({ kind: 'options', options: { port: 8080 } });
    expect(parseFlags(['--port', '9000'], { PORT: '0' })).toMatchObject({ kind: 'options', options: { port: 9000 } });
  });

  it('passes the sandbox switches through: --media-redirect, --allow-origin (repeatable), --public-url', () => {
    const flags = parseFlags(
      ['--media-redirect', '--allow-origin', 'https://a.example', '--allow-origin', 'https://b.example', '--public-url', 'https://tunnel.example'],
      {},
    );
    expect(flags).toMatchObject({
      kind: 'options',
      options: { mediaRedirect: true, allowOrigin: ['https://a.example', 'https://b.example'], publicUrl: 'https://tunnel.example' },
    });
    expect(parseFlags([], {})).toMatchObject({ kind: 'options', options: { mediaRedirect: false, allowOrigin: [] } });
  });

  it('prints the usage and exits 2 on bad flags', () => {
    const cases = [['--bogus'], ['--port', '70000'], ['--minting', 'magic'], ['--https-key', 'k.pem'], ['stray-positional'], ['--web-root', '/no/such/dir'], ['--region', 'mars']];
    const results = cases.map((args) => parseFlags(args, {}));
    const stderr = (i: number): string => {
      const r = results[i];
      return r?.kind === 'error' ? r.text : '';
    };
    results.forEach((res, i) => {
      expect([cases[i], res.kind]).toEqual([cases[i], 'error']);
      expect(stderr(i)).toMatch(/^sandbox: /m);
    });
    expect(stderr(0)).toContain('usage: npm start');
    expect(stderr(1)).toContain('--port');
    const bad = parseFlags([], { PORT: 'eighty' });
    expect(bad.kind).toBe('error');
    expect(bad.kind === 'error' ? bad.text : '').toContain('--port');
    const network = parseFlags(['--no-build', '--network', 'viewer:loss=500'], {});
    expect(network.kind).toBe('error');
    expect(network.kind === 'error' ? network.text : '').toMatch(/--network: .*lossPercent/);
  });

  it('--help is the usage', () => {
    const help = parseFlags(['--help'], {});
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' ? help.text : '').toContain('--host ADDR');
  });

  it('as a process: a bad flag prints the usage and exits 2, --help prints it and exits 0', async () => {
    const bogus = run(['--bogus']);
    const help = run(['--help']);
    expect((await bogus.exited).code).toBe(2);
    expect(bogus.stderr).toMatch(/^sandbox: /m);
    expect(bogus.stderr).toContain('usage: npm start');
    expect((await help.exited).code).toBe(0);
    expect(help.stdout).toContain('--host ADDR');
  }, 90_000);
});
