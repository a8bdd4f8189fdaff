/**
 * The fleet orchestration (bench/fleet/orchestrate.ts, bench/fleet/run.ts) with the ECS, S3, CloudWatch,
 * CloudFormation and IVS SDK clients faked at their boundary (aws-sdk-client-mock): a small simulated fleet whose
 * tasks start, report metrics, write results files and stop. Batching, live totals, partial failure (a task that
 * never starts, a task that dies mid-run), Ctrl-C, and the cost gate.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import {
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListParticipantsCommand,
  ListStageSessionsCommand,
} from '@aws-sdk/client-ivs-realtime';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { FLEET_OUTPUTS, RUN_ENV, participantPrefix, resultsKey, resultsPrefix } from '../../lib/fleet/contract.js';
import { progressLines, runFleet, type FleetDeps, type FleetOptions, type FleetSnapshot } from '../../bench/fleet/orchestrate.js';
import { FleetRunPlan, type TaskResults } from '../../bench/fleet/protocol.js';
import { runFleetCli } from '../../bench/fleet/run.js';
import { LoadResultSchema } from '../../bench/lib/schema.js';

const ecs = mockClient(ECSClient);
const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);
const cfn = mockClient(CloudFormationClient);
const ivs = mockClient(IVSRealTimeClient);

const ACCOUNT = '123456789012';
const STAGE = `arn:aws:ivs:us-east-1:${ACCOUNT}:stage/AbCdEf123456`;
const K = 4;

const plan = (runId = 'r-test'): FleetRunPlan =>
  FleetRunPlan.parse({
    runId,
    viewers: K,
    rampMs: 10_000,
    holdMs: 20_000,
    joinTimeoutMs: 30_000,
    maxInFlight: 8,
    stageArn: STAGE,
    whipUrl: 'https://abc.global-bm.whip.live-video.net',
    eventsUrl: 'wss://global.events.live-video.net',
    subscribeUrl: 'https://abc.global-bm.whip.live-video.net/subscribe/pub123',
    audio: false,
    tokenMinutes: 10,
  });

const STACK = { cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/fleet', taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/w:1', container: 'Worker', subnets: ['subnet-a', 'subnet-b'], securityGroup: 'sg-1', resultsBucket: 'results-bucket' };

interface SimTask {
  arn: string;
  id: string;
  polls: number;
  status: 'PROVISIONING' | 'RUNNING' | 'STOPPED';
  stopRequested: boolean;
  exitCode?: number;
  reason?: string;
}

/** A fleet in memory: tasks run for `runPolls` DescribeTasks polls, then write their results and stop. */
class SimFleet {
  tasks: SimTask[] = [];
  objects = new Map<string, string>();
  /** RunTask failures to hand out (one per task that cannot be placed), in order. */
  placementFailures = 0;
  /** Ids (by start order) of tasks that die mid-run without results. */
  dying = new Set<number>();
  runPolls = 3;
  /** Taken from the plan each RunTask carries, as a worker would. */
  runId = '';

  results(t: SimTask, early: boolean): TaskResults {
    return {
      schemaVersion: 1,
      runId: this.runId,
      taskId: t.id,
      startedAt: '2026-12-04T00:00:00.000Z',
      finishedAt: '2026-12-04T00:01:00.000Z',
      requested: K,
      stoppedEarly: early,
      cpuSeconds: 12,
      holdCpuSeconds: 8,
      holdPackets: 4000,
      subscribers: Array.from({ length: K }, (_, i) => ({ index: i, ok: true, startedAtMs: i * 100, joinMs: 300 + i, firstPacketMs: 400 + i, packets: 1000, lost: i === 0 ? 10 : 0, error: null })),
    };
  }

  install(): void {
    ecs.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => this.runTask(input));
    this.installRest();
  }

  runTask(input: RunTaskCommandInput) {
    const value = input.overrides?.containerOverrides?.[0]?.environment?.find((e) => e.name === RUN_ENV)?.value ?? '';
    this.runId = FleetRunPlan.parse(JSON.parse(value)).runId;
    {
      const count = input.count ?? 1;
      const tasks = [];
      const failures = [];
      for (let i = 0; i < count; i++) {
        if (this.placementFailures > 0) {
          this.placementFailures--;
          failures.push({ reason: 'RESOURCE:CPU', detail: 'no Fargate capacity' });
          continue;
        }
        const n = this.tasks.length;
        const t: SimTask = { arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/fleet/t${String(n).padStart(4, '0')}abcdef`, id: `t${String(n).padStart(4, '0')}abcdef`, polls: 0, status: 'PROVISIONING', stopRequested: false };
        this.tasks.push(t);
        tasks.push({ taskArn: t.arn, lastStatus: t.status });
      }
      return { tasks, failures };
    }
  }

  private installRest(): void {
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks?: string[] }) => ({
      tasks: (input.tasks ?? []).map((arn) => {
        const t = this.tasks.find((x) => x.arn === arn) as SimTask;
        const i = this.tasks.indexOf(t);
        if (t.status !== 'STOPPED') {
          t.polls++;
          if (t.stopRequested) {
            this.objects.set(resultsKey(this.runId, t.id), JSON.stringify(this.results(t, true)));
            Object.assign(t, { status: 'STOPPED', exitCode: 0, reason: 'loadtest interrupted (Ctrl-C)' });
          } else if (this.dying.has(i) && t.polls >= 2) {
            Object.assign(t, { status: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
          } else if (t.polls >= this.runPolls) {
            this.objects.set(resultsKey(this.runId, t.id), JSON.stringify(this.results(t, false)));
            Object.assign(t, { status: 'STOPPED', exitCode: 0, reason: 'Essential container in task exited' });
          } else if (t.polls >= 1) t.status = 'RUNNING';
        }
        return {
          taskArn: t.arn,
          lastStatus: t.status,
          stoppedReason: t.reason,
          createdAt: new Date(1_000_000),
          pullStartedAt: new Date(1_005_000),
          stoppedAt: t.status === 'STOPPED' ? new Date(1_065_000) : undefined,
          containers: [{ name: 'Worker', exitCode: t.exitCode }],
        };
      }),
    }));
    ecs.on(StopTaskCommand).callsFake((input: { task?: string }) => {
      const t = this.tasks.find((x) => x.arn === input.task);
      if (t) t.stopRequested = true;
      return {};
    });
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
        const id = q.MetricStat?.Metric?.Dimensions?.find((d) => d.Name === 'TaskId')?.Value;
        const t = this.tasks.find((x) => x.id === id);
        const name = q.MetricStat?.Metric?.MetricName;
        const running = t?.status === 'RUNNING';
        const value = !running ? undefined : name === 'Joined' ? K - 1 : name === 'Failed' ? 1 : name === 'PacketsReceived' ? 990 : name === 'PacketsLost' ? 10 : 0;
        return { Id: q.Id, Values: value === undefined ? [] : [value], Timestamps: value === undefined ? [] : [new Date()] };
      }),
    }));
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
      Contents: [...this.objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).map((Key) => ({ Key })),
      IsTruncated: false,
    }));
    s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
      const text = this.objects.get(input.Key ?? '') ?? '';
      return { Body: { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'] };
    });
  }
}

let clock = 0;
function deps(signal: AbortSignal, over: Partial<FleetDeps> = {}): FleetDeps & { logs: string[]; snaps: FleetSnapshot[]; leftovers: number } {
  const logs: string[] = [];
  const snaps: FleetSnapshot[] = [];
  const d = {
    ecs: new ECSClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
    signal,
    sleep: async (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    log: (l: string) => logs.push(l),
    onProgress: (s: FleetSnapshot) => snaps.push(s),
    leftovers: 0,
    disconnectLeftovers: async () => {
      d.leftovers++;
      return 0;
    },
    logs,
    snaps,
    ...over,
  };
  return d;
}

const options = (tasks: number, p = plan()): FleetOptions => ({ stack: STACK, tasks, plan: p, pollMs: 10_000, startAllowanceMs: 180_000 });

beforeEach(() => {
  for (const m of [ecs, s3, cw, cfn, ivs]) m.reset();
  clock = 1_000_000;
});

describe('runFleet', () => {
  it('starts N tasks with RunTask in batches of at most 10, each with the plan and never a token', async () => {
    const sim = new SimFleet();
    sim.install();
    const d = deps(new AbortController().signal);
    const outcome = await runFleet(d, options(23));
    const calls = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.count)).toEqual([10, 10, 3]);
    for (const c of calls) {
      expect(c).toMatchObject({ cluster: STACK.cluster, taskDefinition: STACK.taskDefinition, launchType: 'FARGATE' });
      expect(c.networkConfiguration?.awsvpcConfiguration).toEqual({ subnets: STACK.subnets, securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' });
      const env = c.overrides?.containerOverrides?.[0]?.environment ?? [];
      expect(env.map((e) => e.name)).toEqual([RUN_ENV]);
      expect(FleetRunPlan.parse(JSON.parse(env[0]?.value ?? ''))).toEqual(plan());
      // No JWT anywhere in the request, and nothing in the plan that could hold one.
      expect(JSON.stringify(c)).not.toMatch(/eyJ/);
      expect(Object.keys(JSON.parse(env[0]?.value ?? '{}') as object).filter((k) => /token/i.test(k))).toEqual(['tokenMinutes']);
    }
    expect(new Set(calls.map((c) => c.clientToken)).size).toBe(3);
    expect(outcome.tasks).toHaveLength(23);
    expect(outcome.results.size).toBe(23);
    expect(outcome.interrupted).toBe(false);
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({ Bucket: 'results-bucket', Prefix: resultsPrefix('r-test') });
    expect(d.leftovers).toBe(1);
  });

  it('shows live totals per task and overall from the workers\' metrics', async () => {
    const sim = new SimFleet();
    sim.install();
    const d = deps(new AbortController().signal);
    await runFleet(d, options(3));
    const running = d.snaps.find((s) => s.running === 3) as FleetSnapshot;
    expect(running.total).toEqual({ joined: 3 * (K - 1), failed: 3, pending: 0, packets: 3 * 990, lost: 30 });
    for (const t of running.tasks) expect(t.progress).toMatchObject({ joined: K - 1, failed: 1 });
    const lines = progressLines(running, K);
    expect(lines[0]).toBe(`overall: joined 9/12, failed 3, joining 0, loss 1.00 % | tasks running 3, stopped 0 of 3`);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}t0000abcdef\s+RUNNING\s+joined 3, failed 1, joining 0, loss 1\.00 %$/);
    const q = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Metric;
    expect(q).toEqual({ Namespace: 'IvsLoadFleet', MetricName: 'Joined', Dimensions: [{ Name: 'RunId', Value: 'r-test' }, { Name: 'TaskId', Value: 't0000abcdef' }] });
  });

  it('accounts for a task that never starts and one that dies mid-run', async () => {
    const sim = new SimFleet();
    sim.placementFailures = 1;
    sim.dying.add(1);
    sim.install();
    const d = deps(new AbortController().signal);
    const outcome = await runFleet(d, options(3));
    expect(outcome.tasks.map((t) => [t.arn === null, t.lastStatus, t.exitCode])).toEqual([
      [false, 'STOPPED', 0],
      [false, 'STOPPED', 137],
      [true, 'NOT_STARTED', null],
    ]);
    expect(outcome.tasks[2]?.failure).toBe('RESOURCE:CPU: no Fargate capacity');
    expect([...outcome.results.keys()]).toEqual(['t0000abcdef']);
    expect(d.logs.join('\n')).toContain('2 of 3 task(s) started (1 did not: RESOURCE:CPU: no Fargate capacity)');
  });

  it('on Ctrl-C stops every running task, waits for them to stop, disconnects leftovers and gathers what there is', async () => {
    const sim = new SimFleet();
    sim.runPolls = 100;
    sim.install();
    const ctrlC = new AbortController();
    const d = deps(ctrlC.signal, {
      onProgress: (s) => {
        if (s.running > 0) ctrlC.abort();
      },
    });
    const outcome = await runFleet(d, options(12));
    expect(outcome.interrupted).toBe(true);
    const stops = ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input);
    expect(stops.map((s) => s.task).sort()).toEqual(sim.tasks.map((t) => t.arn).sort());
    for (const s of stops) expect(s).toMatchObject({ cluster: STACK.cluster, reason: 'loadtest interrupted (Ctrl-C)' });
    expect(outcome.tasks.every((t) => t.lastStatus === 'STOPPED')).toBe(true);
    expect(outcome.results.size).toBe(12);
    expect([...outcome.results.values()].every((r) => r.stoppedEarly)).toBe(true);
    expect(d.leftovers).toBe(1);
  });

  it('launches nothing more once Ctrl-C comes while batches are still being started', async () => {
    const sim = new SimFleet();
    sim.install();
    const ctrlC = new AbortController();
    ecs.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => {
      sim.runTask({ ...input, count: 0 });
      ctrlC.abort();
      return { tasks: [{ taskArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/fleet/only1`, lastStatus: 'PROVISIONING' }], failures: [] };
    });
    sim.tasks.push({ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/fleet/only1`, id: 'only1', polls: 0, status: 'PROVISIONING', stopRequested: false });
    const outcome = await runFleet(deps(ctrlC.signal), options(25));
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    expect(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input.task)).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT}:task/fleet/only1`]);
    expect(outcome.interrupted).toBe(true);
  });
});

describe('npm run loadtest -- --target aws --fleet N (runFleetCli)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'fleet-cli-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  function installStacks(): void {
    const o = (k: string, v: string) => ({ OutputKey: k, OutputValue: v });
    cfn.on(DescribeStacksCommand, { StackName: 'IvsLoadFleet' }).resolves({
      Stacks: [
        {
          StackName: 'IvsLoadFleet',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            o(FLEET_OUTPUTS.cluster, STACK.cluster),
            o(FLEET_OUTPUTS.taskDefinition, STACK.taskDefinition),
            o(FLEET_OUTPUTS.container, 'Worker'),
            o(FLEET_OUTPUTS.subnets, 'subnet-a,subnet-b'),
            o(FLEET_OUTPUTS.securityGroup, 'sg-1'),
            o(FLEET_OUTPUTS.resultsBucket, 'results-bucket'),
            o(FLEET_OUTPUTS.taskCpu, '1024'),
            o(FLEET_OUTPUTS.taskMemory, '2048'),
          ],
        },
      ],
    });
    cfn.on(DescribeStacksCommand, { StackName: 'IvsTestEnv' }).resolves({
      Stacks: [{ StackName: 'IvsTestEnv', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [o('StageArn', STAGE)] }],
    });
    ivs.on(GetStageCommand).resolves({ stage: { arn: STAGE, endpoints: { whip: 'https://abc.global-bm.whip.live-video.net', events: 'wss://global.events.live-video.net' } } });
  }

  const cli = (argv: string[], signal = new AbortController().signal) => {
    const text: string[] = [];
    const clients = () => ({
      cloudformation: new CloudFormationClient({ region: 'us-east-1' }),
      ecs: new ECSClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      ivs: new IVSRealTimeClient({ region: 'us-east-1' }),
    });
    const run = runFleetCli(argv, {
      clients,
      out: (t) => text.push(t),
      err: (t) => text.push(t),
      signal,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
      gitCommit: null,
    });
    return { run, text };
  };
  const base = ['--target', 'aws', '--fleet', '3', '--viewers-per-task', String(K), '--publisher', 'pub123', '--ramp', '10s', '--hold', '20s', '--out', out];

  it('prints the plan and its cost, and starts nothing without --yes (exit 2)', async () => {
    installStacks();
    const { run, text } = cli(base);
    expect(await run).toBe(2);
    const all = text.join('');
    expect(all).toContain('plan: 3 task(s) × 4 viewers = 12');
    expect(all).toMatch(/Fargate: [\d.]+ task-hours = [\d.]+ vCPU-hours \+ [\d.]+ GB-hours ≈ USD [\d.]+/);
    expect(all).toMatch(/IVS: 0\.10 participant-hours ≈ USD 0\.0072/);
    expect(all).toContain('Add --yes');
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });

  it('with --yes runs the fleet and writes the local report plus the fleet part; viewers of missing tasks count as failed', async () => {
    installStacks();
    const sim = new SimFleet();
    sim.dying.add(2);
    sim.install();
    ivs.on(ListStageSessionsCommand).resolves({ stageSessions: [{ sessionId: 'st-1' }] });
    // The run id is the CLI's; the leftover's user id carries it, as a worker's would.
    ivs.on(ListParticipantsCommand).callsFake(() => ({
      participants: [
        { participantId: 'p-left', userId: `${participantPrefix(sim.runId)}t0002-0`, state: 'CONNECTED' },
        { participantId: 'p-other', userId: 'somebody-else', state: 'CONNECTED' },
      ],
    }));
    ivs.on(DisconnectParticipantCommand).resolves({});
    const { run, text } = cli([...base, '--yes']);
    expect(await run).toBe(0);
    expect(ivs.commandCalls(DisconnectParticipantCommand).map((c) => c.args[0].input.participantId)).toEqual(['p-left']);
    const files = readdirSync(out).filter((f) => f.includes('-fleet'));
    const json = files.find((f) => f.endsWith('-fleet.json')) as string;
    const result = LoadResultSchema.parse(JSON.parse(readFileSync(path.join(out, json), 'utf8')));
    expect(result).toMatchObject({ requested: 12, succeeded: 8, mode: 'subscribers' });
    expect(result.errors).toEqual({ 'task stopped without results: OutOfMemoryError: Container killed due to memory usage (exit 137)': 4 });
    const md = readFileSync(path.join(out, files.find((f) => f.endsWith('.md')) as string), 'utf8');
    expect(md).toContain('## Fleet (run ');
    expect(md).toContain('### Cost');
    expect(md).toMatch(/\| `t0002abcdef` \| STOPPED \(exit 137\) \| 0 \| 4 \|/);
    expect(text.join('')).toContain('8 of 12 viewers joined (66.67 %)');
    expect(text.join('')).not.toMatch(/eyJ/);
  });
});
