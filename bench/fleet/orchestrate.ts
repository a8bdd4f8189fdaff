/**
 * The fleet run itself, against the ECS, S3 and CloudWatch SDK clients it is given: start N tasks with RunTask in
 * batches of at most 10 (the API's `count` limit), follow them (DescribeTasks) and their progress metrics
 * (GetMetricData on the workers' EMF metrics), stop them all on abort (StopTask; each worker then DELETEs its sessions
 * and writes what it has), disconnect any participant of the run still on the stage, and gather the results files.
 * Every task ends up accounted for: with its results, or with the reason it has none (never started, died).
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { FLEET_METRIC_NAMESPACE, FLEET_METRICS, RUN_ENV, resultsPrefix, type FleetMetric } from '../../lib/fleet/contract.js';
import { TaskResults, type FleetRunPlan, type TaskProgress } from './protocol.js';

/** RunTask starts at most 10 tasks per call. */
const RUN_TASK_MAX_COUNT = 10;

export interface FleetStackInfo {
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly container: string;
  readonly subnets: readonly string[];
  readonly securityGroup: string;
  readonly resultsBucket: string;
}

export interface FleetDeps {
  readonly ecs: ECSClient;
  readonly s3: S3Client;
  readonly cloudwatch: CloudWatchClient;
  /** Aborted on Ctrl-C: stop every task, clean up, gather what there is. */
  readonly signal: AbortSignal;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly onProgress: (s: FleetSnapshot) => void;
  /** Disconnects participants of this run still on the stage; returns how many. */
  readonly disconnectLeftovers: () => Promise<number>;
}

export interface FleetOptions {
  readonly stack: FleetStackInfo;
  readonly tasks: number;
  readonly plan: FleetRunPlan;
  readonly pollMs: number;
  /** Time a task may take from RunTask to running its worker (image pull, bundle download). */
  readonly startAllowanceMs: number;
}

export interface TaskState {
  /** Task id (last segment of the ARN), or `not-started-<n>` for one RunTask could not place. */
  readonly id: string;
  readonly arn: string | null;
  lastStatus: string;
  stoppedReason: string | null;
  exitCode: number | null;
  /** RunTask's failure reason for a task that never started. */
  failure: string | null;
  progress: TaskProgress | null;
  /** When Fargate began billing (image pull start, else creation) and when the task stopped, ms since epoch. */
  billedFromMs: number | null;
  stoppedAtMs: number | null;
}

export interface FleetSnapshot {
  readonly tMs: number;
  readonly tasks: readonly TaskState[];
  readonly total: { joined: number; failed: number; pending: number; packets: number; lost: number };
  readonly running: number;
  readonly stopped: number;
}

export interface FleetOutcome {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly tasks: readonly TaskState[];
  readonly results: ReadonlyMap<string, TaskResults>;
  readonly interrupted: boolean;
  readonly timedOut: boolean;
  readonly leftoversDisconnected: number;
  readonly snapshots: readonly FleetSnapshot[];
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const taskIdOf = (arn: string): string => arn.split('/').pop() ?? arn;
const chunks = <T>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

function isThrottle(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  return name === 'ThrottlingException' || name === 'TooManyRequestsException' || /rate exceeded/i.test(errorText(e));
}

export async function runFleet(d: FleetDeps, o: FleetOptions): Promise<FleetOutcome> {
  const startedAt = new Date(d.now());
  const t0 = d.now();
  const tasks: TaskState[] = [];
  const snapshots: FleetSnapshot[] = [];
  // The plan is the whole override: names, sizes and URLs. Tokens are minted inside each task.
  const overrides = { containerOverrides: [{ name: o.stack.container, environment: [{ name: RUN_ENV, value: JSON.stringify(o.plan) }] }] };

  // 1. Start, in batches RunTask accepts. A batch that fails outright counts its tasks as never started.
  const counts = chunks(Array.from({ length: o.tasks }, (_, i) => i), RUN_TASK_MAX_COUNT).map((c) => c.length);
  for (const [b, count] of counts.entries()) {
    if (d.signal.aborted) break;
    let out: { tasks?: Task[]; failures?: { reason?: string; detail?: string }[] } | null = null;
    let lastError = '';
    for (let attempt = 0; attempt < 5 && out === null; attempt++) {
      try {
        out = await d.ecs.send(
          new RunTaskCommand({
            cluster: o.stack.cluster,
            taskDefinition: o.stack.taskDefinition,
            launchType: 'FARGATE',
            count,
            startedBy: `loadtest-${o.plan.runId}`.slice(0, 36),
            clientToken: `${o.plan.runId}-${b}`,
            networkConfiguration: {
              awsvpcConfiguration: { subnets: [...o.stack.subnets], securityGroups: [o.stack.securityGroup], assignPublicIp: 'ENABLED' },
            },
            overrides,
          }),
        );
      } catch (error) {
        lastError = errorText(error);
        if (!isThrottle(error)) break;
        await d.sleep(1000 * 2 ** attempt);
      }
    }
    const started = out?.tasks ?? [];
    for (const t of started) {
      if (!t.taskArn) continue;
      tasks.push({ id: taskIdOf(t.taskArn), arn: t.taskArn, lastStatus: t.lastStatus ?? 'PROVISIONING', stoppedReason: null, exitCode: null, failure: null, progress: null, billedFromMs: null, stoppedAtMs: null });
    }
    const failures = out?.failures ?? [];
    for (let i = started.length; i < count; i++) {
      const f = failures[i - started.length];
      const why = out === null ? `RunTask failed: ${lastError}` : f ? [f.reason, f.detail].filter(Boolean).join(': ') : 'RunTask returned no task';
      tasks.push({ id: `not-started-${tasks.length + 1}`, arn: null, lastStatus: 'NOT_STARTED', stoppedReason: null, exitCode: null, failure: why, progress: null, billedFromMs: null, stoppedAtMs: null });
    }
    d.log(`batch ${b + 1}/${counts.length}: ${started.length} of ${count} task(s) started${failures.length > 0 || out === null ? ` (${count - started.length} did not: ${tasks[tasks.length - 1]?.failure ?? ''})` : ''}`);
  }

  const live = (): TaskState[] => tasks.filter((t) => t.arn !== null && t.lastStatus !== 'STOPPED');
  const deadline = t0 + o.startAllowanceMs + o.plan.rampMs + o.plan.holdMs + 5 * 60_000;
  let timedOut = false;

  // 2. Follow until every task has stopped (workers end themselves after the hold), or abort, or the deadline.
  while (live().length > 0 && !d.signal.aborted) {
    await describe(d, o, tasks);
    await readProgress(d, o, tasks);
    const snap = snapshot(d.now() - t0, tasks);
    snapshots.push(snap);
    d.onProgress(snap);
    if (live().length === 0) break;
    if (d.now() > deadline) {
      timedOut = true;
      d.log('the run is past its deadline (start allowance + ramp + hold + 5 min): stopping the tasks still running');
      break;
    }
    await d.sleep(o.pollMs, d.signal);
  }

  // 3. Stop what still runs (Ctrl-C or deadline), then wait for the workers to leave: up to their stop timeout.
  const interrupted = d.signal.aborted;
  if (live().length > 0) {
    const reason = interrupted ? 'loadtest interrupted (Ctrl-C)' : 'loadtest deadline passed';
    d.log(`stopping ${live().length} task(s): ${reason}`);
    await Promise.all(
      live().map(async (t) => {
        try {
          await d.ecs.send(new StopTaskCommand({ cluster: o.stack.cluster, task: t.arn as string, reason }));
        } catch (error) {
          d.log(`StopTask ${t.id}: ${errorText(error)}`);
        }
      }),
    );
    const stopBy = d.now() + 150_000;
    while (live().length > 0 && d.now() < stopBy) {
      await d.sleep(Math.min(o.pollMs, 5000));
      await describe(d, o, tasks);
    }
    const snap = snapshot(d.now() - t0, tasks);
    snapshots.push(snap);
    d.onProgress(snap);
  }

  // 4. Nobody of this run stays on the stage, whatever happened to the tasks.
  let leftoversDisconnected = 0;
  try {
    leftoversDisconnected = await d.disconnectLeftovers();
    if (leftoversDisconnected > 0) d.log(`disconnected ${leftoversDisconnected} participant(s) of this run still on the stage`);
  } catch (error) {
    d.log(`could not check the stage for leftovers: ${errorText(error)}`);
  }

  // 5. Results files.
  const results = await gather(d, o);
  return { startedAt, finishedAt: new Date(d.now()), tasks, results, interrupted, timedOut, leftoversDisconnected, snapshots };
}

async function describe(d: FleetDeps, o: FleetOptions, tasks: TaskState[]): Promise<void> {
  const byArn = new Map(tasks.filter((t) => t.arn !== null).map((t) => [t.arn as string, t]));
  for (const arns of chunks([...byArn.keys()], 100)) {
    try {
      const out = await d.ecs.send(new DescribeTasksCommand({ cluster: o.stack.cluster, tasks: arns }));
      for (const t of out.tasks ?? []) {
        const state = t.taskArn ? byArn.get(t.taskArn) : undefined;
        if (!state) continue;
        state.lastStatus = t.lastStatus ?? state.lastStatus;
        state.stoppedReason = t.stoppedReason ?? state.stoppedReason;
        const code = t.containers?.[0]?.exitCode;
        if (typeof code === 'number') state.exitCode = code;
        const from = t.pullStartedAt ?? t.createdAt;
        if (from) state.billedFromMs = from.getTime();
        if (t.stoppedAt) state.stoppedAtMs = t.stoppedAt.getTime();
      }
      // A task ECS no longer knows (long stopped) counts as stopped.
      for (const f of out.failures ?? []) {
        const state = f.arn ? byArn.get(f.arn) : undefined;
        if (state && f.reason === 'MISSING') {
          state.lastStatus = 'STOPPED';
          state.stoppedReason ??= 'ECS no longer lists the task';
        }
      }
    } catch (error) {
      d.log(`DescribeTasks: ${errorText(error)} (retrying at the next poll)`);
    }
  }
}

const FIELD: Record<FleetMetric, keyof Omit<TaskProgress, 'runId' | 'taskId'>> = {
  Joined: 'joined',
  Failed: 'failed',
  Pending: 'pending',
  PacketsReceived: 'packets',
  PacketsLost: 'lost',
};

/** The latest value of each task's five metrics (GetMetricData takes at most 500 queries per call). */
async function readProgress(d: FleetDeps, o: FleetOptions, tasks: TaskState[]): Promise<void> {
  const running = tasks.filter((t) => t.arn !== null);
  const queries: { q: MetricDataQuery; task: TaskState; metric: FleetMetric }[] = running.flatMap((task, ti) =>
    FLEET_METRICS.map((metric, mi) => ({
      task,
      metric,
      q: {
        Id: `m${ti}_${mi}`,
        MetricStat: {
          Metric: {
            Namespace: FLEET_METRIC_NAMESPACE,
            MetricName: metric,
            Dimensions: [
              { Name: 'RunId', Value: o.plan.runId },
              { Name: 'TaskId', Value: task.id },
            ],
          },
          Period: 10,
          Stat: 'Maximum',
        },
        ReturnData: true,
      },
    })),
  );
  const end = new Date(d.now());
  const start = new Date(d.now() - 15 * 60_000);
  for (const batch of chunks(queries, 500)) {
    try {
      const out = await d.cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: batch.map((b) => b.q), StartTime: start, EndTime: end, ScanBy: 'TimestampDescending' }),
      );
      const byId = new Map(batch.map((b) => [b.q.Id as string, b]));
      for (const r of out.MetricDataResults ?? []) {
        const b = r.Id ? byId.get(r.Id) : undefined;
        const value = r.Values?.[0];
        if (!b || value === undefined) continue;
        b.task.progress ??= { runId: o.plan.runId, taskId: b.task.id, joined: 0, failed: 0, pending: 0, packets: 0, lost: 0 };
        b.task.progress[FIELD[b.metric]] = Math.round(value);
      }
    } catch (error) {
      d.log(`GetMetricData: ${errorText(error)} (progress shown at the next poll)`);
    }
  }
}

function snapshot(tMs: number, tasks: readonly TaskState[]): FleetSnapshot {
  const total = { joined: 0, failed: 0, pending: 0, packets: 0, lost: 0 };
  for (const t of tasks) {
    if (!t.progress) continue;
    total.joined += t.progress.joined;
    total.failed += t.progress.failed;
    total.pending += t.progress.pending;
    total.packets += t.progress.packets;
    total.lost += t.progress.lost;
  }
  return {
    tMs,
    tasks: tasks.map((t) => ({ ...t, progress: t.progress ? { ...t.progress } : null })),
    total,
    running: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    stopped: tasks.filter((t) => t.lastStatus === 'STOPPED' || t.arn === null).length,
  };
}

async function gather(d: FleetDeps, o: FleetOptions): Promise<Map<string, TaskResults>> {
  const results = new Map<string, TaskResults>();
  let token: string | undefined;
  do {
    const page = await d.s3.send(new ListObjectsV2Command({ Bucket: o.stack.resultsBucket, Prefix: resultsPrefix(o.plan.runId), ContinuationToken: token }));
    for (const obj of page.Contents ?? []) {
      if (!obj.Key) continue;
      try {
        const got = await d.s3.send(new GetObjectCommand({ Bucket: o.stack.resultsBucket, Key: obj.Key }));
        const parsed = TaskResults.safeParse(JSON.parse((await got.Body?.transformToString()) ?? ''));
        if (parsed.success && parsed.data.runId === o.plan.runId) results.set(parsed.data.taskId, parsed.data);
        else d.log(`${obj.Key}: not a results file of this run; ignored`);
      } catch (error) {
        d.log(`${obj.Key}: ${errorText(error)}`);
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return results;
}

/** Live totals as a person reads them: one overall line, then one per task (the first `maxTasks`). */
export function progressLines(s: FleetSnapshot, viewersPerTask: number, maxTasks = 20): string[] {
  const requested = s.tasks.length * viewersPerTask;
  const loss = (lost: number, packets: number): string => (packets + lost > 0 ? `${((lost / (packets + lost)) * 100).toFixed(2)} %` : '—');
  const lines = [
    `overall: joined ${s.total.joined}/${requested}, failed ${s.total.failed}, joining ${s.total.pending}, loss ${loss(s.total.lost, s.total.packets)} | ` +
      `tasks running ${s.running}, stopped ${s.stopped} of ${s.tasks.length}`,
  ];
  for (const t of s.tasks.slice(0, maxTasks)) {
    const p = t.progress;
    const state = t.arn === null ? `never started (${t.failure ?? 'unknown'})` : t.lastStatus + (t.exitCode !== null ? ` exit ${t.exitCode}` : '');
    lines.push(`  ${t.id.slice(0, 12).padEnd(12)} ${state.padEnd(14)} ${p ? `joined ${p.joined}, failed ${p.failed}, joining ${p.pending}, loss ${loss(p.lost, p.packets)}` : 'no metrics yet'}`);
  }
  if (s.tasks.length > maxTasks) lines.push(`  … ${s.tasks.length - maxTasks} more task(s)`);
  return lines;
}
