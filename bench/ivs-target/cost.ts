/**
 * What a load run on the real service costs before it starts: every connected participant is billed per
 * participant-hour (web/data/ivs-realtime-pricing.json, read from the IVS pricing page on its recorded date).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Pricing = z.object({
  currency: z.string(),
  tiers: z.array(z.object({ id: z.string(), label: z.string(), usdPerParticipantHour: z.number().nonnegative() })).min(1),
  defaultTier: z.string(),
  recordedOn: z.string(),
  ratesVerified: z.boolean(),
});
export type Pricing = z.infer<typeof Pricing>;

export function loadPricing(path = new URL('../../web/data/ivs-realtime-pricing.json', import.meta.url)): Pricing {
  return Pricing.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export interface RunShape {
  readonly viewers: number;
  readonly rampMs: number;
  readonly holdMs: number;
  /** The latency viewer (one more participant) when --latency is on. */
  readonly extraParticipants?: number;
}

export interface CostEstimate {
  readonly participantHours: number;
  readonly usd: number;
  readonly usdPerParticipantHour: number;
  readonly tier: string;
  readonly text: string;
}

/**
 * Upper bound: each viewer is counted from its start (spread over the ramp) to the end of the hold, plus a minute of
 * joining and leaving; IVS bills by the time connected, so a run that fails early costs less.
 */
export function estimateCost(run: RunShape, pricing: Pricing): CostEstimate {
  const tier = pricing.tiers.find((t) => t.id === pricing.defaultTier) ?? pricing.tiers[0];
  if (!tier) throw new Error('the pricing file lists no tier');
  const perViewerMs = run.rampMs / 2 + run.holdMs + 60_000;
  const participants = run.viewers + (run.extraParticipants ?? 0);
  const participantHours = (participants * perViewerMs) / 3_600_000;
  const usd = participantHours * tier.usdPerParticipantHour;
  const text =
    `This run connects ${participants} participant(s) to the real stage for about ${(perViewerMs / 60_000).toFixed(1)} min each: ` +
    `≈ ${participantHours.toFixed(2)} participant-hours × ${tier.usdPerParticipantHour} ${pricing.currency}/participant-hour (${tier.label}) ` +
    `≈ ${usd.toFixed(2)} ${pricing.currency}` +
    (pricing.ratesVerified ? '' : ` (rate recorded ${pricing.recordedOn}, not verified: check https://aws.amazon.com/ivs/pricing/)`) +
    '.';
  return { participantHours, usd, usdPerParticipantHour: tier.usdPerParticipantHour, tier: tier.id, text };
}
