/**
 * Smoke runs of `npm run bench` and `npm run loadtest` with tiny parameters, as a user runs them (child processes
 * through tsx), writing into a temporary directory: the JSON they write must validate against bench/lib/schema.ts and
 * carry the figures each part is responsible for. Nothing here asserts on speed; the figures are the bench's business.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BenchResultSchema, LoadResultSchema } from '../lib/schema.js';
import { startSandbox, type RunningSandbox } from '../../testkit/sandbox.js';

const run = promisify(execFile);
const ROOT = resolve(process.cwd());

/** Processes whose environment carries `mark`: everything a tool started inherits it (sandbox, workers, Chromium). */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(mark)) found.push(Number(name));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Processes the tool started that were still alive a moment after it exited. */
  readonly leftovers: number[];
}

async function tool(script: string, args: readonly string[], timeoutMs: number): Promise<Ran> {
  const mark = `BENCH_SMOKE_MARK=${randomUUID()}`;
  const env = { ...process.env, FORCE_COLOR: '0', BENCH_SMOKE_MARK: mark.split('=')[1] };
  let out: Omit<Ran, 'leftovers'>;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env });
    out = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    out = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
  // Children get a moment to finish exiting after their parent (no timing is asserted: this only avoids a race).
  let leftovers = processesMarked(mark);
  for (let i = 0; i < 50 && leftovers.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    leftovers = processesMarked(mark);
  }
  return { ...out, leftovers };
}

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('npm run bench', () => {
  it('rejects a bad flag with the usage text and exit code 2', async () => {
    const r = await tool('bench/run.ts', ['--only', 'everything'], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown part(s) everything');
    expect(r.stderr).toContain('Usage: npm run bench');
  }, 90_000);

  it('--quick writes a valid result with every part, a Markdown summary and charts', async () => {
    const dir = join(out, 'bench');
    const r = await tool('bench/run.ts', ['--quick', '--subscribers', '0,1', '--window', '2', '--out', dir, '--name', 'smoke'], 420_000);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });

    const result = BenchResultSchema.parse(JSON.parse(await readFile(join(dir, 'smoke.json'), 'utf8')));
    expect(result.quick).toBe(true);
    expect(result.goals.map((g) => g.id)).toEqual(
      expect.arrayContaining(['latency-alone-p95', 'latency-100-p95', 'ttff-p95', 'sfu-us-per-packet', 'tokens-per-core', 'page-js-gzip']),
    );
    // Tokens: the handler minted, and the emulated path answered through the AWS SDK.
    expect(result.tokens?.selfSignedPerSec).toBeGreaterThan(0);
    expect(result.tokens?.handlerP99Ms).toBeGreaterThan(0);
    expect(result.tokens?.emulated?.requests).toBeGreaterThan(0);
    expect(result.tokens?.emulated?.errors).toBe(0);
    // Lambda bundle and cold init.
    expect(result.lambda?.bundleBytes).toBeGreaterThan(0);
    expect(result.lambda?.coldInitMs?.count).toBe(2);
    // Every phase asked for was measured; the one extra subscriber was connected and the SFU forwarded to it.
    const phases = result.latency?.phases ?? [];
    expect(phases.map((p) => p.extraSubscribers)).toEqual([0, 1]);
    expect(phases[1]?.extraConnected).toBe(1);
    expect(phases[1]?.forwardedPacketsPerSec).toBeGreaterThan(0);
    expect(phases[1]?.server?.rssMiB).toBeGreaterThan(0);
    // Page weight is measured when the site builds, or says why it was not.
    expect(result.web !== null || result.skipped.some((s) => s.what === 'page weight')).toBe(true);

    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['smoke.json', 'smoke.md', 'smoke-latency-vs-subscribers.svg']));
    const md = await readFile(join(dir, 'smoke.md'), 'utf8');
    expect(md).toContain('## Goals');
    expect(md).toContain('![');
    expect(r.stdout).toContain('goals:');
    // Sandbox, subscriber workers and Chromium all ended with the run.
    expect(r.leftovers).toEqual([]);
  }, 480_000);
});

describe('npm run loadtest', () => {
  it('rejects a missing --viewers with the usage text and exit code 2', async () => {
    const r = await tool('bench/loadtest.ts', ['--ramp', '1s'], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--viewers N is required');
    expect(r.stderr).toContain('Usage: npm run loadtest');
  }, 90_000);

  it('joins 3 subscribers to a sandbox stage and reports each', async () => {
    const dir = join(out, 'load');
    const r = await tool('bench/loadtest.ts', ['--viewers', '3', '--ramp', '1s', '--hold', '2s', '--workers', '1', '--out', dir], 240_000);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = LoadResultSchema.parse(JSON.parse(await readFile(join(dir, files[0] as string), 'utf8')));
    expect(result).toMatchObject({ mode: 'subscribers', requested: 3, succeeded: 3, successRate: 1 });
    expect(result.subscribers).toHaveLength(3);
    for (const s of result.subscribers) {
      expect(s.ok).toBe(true);
      expect(s.packets).toBeGreaterThan(0);
      expect(s.firstPacketMs).not.toBeNull();
    }
    expect(result.joinMs?.count).toBe(3);
    expect(result.limits.serverPeak?.rssMiB).toBeGreaterThan(0);
    expect(result.limits.verdict).toContain('3 of 3');
    expect(existsSync(join(dir, (files[0] as string).replace(/\.json$/, '.md')))).toBe(true);
    expect(r.leftovers).toEqual([]);
  }, 300_000);

  describe('against a URL (token flash crowd)', () => {
    let sandbox: RunningSandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ media: false });
    }, 90_000);
    afterAll(async () => {
      await sandbox?.stop();
    });

    it('finds the token API from config.json and gets a token for every request', async () => {
      const dir = join(out, 'tokens');
      const r = await tool('bench/loadtest.ts', ['--viewers', '5', '--ramp', '500ms', '--target', sandbox.url, '--hosts', '2', '--out', dir], 120_000);
      expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toContain('Fan-out over 2 machines: 3 each');
      const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
      const result = LoadResultSchema.parse(JSON.parse(await readFile(join(dir, files[0] as string), 'utf8')));
      expect(result).toMatchObject({ mode: 'tokens', requested: 5, succeeded: 5, target: `${sandbox.url}/api/tokens` });
      expect(result.tokens?.statuses).toEqual({ '201': 5 });
      // Bearer secrets stay out of what the tool writes and prints.
      const written = await readFile(join(dir, files[0] as string), 'utf8');
      expect(written).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
      expect(r.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }, 150_000);
  });
});
