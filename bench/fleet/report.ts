/**
 * A fleet run as the same report `npm run loadtest` writes locally (LoadResultSchema, its Markdown), plus the fleet's
 * own part: per-task outcome and the cost, estimated before and computed from the tasks' billed times after.
 */
import { summarize } from '../../web/src/measure/percentiles.js';
import { LoadResultSchema, type LoadResult, type LoadSubscriber } from '../lib/schema.js';
import { costLines, costOf, type CostFigures, type Rates, type TaskSize } from './cost.js';
import type { FleetOutcome, TaskState } from './orchestrate.js';
import type { FleetRunPlan } from './protocol.js';

export interface FleetReport {
  readonly result: LoadResult;
  readonly fleet: {
    readonly runId: string;
    readonly tasks: readonly {
      id: string;
      status: string;
      exitCode: number | null;
      reason: string | null;
      joined: number;
      failed: number;
      lossPercent: number | null;
      holdCpuPercentOfTask: number | null;
      billedSeconds: number | null;
    }[];
    readonly estimate: CostFigures;
    readonly actual: CostFigures;
    readonly interrupted: boolean;
    readonly leftoversDisconnected: number;
  };
}

/** Why a task has no results file, as the subscribers' error (grouped in the report's error counts). */
function missingReason(t: TaskState): string {
  if (t.arn === null) return `task never started: ${t.failure ?? 'unknown'}`;
  return `task stopped without results: ${t.stoppedReason ?? t.lastStatus}${t.exitCode !== null ? ` (exit ${t.exitCode})` : ''}`;
}

export function fleetReport(o: {
  readonly outcome: FleetOutcome;
  readonly plan: FleetRunPlan;
  readonly size: TaskSize;
  readonly rates: Rates;
  readonly estimate: CostFigures;
  readonly target: string;
  readonly gitCommit: string | null;
}): FleetReport {
  const { outcome, plan, size } = o;
  const K = plan.viewers;
  const subscribers: LoadSubscriber[] = [];
  const rows: FleetReport['fleet']['tasks'][number][] = [];
  let holdCpu = 0;
  let holdPackets = 0;
  for (const [ti, t] of outcome.tasks.entries()) {
    const r = outcome.results.get(t.id);
    const own: LoadSubscriber[] = r
      ? r.subscribers.map((s) => ({ ...s, index: ti * K + s.index }))
      : Array.from({ length: K }, (_, i) => ({ index: ti * K + i, ok: false, startedAtMs: 0, joinMs: null, firstPacketMs: null, packets: 0, lost: 0, error: missingReason(t) }));
    subscribers.push(...own);
    if (r) {
      holdCpu += r.holdCpuSeconds;
      holdPackets += r.holdPackets;
    }
    const packets = own.reduce((n, s) => n + s.packets, 0);
    const lost = own.reduce((n, s) => n + s.lost, 0);
    const holdSeconds = plan.holdMs / 1000;
    rows.push({
      id: t.id,
      status: t.arn === null ? 'NOT_STARTED' : t.lastStatus,
      exitCode: t.exitCode,
      reason: r ? (r.stoppedEarly ? 'stopped early' : null) : missingReason(t),
      joined: own.filter((s) => s.ok).length,
      failed: own.filter((s) => !s.ok).length,
      lossPercent: packets + lost > 0 ? (lost / (packets + lost)) * 100 : null,
      holdCpuPercentOfTask: r && holdSeconds > 0 ? (r.holdCpuSeconds / holdSeconds / (size.cpu / 1024)) * 100 : null,
      billedSeconds: t.billedFromMs !== null && t.stoppedAtMs !== null ? (t.stoppedAtMs - t.billedFromMs) / 1000 : null,
    });
  }
  const ok = subscribers.filter((s) => s.ok);
  const errors: Record<string, number> = {};
  for (const s of subscribers) if (!s.ok) errors[s.error ?? 'unknown'] = (errors[s.error ?? 'unknown'] ?? 0) + 1;
  const requested = outcome.tasks.length * K;
  const runSeconds = (outcome.finishedAt.getTime() - outcome.startedAt.getTime()) / 1000;
  // Billed time from ECS when it reported it, else the whole run (an upper bound).
  const billed = rows.filter((r) => r.status !== 'NOT_STARTED').map((r) => r.billedSeconds ?? runSeconds);
  const participantSeconds = ok.length * (plan.holdMs / 1000) + subscribers.filter((s) => s.joinMs !== null).length * (plan.rampMs / 2000);
  const actual = costOf(o.rates, size, billed, participantSeconds);
  const busiest = rows.reduce<number | null>((m, r) => (r.holdCpuPercentOfTask === null ? m : Math.max(m ?? 0, r.holdCpuPercentOfTask)), null);
  const notStarted = rows.filter((r) => r.status === 'NOT_STARTED').length;
  const died = rows.filter((r) => r.status !== 'NOT_STARTED' && !outcome.results.has(r.id)).length;
  const verdict = [
    `${ok.length} of ${requested} subscribers joined over ${outcome.tasks.length} Fargate task(s) of ${K}.`,
    notStarted > 0 ? `${notStarted} task(s) never started (RunTask failures: capacity or quota).` : '',
    died > 0 ? `${died} task(s) stopped without a results file (their viewers count as failed).` : '',
    busiest !== null ? `Busiest task used ${busiest.toFixed(0)} % of its ${size.cpu / 1024} vCPU in the hold${busiest > 85 ? ': CPU-bound, use fewer viewers per task or bigger tasks' : ''}.` : '',
    outcome.interrupted ? 'Interrupted (Ctrl-C): every task was stopped.' : '',
    outcome.timedOut ? 'Past its deadline: the remaining tasks were stopped.' : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  const result = LoadResultSchema.parse({
    schemaVersion: 1,
    kind: 'loadtest',
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: outcome.finishedAt.toISOString(),
    target: o.target,
    mode: 'subscribers',
    requested,
    rampSeconds: plan.rampMs / 1000,
    holdSeconds: plan.holdMs / 1000,
    machine: {
      cpus: Math.max(1, Math.round((outcome.tasks.length * size.cpu) / 1024)),
      cpuModel: `AWS Fargate ARM64, ${outcome.tasks.length} task(s) of ${size.cpu / 1024} vCPU`,
      memGiB: Math.max(0.5, (outcome.tasks.length * size.memoryMiB) / 1024),
      os: 'linux (Fargate)',
      node: 'node 22 (public.ecr.aws/docker/library/node:22-slim)',
      chromium: null,
      gitCommit: o.gitCommit,
    },
    succeeded: ok.length,
    successRate: requested > 0 ? ok.length / requested : 0,
    joinMs: summarize(ok.map((s) => s.joinMs).filter((v): v is number => v !== null)),
    firstPacketMs: summarize(ok.map((s) => s.firstPacketMs).filter((v): v is number => v !== null)),
    lossPercent: summarize(ok.filter((s) => s.packets + s.lost > 0).map((s) => (s.lost / (s.packets + s.lost)) * 100)),
    packetsTotal: subscribers.reduce((n, s) => n + s.packets, 0),
    errors,
    tokens: null,
    limits: {
      ulimitNoFile: null,
      ephemeralPorts: null,
      serverPeak: null,
      clientsPeak: null,
      systemCpuBusyPercent: null,
      openFdsPeak: null,
      udpSocketsPeak: null,
      clientsCpuUsPerPacket: holdPackets > 0 ? (holdCpu * 1e6) / holdPackets : null,
      verdict,
    },
    samples: outcome.snapshots.map((s) => ({
      tMs: s.tMs,
      joined: s.total.joined,
      failed: s.total.failed,
      serverCpuPercent: null,
      serverRssMiB: null,
      clientsCpuPercent: null,
    })),
    subscribers,
  } satisfies LoadResult);
  return {
    result,
    fleet: { runId: plan.runId, tasks: rows, estimate: o.estimate, actual, interrupted: outcome.interrupted, leftoversDisconnected: outcome.leftoversDisconnected },
  };
}

/** The fleet's section, appended to the local report's Markdown. */
export function fleetMarkdown(r: FleetReport, rates: Rates): string {
  const f = r.fleet;
  const pct = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} %`);
  return [
    '',
    `## Fleet (run ${f.runId})`,
    '',
    '| Task | Status | Joined | Failed | Loss | CPU in hold (of the task) | Billed | Note |',
    '|---|---|---|---|---|---|---|---|',
    ...f.tasks.map(
      (t) =>
        `| \`${t.id}\` | ${t.status}${t.exitCode !== null ? ` (exit ${t.exitCode})` : ''} | ${t.joined} | ${t.failed} | ${pct(t.lossPercent)} | ${pct(t.holdCpuPercentOfTask)} | ${t.billedSeconds === null ? '—' : `${t.billedSeconds.toFixed(0)} s`} | ${t.reason ?? ''} |`,
    ),
    '',
    '### Cost',
    '',
    'Estimated before the run (upper bound):',
    '',
    ...costLines(f.estimate, rates).map((l) => `- ${l}`),
    '',
    'From the tasks\' billed times and the viewers that joined:',
    '',
    ...costLines(f.actual, rates).map((l) => `- ${l}`),
    '',
    f.leftoversDisconnected > 0 ? `${f.leftoversDisconnected} participant(s) of this run were still on the stage at the end and were disconnected.\n` : '',
  ].join('\n');
}
