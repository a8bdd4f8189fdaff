/**
 * `npm run bench`: every figure the issues set a goal for, measured on this machine in one go, against a sandbox this
 * process starts as a child (127.0.0.1 only) and stops again. Writes <out>/<name>.json (validated against
 * bench/lib/schema.ts), <name>.md and <name>-*.svg, and prints each figure beside its goal.
 *
 * A part that cannot run (no Chromium, a module another helper has not written yet) is recorded in `skipped` with the
 * reason and the rest still runs; the exit code is 0 when the run completed, whatever the goals say (a missed goal is
 * a finding, not a crash), 1 when the run itself failed, 2 for bad flags.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { argsOrExitCode, BENCH_USAGE, parseBenchArgs, type BenchArgs } from './lib/cli.js';
import { benchCharts } from './lib/charts.js';
import { defaultStageArn, sandboxIvsClient } from './lib/ivs.js';
import { benchMarkdown, fmtNumber, mark } from './lib/markdown.js';
import { chromiumVersion, machineInfo } from './lib/proc.js';
import { startSandbox, type RunningSandbox } from '../testkit/sandbox.js';
import { goalsFor } from './lib/goals.js';
import { BenchResultSchema, type BenchResult, type Goal } from './lib/schema.js';
import { benchLambda } from './parts/lambda.js';
import { benchLatency, ChromiumMediaError } from './parts/latency.js';
import { benchLightClient, LIGHT_CLIENT_GOAL_US_PER_PACKET } from './parts/light-client.js';
import { benchJanus, benchSfu } from './parts/sfu.js';
import { benchEmulatedTokens, runTokenBench } from './parts/tokens.js';
import { benchWebWeight } from './parts/web.js';
import { CHROMIUM_PATH } from '../testkit/chromium.js';

const log = (line: string): void => {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/** Janus's HTTP API port while the bench runs it. */
const JANUS_PORT = Number(process.env['BENCH_JANUS_PORT'] ?? 18088);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Everything started is stopped here, on success, failure or Ctrl-C. */
const cleanups: (() => Promise<void>)[] = [];
async function cleanupAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}

export async function runBench(args: BenchArgs): Promise<{ result: BenchResult; files: string[] }> {
  const started = new Date();
  const t0 = performance.now();
  const skipped: BenchResult['skipped'] = [];
  const notes: string[] = [];
  const chromium = existsSync(CHROMIUM_PATH) ? chromiumVersion(CHROMIUM_PATH) : null;
  const machine = machineInfo(chromium);
  const want = new Set(args.parts);

  let latency: BenchResult['latency'] = null;
  let sfu: BenchResult['sfu'] = null;
  let reference: BenchResult['reference'] = null;
  let tokens: BenchResult['tokens'] = null;
  let web: BenchResult['web'] = null;
  let lambda: BenchResult['lambda'] = null;

  // Cheap, CPU-bound parts first, before the sandbox and browsers share the cores with them.
  if (want.has('tokens')) {
    log('tokens: self-signed minting through the token handler');
    try {
      const out = await runTokenBench(args.quick ? 1 : 5);
      tokens = {
        selfSignedPerSec: out.selfSignedPerSec,
        selfSignedPerSecPerCore: out.selfSignedPerSec,
        handlerP50Ms: out.handlerP50Ms,
        handlerP99Ms: out.handlerP99Ms,
        emulated: null,
      };
      notes.push(
        `Token throughput ceiling: a bare ES384 (ECDSA P-384) signature with node:crypto runs ${fmtNumber(out.rawSignPerSec, 0)}/s on one core of this machine; ` +
          'every IVS token needs one, so no handler on this CPU can mint faster.',
      );
      log(`  ${fmtNumber(tokens.selfSignedPerSec, 0)} tokens/s on one core, handler p50 ${fmtNumber(tokens.handlerP50Ms, 2)} ms, p99 ${fmtNumber(tokens.handlerP99Ms, 2)} ms`);
    } catch (error) {
      skipped.push({ what: 'self-signed token throughput', why: errorText(error) });
    }
  }
  if (want.has('lambda')) {
    log('lambda: bundling the token function and timing cold init');
    try {
      lambda = await benchLambda({ runs: args.quick ? 2 : 7 });
      log(`  bundle ${fmtNumber(lambda.bundleBytes / 1024)} KiB (${fmtNumber(lambda.gzipBytes / 1024)} KiB gzip), cold init p50 ${fmtNumber(lambda.coldInitMs?.p50)} ms`);
    } catch (error) {
      skipped.push({ what: 'token Lambda bundle and cold init', why: errorText(error) });
    }
  }
  if (want.has('web')) {
    log('web: building the pages (minified) and weighing each page');
    try {
      const out = await benchWebWeight();
      if ('skipped' in out) skipped.push({ what: 'page weight', why: out.skipped });
      else {
        web = out.result;
        for (const p of web.pages) log(`  ${p.page}: ${fmtNumber(p.gzipBytes / 1000)} KB gzip beyond the SDK`);
      }
    } catch (error) {
      skipped.push({ what: 'page weight', why: errorText(error) });
    }
  }

  if (want.has('latency') || want.has('tokens')) {
    let sandbox: RunningSandbox | null = null;
    try {
      log('starting the sandbox (child process, 127.0.0.1)');
      sandbox = await startSandbox();
      const s = sandbox;
      cleanups.push(() => s.stop());
      const client = sandboxIvsClient(sandbox.url);
      const stageArn = await defaultStageArn(client);

      if (want.has('tokens')) {
        log('tokens: CreateParticipantToken through the AWS SDK against the sandbox emulator');
        const emulated = await benchEmulatedTokens(client, stageArn, args.quick ? 1 : 5, 8);
        tokens = tokens ?? { selfSignedPerSec: null, selfSignedPerSecPerCore: null, handlerP50Ms: null, handlerP99Ms: null, emulated: null };
        tokens = { ...tokens, emulated };
        log(`  ${fmtNumber(emulated.perSec, 0)} req/s, p99 ${fmtNumber(emulated.latencyMs?.p99, 2)} ms, ${emulated.errors} errors`);
      }

      if (want.has('latency')) {
        const common = {
          sandboxUrl: sandbox.url,
          sandboxPid: sandbox.pid,
          stageArn,
          phases: args.subscribers,
          windowSeconds: args.windowSeconds,
          settleSeconds: args.quick ? 1 : 5,
          ttffJoins: args.quick ? 1 : 5,
          audio: false,
          width: 640,
          height: 480,
          fps: 30,
          maxBitrateKbps: 500,
          // Gentle ramps and two subscriber processes: at 200 subscribers one JavaScript thread of SRTP is most of a core.
          rampPerSec: 10,
          fleetWorkers: args.quick ? 1 : 2,
          log: (l: string) => log(`  ${l}`),
        };
        log(`latency: phases with ${args.subscribers.join(', ')} extra subscribers, ${args.windowSeconds} s windows`);
        let out: Awaited<ReturnType<typeof benchLatency>> | null = null;
        if (!chromium) {
          skipped.push({ what: 'glass-to-glass latency and time-to-first-frame', why: `no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)` });
        } else {
          try {
            out = await benchLatency({ ...common, mode: 'chromium' });
          } catch (error) {
            if (!(error instanceof ChromiumMediaError)) throw error;
            skipped.push({ what: 'glass-to-glass latency and time-to-first-frame', why: error.message });
            log(`  ${error.message}`);
          }
        }
        if (!out) {
          log('  measuring the SFU with the synthetic publisher instead (no browser)');
          out = await benchLatency({ ...common, mode: 'synthetic' });
        }
        // In synthetic mode the phases carry the SFU figures with latency null (and the reason in `skipped`).
        latency = out.section;
        notes.push(...out.notes);
        sfu = { ...out.sfu, microbench: null };
      }
      if (want.has('latency')) {
        log('sfu: cost per subscriber and per packet with the synthetic publisher (bench/parts/sfu.ts)');
        try {
          const s = await benchSfu({
            sandboxUrl: sandbox.url,
            sandboxPid: sandbox.pid,
            stageArn,
            steps: args.quick ? [0, 2] : [0, 25, 50, 100],
            windowSeconds: args.quick ? 3 : 20,
            settleSeconds: args.quick ? 1 : 5,
            log: (l) => log(`  ${l}`),
          });
          // The latency phases' fit (0..200 subscribers, 30 s windows) stays the SFU figure when there is one; the
          // synthetic-publisher figures (no browser on the cores) go beside it, under microbench.
          const own = { ...s.section.microbench, cpuPercentPerSubscriber: s.section.cpuPercentPerSubscriber, rssMiBPerSubscriber: s.section.rssMiBPerSubscriber, marginalCpuUsPerPacket: s.section.marginalCpuUsPerPacket };
          sfu = sfu && sfu.cpuPercentPerSubscriber !== null ? { ...sfu, microbench: own } : { ...s.section, microbench: own };
          notes.push(...s.notes);
        } catch (error) {
          skipped.push({ what: 'SFU cost with the synthetic publisher (bench/parts/sfu.ts)', why: errorText(error) });
        }
        log('janus: the same steps against Janus (the reference SFU), when installed');
        try {
          const j = await benchJanus({
            steps: args.quick ? [0, 2] : [0, 25, 50, 100],
            windowSeconds: args.quick ? 3 : 20,
            settleSeconds: args.quick ? 1 : 5,
            port: JANUS_PORT,
            log: (l) => log(`  ${l}`),
            onSkip: (why) => skipped.push({ what: 'Janus reference SFU', why }),
          });
          if (j) {
            reference = { janus: j.section };
            notes.push(...j.notes);
          }
        } catch (error) {
          skipped.push({ what: 'Janus reference SFU', why: errorText(error) });
        }
        log('light subscriber: CPU per received packet (testkit/light/subscriber.ts)');
        try {
          const c = await benchLightClient({
            sandboxUrl: sandbox.url,
            stageArn,
            subscribers: args.quick ? 5 : 50,
            windowSeconds: args.quick ? 3 : 20,
            settleSeconds: args.quick ? 1 : 5,
            log: (l) => log(`  ${l}`),
          });
          const figure = c.usPerPacket === null ? 'no packets' : `${fmtNumber(c.usPerPacket, 1)} µs`;
          const line =
            `Light subscriber (testkit/light): ${figure} of CPU per received packet (goal ≤ ${LIGHT_CLIENT_GOAL_US_PER_PACKET} µs), ` +
            `${c.receiving}/${c.subscribers} receiving ${fmtNumber(c.packetsPerSecPerSubscriber ?? 0, 0)} packets/s each over ${c.windowSeconds} s; ` +
            `process CPU time of the subscriber child, inflated when other work shares the cores.`;
          notes.push(line);
          log(`  ${line}`);
        } catch (error) {
          skipped.push({ what: 'light subscriber CPU per packet (bench/parts/light-client.ts)', why: errorText(error) });
        }
      }
    } catch (error) {
      const tail = sandbox?.logTail().trim();
      skipped.push({ what: 'sandbox parts (latency, SFU, emulated tokens)', why: `${errorText(error)}${tail ? ` — sandbox log: ${tail.slice(-600)}` : ''}` });
      log(`sandbox parts failed: ${errorText(error)}`);
    } finally {
      await cleanupAll();
    }
  }

  const finished = new Date();
  const result = BenchResultSchema.parse({
    schemaVersion: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    quick: args.quick,
    machine,
    goals: goalsFor({ latency, sfu, tokens, web, reference }),
    latency,
    sfu,
    tokens,
    web,
    lambda,
    reference,
    skipped,
    notes,
  } satisfies BenchResult);
  const files = await writeResults(result, args);
  return { result, files };
}

async function writeResults(result: BenchResult, args: Pick<BenchArgs, 'outDir' | 'name'>, withJson = true): Promise<string[]> {
  const outDir = resolve(args.outDir);
  await mkdir(outDir, { recursive: true });
  const stem = args.name ?? `${result.startedAt.slice(0, 10)}${result.quick ? '-quick' : ''}`;
  const charts = benchCharts(result).map((c) => ({ ...c, file: `${stem}-${c.suffix}` }));
  const files: string[] = [];
  const write = async (file: string, text: string): Promise<void> => {
    const p = join(outDir, file);
    await writeFile(p, text);
    files.push(p);
  };
  if (withJson) await write(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  for (const c of charts) await write(c.file, c.svg);
  await write(`${stem}.md`, benchMarkdown(result, charts.map((c) => ({ file: c.file, alt: c.alt }))));
  return files;
}

/** --render: the Markdown and charts are functions of the JSON alone, so an old run can be redrawn with newer writers. */
async function render(file: string): Promise<string[]> {
  const result = BenchResultSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  return writeResults(result, { outDir: dirname(resolve(file)), name: basename(file).replace(/\.json$/, '') }, false);
}

function printGoals(goals: readonly Goal[]): void {
  log('goals:');
  for (const g of goals) {
    const value = g.value === null ? 'not measured' : `${fmtNumber(g.value)} ${g.unit}`;
    log(`  ${mark(g.pass)} ${g.label}: ${value} (goal ${g.comparator === '<=' ? '≤' : '≥'} ${fmtNumber(g.target)} ${g.unit})${g.note ? ` — ${g.note}` : ''}`);
  }
}

async function main(): Promise<number> {
  const parsed = argsOrExitCode(parseBenchArgs, BENCH_USAGE, process.argv.slice(2));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { args } = parsed;
  if (args.render !== null) {
    try {
      log(`redrew ${(await render(args.render)).join(', ')}`);
      return 0;
    } catch (error) {
      process.stderr.write(`cannot render ${args.render}: ${errorText(error)}\n`);
      return 1;
    }
  }
  const stop = (signal: string): void => {
    log(`${signal}: stopping everything this run started`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    const { result, files } = await runBench(args);
    printGoals(result.goals);
    for (const s of result.skipped) log(`skipped ${s.what}: ${s.why}`);
    log(`wrote ${files.join(', ')}`);
    return 0;
  } catch (error) {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await cleanupAll();
  }
}

// Exit explicitly: werift and the AWS SDK keep sockets and timers that would hold the process open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  },
);
