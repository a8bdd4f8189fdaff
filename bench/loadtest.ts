/**
 * `npm run loadtest -- --viewers N --ramp 60s [--target sandbox|URL] [--hosts K]`
 * `npm run loadtest -- --target aws --stack NAME --viewers N --yes`: the real stage (bench/ivs-target/run.ts).
 *
 * sandbox (default): starts a sandbox child process on 127.0.0.1, one publisher (a synthetic werift publisher when
 * testkit/webrtc/publisher.ts), and ramps N lightweight subscribers (ICE, DTLS,
 * SRTP, no decoding) held by worker processes (bench/fleet-worker.ts). Each reports join time, time to first media
 * packet, packets and loss; the sandbox's CPU, memory, open files, the machine's UDP sockets and CPU are sampled every
 * second, and the verdict names what limited the run (bench/lib/limits.ts).
 *
 * URL: the token flash crowd: N POSTs of a viewer token request at the deployed token API (its base URL, or a site
 * whose config.json names it), ramped the same way, honouring 429 Retry-After. Tokens are never printed or stored.
 *
 * Writes <out>/loadtest-<time>.json (bench/lib/schema.ts LoadResultSchema) and .md. Exit 0 when the run completed
 * (even if the goal was missed: that is the finding), 1 when it could not run, 2 for bad flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isFleetRun } from './fleet/cli.js';
import { awsLoadMain, wantsAwsTarget } from './ivs-target/run.js';
import { runFleetCli } from './fleet/run.js';
import { argsOrExitCode, LOAD_USAGE, parseLoadArgs } from './lib/cli.js';
import { fanOutText } from './lib/fanout.js';
import { loadMarkdown } from './lib/markdown.js';
import { cleanupAll, errorText, log } from './load/common.js';
import { runSubscribers } from './load/subscribers.js';
import { runTokens } from './load/tokens.js';

async function main(): Promise<number> {
  // The fleet mode (ECS Fargate tasks, docs/load-testing.md) has its own flags and run.
  if (isFleetRun(process.argv.slice(2))) return runFleetCli(process.argv.slice(2));
  if (wantsAwsTarget(process.argv.slice(2))) return awsLoadMain(process.argv.slice(2));
  const parsed = argsOrExitCode(parseLoadArgs, LOAD_USAGE, process.argv.slice(2));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { args } = parsed;
  const stop = (signal: string): void => {
    log(`${signal}: stopping everything this run started`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (args.hosts !== null) log(fanOutText(args));
  try {
    const target = args.target;
    const result = target.kind === 'url' ? await runTokens({ ...args, target }) : await runSubscribers(args);
    await cleanupAll();
    const outDir = resolve(args.outDir);
    await mkdir(outDir, { recursive: true });
    const stem = `loadtest-${result.startedAt.slice(0, 19).replace(/:/g, '').replace('T', '-')}`;
    const json = join(outDir, `${stem}.json`);
    const md = join(outDir, `${stem}.md`);
    await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(md, loadMarkdown(result));
    log(`${result.succeeded} of ${result.requested} succeeded (${(result.successRate * 100).toFixed(2)} %)`);
    if (result.joinMs) log(`${result.mode === 'tokens' ? 'request' : 'join'} p50 ${result.joinMs.p50.toFixed(0)} ms, p95 ${result.joinMs.p95.toFixed(0)} ms, p99 ${result.joinMs.p99.toFixed(0)} ms`);
    if (result.firstPacketMs) log(`first packet p50 ${result.firstPacketMs.p50.toFixed(0)} ms, p95 ${result.firstPacketMs.p95.toFixed(0)} ms`);
    log(result.limits.verdict);
    log(`wrote ${json} and ${md}`);
    return 0;
  } catch (error) {
    process.stderr.write(`\nloadtest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
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
