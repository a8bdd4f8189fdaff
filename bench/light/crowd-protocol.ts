/** What bench/light/crowd-child.ts takes (env LIGHT_CROWD_CONFIG, JSON) and reports over IPC. */
import { z } from 'zod';

export const CrowdChildConfig = z.object({
  tokens: z.array(z.string()).min(1),
  publisherId: z.string().min(1),
  rampPerSec: z.number().positive(),
  settleSeconds: z.number().nonnegative(),
  windowSeconds: z.number().positive(),
  joinTimeoutMs: z.number().int().positive(),
});
export type CrowdChildConfig = z.infer<typeof CrowdChildConfig>;

export const CrowdChildResult = z.object({
  subscribers: z.number().int(),
  receiving: z.number().int(),
  failed: z.number().int(),
  windowSeconds: z.number(),
  windowPackets: z.number().int(),
  windowBytes: z.number().int(),
  cpuUs: z.number(),
  lost: z.number().int(),
  errors: z.array(z.string()),
});
export type CrowdChildResult = z.infer<typeof CrowdChildResult>;

