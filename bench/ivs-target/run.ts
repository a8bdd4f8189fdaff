/**
 * `npm run loadtest -- --target aws --stack IvsTestEnv --viewers N [--yes]` (or `--api URL --stage ARN`): N light
 * subscribers (testkit/light) joined to the real IVS stage at the ramp rate, watching the stage's publisher.
 *
 * Before anything connects it prints the participant-hours and what they cost (bench/ivs-target/cost.ts) and
 * refuses to go on without --yes (exit 2). It never leaves a participant connected: the end, an error and Ctrl-C
 * each DELETE every session and close every peer, then disconnect (DisconnectParticipant) anything of ours the stage
 * still lists; and every run first disconnects leftovers of an earlier run that was killed (same user-id prefix).
 *
 * For other runners (a fleet of tasks): `joinCrowd` in testkit/light/crowd.ts is the worker-facing API, and
 * `stackOutputs` / `disconnectOurs` in stage.ts / `apiMinter` / `selfSignedMinter` in tokens.ts are the pieces
 * around it; this file only wires them to flags and a report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { joinCrowd, type CrowdMember } from '../../testkit/light/crowd.js';
import { summarize, type Summary } from '../../web/src/measure/percentiles.js';
import { parseDuration } from '../lib/rate.js';
import { estimateCost, loadPricing } from './cost.js';
import { disconnectOurs, publisherToWatch, stackOutputs, stageInfo } from './stage.js';
import { apiMinter, minimumMintSeconds, readKeyFile, selfSignedMinter, type MintedToken, type Minter } from './tokens.js';

const AWS_LOAD_USAGE = `Usage: npm run loadtest -- --target aws --viewers N (--stack NAME | --api URL --stage ARN) --yes [options]

Joins N light subscribers (testkit/light: ICE, DTLS, SRTCP receiver reports, no decoding) to the real IVS stage and
reports join time, time to first packet, loss, received bitrate, success rate and what limited the run. This costs
money: the participant-hours and their price are printed first, and nothing connects without --yes.

  --viewers N         subscribers (1..20000)
  --stack NAME        read ApiUrl and StageArn from this CloudFormation stack's outputs (credentials: default chain)
  --api URL           the token API base (instead of --stack; needs --stage)
  --stage ARN         the stage (instead of --stack)
  --region REGION     AWS region (default: the SDK's, e.g. AWS_REGION)
  --key FILE          sign tokens here with this P-384 private key (PEM) instead of the token API; needs --key-arn
  --key-arn ARN       the IVS public key ARN the key was imported as (ImportPublicKey)
  --publisher ID      participant to watch (default: the first one publishing that is not ours)
  --ramp DURATION     spread the starts over this long (default 60s)
  --hold DURATION     keep everyone connected this long after the ramp (default 20s)
  --ice-server URL    a STUN or TURN server for ICE (default none: host candidates only)
  --prefix TEXT       user-id prefix of our participants, used to find leftovers (default loadtest-)
  --out DIR           where results go (default bench/results)
  --yes               accept the printed cost and run
`;

class AwsUsageError extends Error {}

export interface AwsLoadArgs {
  readonly viewers: number;
  readonly stack: string | undefined;
  readonly api: string | undefined;
  readonly stage: string | undefined;
  readonly region: string | undefined;
  readonly keyFile: string | undefined;
  readonly keyArn: string | undefined;
  readonly publisher: string | undefined;
  readonly rampMs: number;
  readonly holdMs: number;
  readonly iceServers: readonly string[];
  readonly prefix: string;
  readonly outDir: string;
  readonly yes: boolean;
  readonly help: boolean;
}

/** True when argv asks for the real service (`--target aws`). */
export function wantsAwsTarget(argv: readonly string[]): boolean {
  const i = argv.indexOf('--target');
  return argv.includes('--target=aws') || (i >= 0 && argv[i + 1] === 'aws');
}

export function parseAwsLoadArgs(argv: readonly string[]): AwsLoadArgs {
  let v: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        target: { type: 'string' },
        viewers: { type: 'string' },
        stack: { type: 'string' },
        api: { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        key: { type: 'string' },
        'key-arn': { type: 'string' },
        publisher: { type: 'string' },
        ramp: { type: 'string' },
        hold: { type: 'string' },
        'ice-server': { type: 'string', multiple: true },
        prefix: { type: 'string' },
        out: { type: 'string' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new AwsUsageError(error instanceof Error ? error.message : String(error));
  }
  const s = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const help = v['help'] === true;
  const viewers = Number(s('viewers'));
  if (!help && (!Number.isInteger(viewers) || viewers < 1 || viewers > 20_000)) throw new AwsUsageError('--viewers N is required (1..20000)');
  if (!help && !s('stack') && !(s('api') && s('stage'))) throw new AwsUsageError('name the stack (--stack NAME) or the token API and stage (--api URL --stage ARN)');
  if (!help && s('stack') && (s('api') || s('stage'))) throw new AwsUsageError('--stack reads the API and stage itself: drop --api/--stage, or drop --stack');
  if (!help && (s('key') === undefined) !== (s('key-arn') === undefined)) throw new AwsUsageError('--key and --key-arn go together');
  const duration = (flag: string, dflt: number): number => {
    const text = s(flag);
    if (text === undefined) return dflt;
    try {
      return parseDuration(text);
    } catch (error) {
      throw new AwsUsageError(`--${flag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const ice = (Array.isArray(v['ice-server']) ? v['ice-server'] : []).filter((x): x is string => typeof x === 'string');
  for (const u of ice) if (!/^(stun|stuns|turn|turns):/.test(u)) throw new AwsUsageError(`--ice-server: "${u}" is not a stun: or turn: URL`);
  return {
    viewers: help ? 0 : viewers,
    stack: s('stack'),
    api: s('api')?.replace(/\/+$/, ''),
    stage: s('stage'),
    region: s('region'),
    keyFile: s('key'),
    keyArn: s('key-arn'),
    publisher: s('publisher'),
    rampMs: duration('ramp', 60_000),
    holdMs: duration('hold', 20_000),
    iceServers: ice,
    prefix: s('prefix') ?? 'loadtest-',
    outDir: s('out') ?? 'bench/results',
    yes: v['yes'] === true,
    help,
  };
}

export interface AwsLoadDeps {
  readonly cloudFormation?: CloudFormationClient;
  readonly ivs?: IVSRealTimeClient;
  readonly log?: (line: string) => void;
  /** Aborts the run (Ctrl-C); clean-up still runs. */
  readonly signal?: AbortSignal;
}

export interface AwsLoadResult {
  readonly kind: 'loadtest-aws';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly stageArn: string;
  readonly publisherId: string;
  readonly requested: number;
  readonly joined: number;
  readonly successRate: number;
  readonly rampSeconds: number;
  readonly holdSeconds: number;
  readonly participantHoursEstimate: number;
  readonly usdEstimate: number;
  readonly mintSeconds: number;
  readonly tokenSource: 'self-signed' | 'token-api';
  readonly throttled429: number;
  readonly joinMs: Summary | null;
  readonly firstPacketMs: Summary | null;
  readonly lossPercent: number | null;
  readonly receivedKbpsPerSubscriber: number | null;
  readonly clientCpuPercent: number;
  readonly errors: Record<string, number>;
  readonly leftoversBefore: number;
  readonly disconnectedAfter: number;
  readonly limitedBy: string;
  readonly aborted: boolean;
}

/** What limited the run, from what this side can see: its own CPU, its sockets, or the service's answers. */
function limitedBy(o: { cpuPercentOfAllCores: number; errors: Record<string, number>; successRate: number; throttled429: number }): string {
  const socketErrors = Object.entries(o.errors).filter(([k]) => /EMFILE|ENFILE|EADDRINUSE|ENOBUFS/.test(k)).reduce((a, [, n]) => a + n, 0);
  const serviceErrors = Object.entries(o.errors).filter(([k]) => /HTTP_|[45]\d\d/.test(k)).reduce((a, [, n]) => a + n, 0);
  if (socketErrors > 0) return `this machine's sockets (${socketErrors} join(s) failed with a socket error: raise ulimit -n)`;
  if (o.cpuPercentOfAllCores >= 90) return `this machine's CPU (${o.cpuPercentOfAllCores.toFixed(0)} % of all cores while holding): spread the load over more machines`;
  if (serviceErrors > 0) return `the service's answers (${serviceErrors} refused offer(s); see errors)`;
  if (o.throttled429 > 0 && o.successRate < 1) return `token minting (${o.throttled429} × 429 from the token API: CreateParticipantToken allows 50/s)`;
  if (o.successRate < 1) return 'joins that never received media (see errors: ICE/DTLS timeouts point at the network path)';
  return 'nothing seen from here: every subscriber joined and received media';
}

const errorKey = (message: string): string => {
  const m = /: (\d{3}) (\S+)/.exec(message);
  if (m) return `${m[1]} ${m[2]}`;
  const sys = /\b(E[A-Z]{3,})\b/.exec(message);
  return sys?.[1] ?? message.slice(0, 80);
};

export async function runAwsLoad(args: AwsLoadArgs, deps: AwsLoadDeps = {}): Promise<{ code: number; result?: AwsLoadResult }> {
  const log = deps.log ?? ((l: string) => process.stdout.write(`[loadtest aws] ${l}\n`));
  const region = args.region ? { region: args.region } : {};
  const ivs = deps.ivs ?? new IVSRealTimeClient(region);
  const startedAt = new Date();

  // The price first, before any call that connects anyone.
  const cost = estimateCost({ viewers: args.viewers, rampMs: args.rampMs, holdMs: args.holdMs }, loadPricing());
  log(cost.text);
  if (!args.keyFile) {
    log(`Tokens come from the token API: CreateParticipantToken allows ${50}/s, so ${args.viewers} tokens take at least ${minimumMintSeconds(args.viewers).toFixed(1)} s.`);
  }
  if (!args.yes) {
    log('Not started: add --yes to accept this cost and run.');
    return { code: 2 };
  }

  let stageArn = args.stage ?? '';
  let apiUrl = args.api ?? '';
  if (args.stack) {
    const cfn = deps.cloudFormation ?? new CloudFormationClient(region);
    ({ apiUrl, stageArn } = await stackOutputs(cfn, args.stack));
    log(`stack ${args.stack}: stage ${stageArn}`);
  }
  const info = await stageInfo(ivs, stageArn);
  const leftovers = await disconnectOurs(ivs, stageArn, info.activeSessionId, args.prefix, log);
  if (leftovers.length > 0) log(`disconnected ${leftovers.length} participant(s) left connected by an earlier run (user ids ${args.prefix}*)`);
  const publisherId = args.publisher ?? (await publisherToWatch(ivs, stageArn, info.activeSessionId, args.prefix));
  log(`watching publisher ${publisherId}`);

  const runPrefix = `${args.prefix}${startedAt.getTime().toString(36)}-`;
  let throttled429 = 0;
  let minter: Minter;
  if (args.keyFile && args.keyArn) {
    if (!info.whipUrl) throw new Error('GetStage returned no whip endpoint: self-signed tokens need it');
    minter = selfSignedMinter({
      keyPem: readKeyFile(args.keyFile),
      publicKeyArn: args.keyArn,
      stageArn,
      whipUrl: info.whipUrl,
      eventsUrl: '',
      userIdPrefix: runPrefix,
      durationMinutes: Math.ceil((args.rampMs + args.holdMs) / 60_000) + 10,
    });
  } else {
    minter = apiMinter({ apiUrl, userIdPrefix: runPrefix, durationMinutes: Math.ceil((args.rampMs + args.holdMs) / 60_000) + 10, on429: () => throttled429++ });
  }
  const minted: MintedToken[] = [];
  let mintMs = 0;
  const abort = new AbortController();
  deps.signal?.addEventListener('abort', () => abort.abort());
  const crowd = joinCrowd({
    count: args.viewers,
    rampPerSec: args.rampMs > 0 ? (args.viewers / args.rampMs) * 1000 : 1000,
    publisherId,
    signal: abort.signal,
    iceServers: args.iceServers.map((urls) => ({ urls })),
    token: async (i) => {
      const t0 = performance.now();
      const t = await minter(i);
      mintMs += performance.now() - t0;
      minted.push(t);
      return t.token;
    },
  });

  let aborted = false;
  let cpuPercent = 0;
  let disconnectedAfter = 0;
  let rows: CrowdMember[] = [];
  let bytesPerSec: number | null = null;
  try {
    const settledOrAbort = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r()));
    await Promise.race([crowd.settled, settledOrAbort]);
    const s = crowd.stats();
    log(`joined: ${s.receiving} receiving, ${s.failed} failed of ${args.viewers}`);
    if (!abort.signal.aborted && args.holdMs > 0) {
      const c0 = process.cpuUsage();
      const b0 = crowd.stats().bytes;
      const w0 = performance.now();
      let holdTimer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => (holdTimer = setTimeout(r, args.holdMs))), settledOrAbort]);
      clearTimeout(holdTimer);
      const seconds = (performance.now() - w0) / 1000;
      const c = process.cpuUsage(c0);
      const cores = (await import('node:os')).availableParallelism();
      cpuPercent = ((c.user + c.system) / 1e6 / seconds / cores) * 100;
      const receiving = crowd.stats().receiving;
      bytesPerSec = receiving > 0 && seconds > 0 ? (crowd.stats().bytes - b0) / seconds / receiving : null;
    }
    aborted = abort.signal.aborted;
    rows = crowd.report();
  } finally {
    await crowd.close();
    // Anything of this run the stage still lists (a DELETE that did not arrive, a peer that died): disconnect it.
    // By the general prefix, like the sweep before a run: a worker killed mid-run leaves its participants listed.
    disconnectedAfter = (await disconnectOurs(ivs, stageArn, info.activeSessionId, args.prefix, log).catch(() => [])).length;
    if (disconnectedAfter > 0) log(`disconnected ${disconnectedAfter} participant(s) the stage still listed after the run`);
  }

  const ok = rows.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  for (const r of rows) if (r.error) errors[errorKey(r.error)] = (errors[errorKey(r.error)] ?? 0) + 1;
  const packets = rows.reduce((a, r) => a + r.packets, 0);
  const lost = rows.reduce((a, r) => a + r.lost, 0);
  const successRate = args.viewers > 0 ? ok.length / args.viewers : 0;
  const result: AwsLoadResult = {
    kind: 'loadtest-aws',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    stageArn,
    publisherId,
    requested: args.viewers,
    joined: ok.length,
    successRate,
    rampSeconds: args.rampMs / 1000,
    holdSeconds: args.holdMs / 1000,
    participantHoursEstimate: cost.participantHours,
    usdEstimate: cost.usd,
    mintSeconds: mintMs / 1000,
    tokenSource: args.keyFile ? 'self-signed' : 'token-api',
    throttled429,
    joinMs: summarize(ok.map((r) => r.joinMs ?? Number.NaN)),
    firstPacketMs: summarize(ok.map((r) => r.firstPacketMs ?? Number.NaN)),
    lossPercent: packets + lost > 0 ? (lost / (packets + lost)) * 100 : null,
    receivedKbpsPerSubscriber: bytesPerSec === null ? null : (bytesPerSec * 8) / 1000,
    clientCpuPercent: cpuPercent,
    errors,
    leftoversBefore: leftovers.length,
    disconnectedAfter,
    limitedBy: limitedBy({ cpuPercentOfAllCores: cpuPercent, errors, successRate, throttled429 }),
    aborted,
  };
  log(`${result.joined} of ${result.requested} received media (${(successRate * 100).toFixed(2)} %)`);
  if (result.joinMs) log(`join p50 ${result.joinMs.p50.toFixed(0)} ms, p95 ${result.joinMs.p95.toFixed(0)} ms`);
  if (result.firstPacketMs) log(`first packet p50 ${result.firstPacketMs.p50.toFixed(0)} ms, p95 ${result.firstPacketMs.p95.toFixed(0)} ms`);
  if (result.receivedKbpsPerSubscriber !== null) log(`received ${result.receivedKbpsPerSubscriber.toFixed(0)} kbit/s per subscriber, loss ${(result.lossPercent ?? 0).toFixed(2)} %`);
  log(`limited by: ${result.limitedBy}`);
  const outDir = resolve(args.outDir);
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `loadtest-aws-${result.startedAt.slice(0, 19).replace(/:/g, '').replace('T', '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
  return { code: aborted ? 130 : 0, result };
}

/** The CLI entry (bench/loadtest.ts hands `--target aws` here): flags, Ctrl-C, exit code. */
export async function awsLoadMain(argv: readonly string[]): Promise<number> {
  let args: AwsLoadArgs;
  try {
    args = parseAwsLoadArgs(argv);
  } catch (error) {
    if (!(error instanceof AwsUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${AWS_LOAD_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(AWS_LOAD_USAGE);
    return 0;
  }
  const abort = new AbortController();
  const onSignal = (): void => {
    process.stdout.write('\n[loadtest aws] stopping: leaving the stage (DELETE every session, then disconnect what is left)\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return (await runAwsLoad(args, { signal: abort.signal })).code;
  } catch (error) {
    process.stderr.write(`loadtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
