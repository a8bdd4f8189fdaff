/**
 * The fleet worker entry point (bench/fleet/worker-main.ts) as K local processes against one sandbox with media, its
 * outputs going to the local sink: each process mints its own subscribe-only tokens with a key imported into the
 * sandbox (as a task does with the fleet's IVS public key), joins its subscribers, reports progress as EMF lines and
 * writes its results file under the run's prefix; SIGTERM (what StopTask sends) makes it leave early and still report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImportPublicKeyCommand } from '@aws-sdk/client-ivs-realtime';
import { FLEET_METRIC_NAMESPACE, RUN_ENV, TASK_ENV, resultsKey } from '../../../lib/fleet/contract.js';
import { repoPath } from '../../../lib/defaults.js';
import { WORKER_FILE, bundleWorker } from '../../../lib/fleet/worker-bundle.js';
import { startMediaSandbox, type MediaSandbox } from '../../../test/local/media-fixtures.js';
import { publish, type Publisher } from '../../../testkit/webrtc/publisher.js';
import { TaskResults, type FleetRunPlan } from '../../fleet/protocol.js';

let sb: MediaSandbox;
let pub: Publisher;
let publisherId: string;
let dir: string;
let keyFile: string;
let publicKeyArn: string;

beforeAll(async () => {
  sb = await startMediaSandbox();
  dir = mkdtempSync(path.join(tmpdir(), 'fleet-worker-'));
  // A key pair made for this test only; the sandbox learns the public half the way IVS does (ImportPublicKey).
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  keyFile = path.join(dir, 'signing-key.pem');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const imported = await sb.ivs.send(
    new ImportPublicKeyCommand({ publicKeyMaterial: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), name: 'fleet-test' }),
  );
  publicKeyArn = imported.publicKey?.arn ?? '';
  const host = await sb.token(['PUBLISH']);
  publisherId = host.participantId;
  pub = await publish({ whipUrl: `${sb.url}/whip`, token: host.token, bitrateKbps: 100, fps: 10 });
  await pub.connected(20_000);
}, 60_000);

const started: ChildProcess[] = [];

afterAll(async () => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
  await pub?.close().catch(() => undefined);
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function plan(runId: string, holdMs: number): FleetRunPlan {
  return {
    runId,
    viewers: 2,
    rampMs: 300,
    holdMs,
    // Generous: the test shares two cores with everything else running; a join is a few ms when the box is idle.
    joinTimeoutMs: 45_000,
    maxInFlight: 1,
    stageArn: sb.stageArn,
    whipUrl: `${sb.url}/whip`,
    eventsUrl: `${sb.url}/events`,
    subscribeUrl: `${sb.url}/whip/subscribe/${publisherId}`,
    audio: false,
    tokenMinutes: 5,
    progressEveryMs: 250,
  };
}

interface Worker {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  stderr(): string;
}

/** `script` null: the TypeScript entry point through tsx; else a bundled worker file (what a task downloads). */
function startWorker(p: FleetRunPlan, taskId: string, sink: string, script: string | null = null): Worker {
  const argv = script === null ? ['--import', 'tsx', repoPath('bench/fleet/worker-main.ts')] : [script];
  const child = spawn(process.execPath, argv, {
    cwd: repoPath(),
    env: {
      PATH: process.env['PATH'] ?? '',
      [RUN_ENV]: JSON.stringify(p),
      FLEET_TASK_ID: taskId,
      FLEET_SINK_DIR: sink,
      FLEET_SIGNING_KEY_FILE: keyFile,
      [TASK_ENV.publicKeyArn]: publicKeyArn,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdout?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, stderr: () => err };
}

const emf = (sink: string, taskId: string): Record<string, unknown>[] => {
  const file = path.join(sink, `${taskId}.emf.jsonl`);
  if (!existsSync(file)) return [];
  // The worker appends while this reads: only lines with their newline are complete.
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
};

const allFiles = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(d, e.name)) : [path.join(d, e.name)]));

/** Polls a file-based condition (the workers report through files, not events this process could await). */
async function until(check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

async function subscribersLeft(): Promise<number> {
  // Sessions are DELETEd before the worker exits; the SFU drops the peer on the DELETE.
  for (let i = 0; i < 100 && sb.media.stats().subscribers > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return sb.media.stats().subscribers;
}

describe('fleet worker as local processes', () => {
  it('K=2 processes each join 2 subscribers with self-minted tokens and write EMF progress and a results file', async () => {
    const sink = path.join(dir, 'run-a');
    const p = plan('local-a', 3000);
    // The second process starts once the first has a subscriber in: on a shared 2-core box two cold processes doing
    // their first DTLS handshake at once can starve past the SFU's 20 s connect limit (docs/sfu.md). They then run
    // side by side through the ramp and the hold.
    const workers = [startWorker(p, 'task-one', sink)];
    await until(() => (emf(sink, 'task-one').pop()?.['Joined'] as number | undefined ?? 0) >= 1);
    workers.push(startWorker(p, 'task-two', sink));
    const codes = await Promise.all(workers.map((w) => w.exit));
    expect({ codes, logs: codes.some((c) => c !== 0) ? workers.map((w) => w.stderr()) : [] }).toEqual({ codes: [0, 0], logs: [] });

    for (const taskId of ['task-one', 'task-two']) {
      const results = TaskResults.parse(JSON.parse(readFileSync(path.join(sink, resultsKey('local-a', taskId)), 'utf8')));
      expect(results).toMatchObject({ runId: 'local-a', taskId, requested: 2, stoppedEarly: false });
      expect(results.subscribers.map((s) => [s.ok, s.error, s.joinMs === null ? null : 'joined'])).toEqual([
        [true, null, 'joined'],
        [true, null, 'joined'],
      ]);
      for (const s of results.subscribers) expect(s.packets).toBeGreaterThan(0);
      expect(results.holdPackets).toBeGreaterThan(0);

      const lines = emf(sink, taskId);
      expect(lines.length).toBeGreaterThan(0);
      const last = lines[lines.length - 1] as Record<string, unknown>;
      expect(last).toMatchObject({ RunId: 'local-a', TaskId: taskId, Joined: 2, Failed: 0, Pending: 0 });
      expect(last['_aws']).toMatchObject({
        CloudWatchMetrics: [{ Namespace: FLEET_METRIC_NAMESPACE, Dimensions: [['RunId', 'TaskId']] }],
      });
      expect(last['PacketsReceived'] as number).toBeGreaterThan(0);
    }
    // Tokens are bearer secrets: none in the sink, none in what the workers printed.
    for (const file of allFiles(sink)) expect({ file, jwt: /eyJ[\w-]+\.eyJ/.test(readFileSync(file, 'utf8')) }).toEqual({ file, jwt: false });
    for (const w of workers) expect(w.stderr()).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(await subscribersLeft()).toBe(0);
  }, 150_000);

  it('leaves the stage and still writes its results when stopped with SIGTERM mid-hold', async () => {
    const sink = path.join(dir, 'run-b');
    const w = startWorker(plan('local-b', 120_000), 'task-stopped', sink);
    await until(() => emf(sink, 'task-stopped').pop()?.['Joined'] === 2);
    expect(emf(sink, 'task-stopped').pop()).toMatchObject({ Joined: 2 });
    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    const results = TaskResults.parse(JSON.parse(readFileSync(path.join(sink, resultsKey('local-b', 'task-stopped')), 'utf8')));
    expect(results.stoppedEarly).toBe(true);
    expect(results.subscribers.filter((s) => s.ok)).toHaveLength(2);
    expect(await subscribersLeft()).toBe(0);
  }, 150_000);

  it('runs the same way from the esbuild bundle the fleet stack uploads (no tsx, no node_modules beside it)', async () => {
    const out = path.join(dir, 'bundle');
    bundleWorker(out);
    const sink = path.join(dir, 'run-c');
    const w = startWorker({ ...plan('local-c', 1000), viewers: 1 }, 'task-bundled', sink, path.join(out, WORKER_FILE));
    const code = await w.exit;
    expect({ code, log: code === 0 ? '' : w.stderr() }).toEqual({ code: 0, log: '' });
    const results = TaskResults.parse(JSON.parse(readFileSync(path.join(sink, resultsKey('local-c', 'task-bundled')), 'utf8')));
    expect(results.subscribers.map((s) => [s.ok, s.error])).toEqual([[true, null]]);
    expect(await subscribersLeft()).toBe(0);
  }, 150_000);
});
