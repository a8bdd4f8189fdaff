/** IPC messages between the bench/loadtest parent and a subscriber fleet worker process (bench/fleet-worker.ts). */
import { z } from 'zod';
import { LoadSubscriberSchema } from './schema.js';

export const FleetConfig = z.object({
  sandboxUrl: z.string().url(),
  stageArn: z.string(),
  /** WHEP URL of the publisher to subscribe to. */
  whepUrl: z.string().url(),
  audio: z.boolean(),
  /** A subscriber that has not received media by then counts as failed. */
  joinTimeoutMs: z.number().int().positive(),
  /** Added to subscriber indexes so several workers report distinct indexes. */
  indexBase: z.number().int().nonnegative(),
});
export type FleetConfig = z.infer<typeof FleetConfig>;

export const ToWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('config'), config: FleetConfig }),
  z.object({
    type: z.literal('add'),
    count: z.number().int().nonnegative(),
    rampMs: z.number().nonnegative(),
    maxInFlight: z.number().int().positive(),
    /** Offset of this batch's start from the run's start, so startedAtMs is comparable across batches. */
    runOffsetMs: z.number().nonnegative(),
  }),
  z.object({ type: z.literal('stats') }),
  z.object({ type: z.literal('report') }),
  z.object({ type: z.literal('stop') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const FleetStats = z.object({
  /** Receiving media now. */
  connected: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Started, not yet receiving or failed. */
  pending: z.number().int().nonnegative(),
  /** RTP packets received by all subscribers so far. */
  packets: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
});
export type FleetStats = z.infer<typeof FleetStats>;

export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), client: z.string() }),
  z.object({ type: z.literal('added'), stats: FleetStats }),
  z.object({ type: z.literal('progress'), stats: FleetStats }),
  z.object({ type: z.literal('stats'), stats: FleetStats }),
  z.object({ type: z.literal('report'), subscribers: z.array(LoadSubscriberSchema) }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
