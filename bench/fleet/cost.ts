/**
 * What a fleet run costs: Fargate vCPU-hours and GB-hours (plus each task's public IPv4 address) from
 * web/data/fargate-pricing.json, and IVS participant-hours from web/data/ivs-realtime-pricing.json (the cost page's
 * file). The estimate before the run is an upper bound (every viewer connected from the ramp's start to the hold's end,
 * every task billed for start-up and stop too); the figure after the run uses the tasks' own start and stop times.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { repoPath } from '../../lib/defaults.js';

export const FargateRates = z.object({
  recordedOn: z.string(),
  region: z.string(),
  source: z.string().url(),
  usdPerVcpuHour: z.number().positive(),
  usdPerGbHour: z.number().positive(),
  minimumBillingSeconds: z.number().nonnegative(),
  publicIpv4: z.object({ usdPerHour: z.number().nonnegative(), source: z.string().url() }),
  ratesVerified: z.boolean(),
});
export type FargateRates = z.infer<typeof FargateRates>;

const IvsRates = z.object({
  recordedOn: z.string(),
  source: z.string().url(),
  tiers: z.array(z.object({ id: z.string(), usdPerParticipantHour: z.number().positive() })),
  defaultTier: z.string(),
  ratesVerified: z.boolean(),
});

export interface Rates {
  readonly fargate: FargateRates;
  readonly usdPerParticipantHour: number;
  readonly ivsRecordedOn: string;
  readonly ivsSource: string;
  readonly verified: boolean;
}

export function loadRates(): Rates {
  const fargate = FargateRates.parse(JSON.parse(readFileSync(repoPath('web/data/fargate-pricing.json'), 'utf8')));
  const ivs = IvsRates.parse(JSON.parse(readFileSync(repoPath('web/data/ivs-realtime-pricing.json'), 'utf8')));
  const tier = ivs.tiers.find((t) => t.id === ivs.defaultTier);
  if (!tier) throw new Error(`web/data/ivs-realtime-pricing.json: defaultTier "${ivs.defaultTier}" is not one of its tiers`);
  return {
    fargate,
    usdPerParticipantHour: tier.usdPerParticipantHour,
    ivsRecordedOn: ivs.recordedOn,
    ivsSource: ivs.source,
    verified: fargate.ratesVerified && ivs.ratesVerified,
  };
}

export interface CostFigures {
  readonly taskHours: number;
  readonly vcpuHours: number;
  readonly gbHours: number;
  readonly participantHours: number;
  readonly fargateUsd: number;
  readonly ipv4Usd: number;
  readonly ivsUsd: number;
  readonly totalUsd: number;
}

export interface TaskSize {
  /** Fargate CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** Cost of tasks billed for `taskSeconds` each (one entry per task) and `participantSeconds` of viewers in total. */
export function costOf(rates: Rates, size: TaskSize, taskSeconds: readonly number[], participantSeconds: number): CostFigures {
  const billed = taskSeconds.map((s) => Math.max(s, rates.fargate.minimumBillingSeconds) / 3600);
  const taskHours = billed.reduce((a, b) => a + b, 0);
  const vcpuHours = taskHours * (size.cpu / 1024);
  const gbHours = taskHours * (size.memoryMiB / 1024);
  const participantHours = participantSeconds / 3600;
  const fargateUsd = vcpuHours * rates.fargate.usdPerVcpuHour + gbHours * rates.fargate.usdPerGbHour;
  const ipv4Usd = taskHours * rates.fargate.publicIpv4.usdPerHour;
  const ivsUsd = participantHours * rates.usdPerParticipantHour;
  return { taskHours, vcpuHours, gbHours, participantHours, fargateUsd, ipv4Usd, ivsUsd, totalUsd: fargateUsd + ipv4Usd + ivsUsd };
}

/** Start-up (image pull, bundle download) and stop allowances in the estimate, from Fargate's usual times. */
const TASK_OVERHEAD_SECONDS = 120;

/** The upper bound printed before a run. */
export function estimateCost(rates: Rates, size: TaskSize, tasks: number, viewersPerTask: number, rampMs: number, holdMs: number): CostFigures {
  const runSeconds = (rampMs + holdMs) / 1000;
  return costOf(rates, size, Array.from({ length: tasks }, () => runSeconds + TASK_OVERHEAD_SECONDS), tasks * viewersPerTask * runSeconds);
}

const usd = (n: number): string => `USD ${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;

export function costLines(c: CostFigures, rates: Rates): string[] {
  return [
    `Fargate: ${c.taskHours.toFixed(3)} task-hours = ${c.vcpuHours.toFixed(3)} vCPU-hours + ${c.gbHours.toFixed(3)} GB-hours ≈ ${usd(c.fargateUsd)} ` +
      `(USD ${rates.fargate.usdPerVcpuHour}/vCPU-hour, USD ${rates.fargate.usdPerGbHour}/GB-hour, ${rates.fargate.region}, ARM64, recorded ${rates.fargate.recordedOn})`,
    `Public IPv4 (one per task): ≈ ${usd(c.ipv4Usd)} (USD ${rates.fargate.publicIpv4.usdPerHour}/hour)`,
    `IVS: ${c.participantHours.toFixed(2)} participant-hours ≈ ${usd(c.ivsUsd)} (USD ${rates.usdPerParticipantHour}/participant-hour, recorded ${rates.ivsRecordedOn})`,
    `Total ≈ ${usd(c.totalUsd)}${rates.verified ? '' : ' — the rate files say their rates are unverified: check ' + rates.fargate.source + ' and ' + rates.ivsSource}`,
  ];
}
