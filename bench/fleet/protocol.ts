/**
 * What a fleet run hands each task (FleetRunPlan, in the RunTask container override) and what each task hands back
 * (TaskProgress as metrics, TaskResults as its results file). The plan carries no token and no key: each task mints
 * its own subscribe-only tokens with the fleet's signing key (docs/load-testing.md, "Tokens for a fleet").
 */
import { z } from 'zod';
import { LoadSubscriberSchema } from '../lib/schema.js';

const RunId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and "-", at most 40');

export const FleetRunPlan = z.object({
  runId: RunId,
  /** Subscribers this task holds. */
  viewers: z.number().int().positive().max(5000),
  rampMs: z.number().int().nonnegative(),
  holdMs: z.number().int().nonnegative(),
  joinTimeoutMs: z.number().int().positive(),
  maxInFlight: z.number().int().positive(),
  stageArn: z.string().min(1),
  /** The stage's endpoints, which self-signed tokens carry (GetStage `endpoints.whip` / `endpoints.events`). */
  whipUrl: z.string().url(),
  eventsUrl: z.string().url(),
  /** Where a subscriber POSTs its SDP offer. */
  subscribeUrl: z.string().url(),
  audio: z.boolean(),
  /** Token lifetime: the run's length plus slack, so a token never outlives the test by much. */
  tokenMinutes: z.number().int().min(1).max(20160),
  /** How often progress is reported. */
  progressEveryMs: z.number().int().positive().default(10_000),
});
export type FleetRunPlan = z.infer<typeof FleetRunPlan>;

export const TaskProgress = z.object({
  runId: RunId,
  taskId: z.string(),
  joined: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  packets: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export const TaskResults = z.object({
  schemaVersion: z.literal(1),
  runId: RunId,
  taskId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  requested: z.number().int().nonnegative(),
  /** Told to stop (SIGTERM from StopTask, Ctrl-C) before the hold ended. */
  stoppedEarly: z.boolean(),
  /** This process's CPU time over the run, and over the hold with the packets received in it. */
  cpuSeconds: z.number().nonnegative(),
  holdCpuSeconds: z.number().nonnegative(),
  holdPackets: z.number().int().nonnegative(),
  subscribers: z.array(LoadSubscriberSchema),
});
export type TaskResults = z.infer<typeof TaskResults>;
