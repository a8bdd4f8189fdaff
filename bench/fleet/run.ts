/**
 * `npm run loadtest -- --target aws --fleet N --viewers-per-task K …`: reads the fleet stack's outputs and the stage's
 * endpoints, prints the plan and its cost, and only with --yes starts the fleet (./orchestrate.ts), shows live totals,
 * and writes the same report the local load test writes plus the fleet's part. Ctrl-C stops every task.
 * Exit 0 when the run completed (even with failed viewers: that is the finding), 1 when it could not run, 2 for bad
 * flags or without --yes, 130 after Ctrl-C.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { GetStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { S3Client } from '@aws-sdk/client-s3';
import { FLEET_OUTPUTS, participantPrefix } from '../../lib/fleet/contract.js';
import { argsOrExitCode } from '../lib/cli.js';
import { loadMarkdown } from '../lib/markdown.js';
import { FLEET_USAGE, parseFleetArgs, type FleetArgs } from './cli.js';
import { costLines, estimateCost, loadRates, type TaskSize } from './cost.js';
import { disconnectLeftovers } from './leftovers.js';
import { progressLines, runFleet, type FleetStackInfo } from './orchestrate.js';
import { fleetReport, fleetMarkdown } from './report.js';
import type { FleetRunPlan } from './protocol.js';

export interface FleetClients {
  readonly cloudformation: CloudFormationClient;
  readonly ecs: ECSClient;
  readonly s3: S3Client;
  readonly cloudwatch: CloudWatchClient;
  readonly ivs: IVSRealTimeClient;
}

export interface FleetCliDeps {
  readonly clients?: (region: string | null) => FleetClients;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  /** Aborted on Ctrl-C (default: SIGINT/SIGTERM of this process). */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
  readonly gitCommit?: string | null;
}

const realClients = (region: string | null): FleetClients => {
  const config = region ? { region } : {};
  return {
    cloudformation: new CloudFormationClient(config),
    ecs: new ECSClient(config),
    s3: new S3Client(config),
    cloudwatch: new CloudWatchClient(config),
    ivs: new IVSRealTimeClient(config),
  };
};

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

async function stackOutputs(cfn: CloudFormationClient, name: string): Promise<Map<string, string>> {
  let out;
  try {
    out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
  } catch (error) {
    throw new Error(`cannot read stack ${name} (${error instanceof Error ? error.message : String(error)}); deploy it first: npx cdk deploy ${name}`);
  }
  const outputs = out.Stacks?.[0]?.Outputs ?? [];
  return new Map(outputs.filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey as string, o.OutputValue as string]));
}

function need(outputs: Map<string, string>, stack: string, key: string): string {
  const v = outputs.get(key);
  if (!v) throw new Error(`stack ${stack} has no output ${key}: is it the stack from lib/fleet (npx cdk deploy ${stack})?`);
  return v;
}

export async function runFleetCli(argv: readonly string[], deps: FleetCliDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(t));
  const err = deps.err ?? ((t: string) => process.stderr.write(t));
  const parsed = argsOrExitCode(parseFleetArgs, FLEET_USAGE, argv);
  if ('exitCode' in parsed) return parsed.exitCode;
  const args: FleetArgs = parsed.args;
  const now = deps.now ?? Date.now;
  const log = (line: string): void => out(`[loadtest fleet ${new Date(now()).toISOString().slice(11, 19)}] ${line}\n`);
  const clients = (deps.clients ?? realClients)(args.region);

  const fleetOut = await stackOutputs(clients.cloudformation, args.fleetStack);
  const stack: FleetStackInfo = {
    cluster: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.cluster),
    taskDefinition: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.taskDefinition),
    container: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.container),
    subnets: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.subnets).split(','),
    securityGroup: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.securityGroup),
    resultsBucket: need(fleetOut, args.fleetStack, FLEET_OUTPUTS.resultsBucket),
  };
  const size: TaskSize = {
    cpu: Number(need(fleetOut, args.fleetStack, FLEET_OUTPUTS.taskCpu)),
    memoryMiB: Number(need(fleetOut, args.fleetStack, FLEET_OUTPUTS.taskMemory)),
  };
  const stageArn = args.stage ?? need(await stackOutputs(clients.cloudformation, args.appStack), args.appStack, 'StageArn');
  const stage = (await clients.ivs.send(new GetStageCommand({ arn: stageArn }))).stage;
  const whipUrl = stage?.endpoints?.whip;
  const eventsUrl = stage?.endpoints?.events;
  if (!whipUrl || !eventsUrl) throw new Error(`GetStage ${stageArn} returned no whip/events endpoints`);

  const startAllowanceMs = 3 * 60_000;
  const runId = `r${now().toString(36)}`;
  const plan: FleetRunPlan = {
    runId,
    viewers: args.viewersPerTask,
    rampMs: args.rampMs,
    holdMs: args.holdMs,
    joinTimeoutMs: args.joinTimeoutMs,
    maxInFlight: args.maxInFlight,
    stageArn,
    whipUrl,
    eventsUrl,
    subscribeUrl: `${whipUrl.replace(/\/+$/, '')}/subscribe/${args.publisher}`,
    audio: args.audio,
    tokenMinutes: Math.ceil((startAllowanceMs + args.rampMs + args.holdMs) / 60_000) + 5,
    progressEveryMs: 10_000,
  };

  const rates = loadRates();
  const estimate = estimateCost(rates, size, args.tasks, args.viewersPerTask, args.rampMs, args.holdMs);
  log(`plan: ${args.tasks} task(s) × ${args.viewersPerTask} viewers = ${args.tasks * args.viewersPerTask} on ${stageArn}`);
  log(`      each task ${size.cpu / 1024} vCPU / ${size.memoryMiB} MiB, ramp ${args.rampMs / 1000} s, hold ${args.holdMs / 1000} s, run ${runId}`);
  for (const line of costLines(estimate, rates)) log(`cost (upper bound): ${line}`);
  if (!args.yes) {
    err('Nothing started. Add --yes to agree to the cost above and start the fleet.\n');
    return 2;
  }

  const controller = new AbortController();
  const signal = deps.signal ?? controller.signal;
  if (!deps.signal) {
    for (const s of ['SIGINT', 'SIGTERM'] as const) {
      process.once(s, () => {
        log(`${s}: stopping every task of run ${runId}`);
        controller.abort();
      });
    }
  }
  const outcome = await runFleet(
    {
      ecs: clients.ecs,
      s3: clients.s3,
      cloudwatch: clients.cloudwatch,
      signal,
      sleep: deps.sleep ?? sleepFor,
      now,
      log,
      onProgress: (s) => {
        for (const line of progressLines(s, args.viewersPerTask)) out(`${line}\n`);
      },
      disconnectLeftovers: () => disconnectLeftovers(clients.ivs, stageArn, participantPrefix(runId)),
    },
    { stack, tasks: args.tasks, plan, pollMs: args.pollMs, startAllowanceMs },
  );
  const report = fleetReport({
    outcome,
    plan,
    size,
    rates,
    estimate,
    target: `IVS stage ${stageArn} from ${args.tasks} Fargate task(s) of ${args.fleetStack}; publisher ${args.publisher}`,
    gitCommit: deps.gitCommit ?? null,
  });
  const outDir = resolve(args.outDir);
  await mkdir(outDir, { recursive: true });
  const stem = `loadtest-${report.result.startedAt.slice(0, 19).replace(/:/g, '').replace('T', '-')}-fleet`;
  await writeFile(join(outDir, `${stem}.json`), `${JSON.stringify(report.result, null, 2)}\n`);
  await writeFile(join(outDir, `${stem}-tasks.json`), `${JSON.stringify(report.fleet, null, 2)}\n`);
  await writeFile(join(outDir, `${stem}.md`), loadMarkdown(report.result) + fleetMarkdown(report, rates));
  log(`${report.result.succeeded} of ${report.result.requested} viewers joined (${(report.result.successRate * 100).toFixed(2)} %)`);
  log(report.result.limits.verdict);
  for (const line of costLines(report.fleet.actual, rates)) log(`cost (this run): ${line}`);
  log(`wrote ${join(outDir, `${stem}.json`)}, ${stem}-tasks.json and ${stem}.md`);
  return outcome.interrupted ? 130 : 0;
}
