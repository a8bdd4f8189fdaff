/**
 * Cost math for IVS real-time streaming: participant hours = (hosts + viewers) × hours, billed at the tier's rate,
 * optionally after the free tier. The rate file (web/data/ivs-realtime-pricing.json) is validated with zod, so a bad
 * edit shows as a clear message instead of a wrong figure. Pure functions: unit-tested against hand-computed cases.
 */
// zod/mini, not zod: the same checks at ~5 KB gzip instead of ~90 KB (classic zod does not tree-shake), and this
// module ships in the cost page.
import * as z from 'zod/mini';

export const PricingTier = z.strictObject({
  id: z.string().check(z.regex(/^[a-zA-Z]+$/)),
  label: z.string().check(z.minLength(1)),
  /** Highest vertical resolution in the tier (480, 720, 1080). */
  maxLines: z.int().check(z.positive()),
  usdPerParticipantHour: z.number().check(z.nonnegative()),
});
export type PricingTier = z.infer<typeof PricingTier>;

export const SeedExample = z.strictObject({
  hosts: z.int().check(z.nonnegative()),
  viewers: z.int().check(z.nonnegative()),
  hours: z.number().check(z.positive()),
  usd: z.number().check(z.nonnegative()),
});
export type SeedExample = z.infer<typeof SeedExample>;

export const Pricing = z
  .strictObject({
    service: z.string(),
    currency: z.literal('USD'),
    unit: z.literal('participant-hour'),
    recordedOn: z.iso.date(),
    source: z.url(),
    billing: z.string(),
    freeTier: z.strictObject({
      participantHoursPerMonth: z.number().check(z.nonnegative()),
      months: z.int().check(z.positive()),
      note: z.string(),
    }),
    tiers: z.array(PricingTier).check(z.minLength(1)),
    defaultTier: z.string(),
    ratesVerified: z.boolean(),
    verificationNote: z.string(),
    seed: z.strictObject({ usdPerParticipantHour: z.number().check(z.nonnegative()), examples: z.array(SeedExample) }),
  })
  .check(z.refine((p) => p.tiers.some((t) => t.id === p.defaultTier), { message: 'defaultTier must name one of tiers', path: ['defaultTier'] }));
export type Pricing = z.infer<typeof Pricing>;

/** Bounds that catch typos (an extra zero) without getting in the way of real plans. */
const ESTIMATE_LIMITS = { maxParticipants: 1_000_000, maxHours: 744 } as const;

const count = (name: string) =>
  z.number({ error: `${name} must be a number` }).check(
    z.refine(Number.isInteger, `${name} must be a whole number`),
    z.minimum(0, `${name} cannot be negative`),
    z.maximum(ESTIMATE_LIMITS.maxParticipants, `${name} must be at most ${ESTIMATE_LIMITS.maxParticipants}`),
  );

const EstimateInput = z.strictObject({
  hosts: count('hosts'),
  viewers: count('viewers'),
  hours: z.number({ error: 'hours must be a number' }).check(
    z.positive('hours must be more than 0'),
    z.maximum(ESTIMATE_LIMITS.maxHours, `hours must be at most ${ESTIMATE_LIMITS.maxHours} (a month)`),
  ),
  tier: z.string(),
  applyFreeTier: z.boolean(),
});
type EstimateInput = z.infer<typeof EstimateInput>;

export interface Estimate {
  readonly participantHours: number;
  /** After the free tier, when applied. */
  readonly billableHours: number;
  readonly freeHoursUsed: number;
  readonly tier: PricingTier;
  readonly usd: number;
}

export type EstimateResult = { readonly ok: true; readonly estimate: Estimate } | { readonly ok: false; readonly field: string; readonly message: string };

export function participantHours(hosts: number, viewers: number, hours: number): number {
  return (hosts + viewers) * hours;
}

/** Rounds half away from zero to cents, in integer arithmetic so 1.005 does not become 1.00. */
export function roundCents(usd: number): number {
  return Math.sign(usd) * Math.round(Math.abs(usd) * 100 + 1e-9) / 100;
}

export function estimate(pricing: Pricing, input: unknown): EstimateResult {
  const parsed = EstimateInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: String(issue?.path[0] ?? 'input'), message: issue?.message ?? 'invalid' };
  }
  const { hosts, viewers, hours, tier: tierId, applyFreeTier } = parsed.data;
  const tier = pricing.tiers.find((t) => t.id === tierId);
  if (!tier) return { ok: false, field: 'tier', message: `unknown tier "${tierId}"` };
  const ph = participantHours(hosts, viewers, hours);
  const freeHoursUsed = applyFreeTier ? Math.min(ph, pricing.freeTier.participantHoursPerMonth) : 0;
  const billableHours = ph - freeHoursUsed;
  return { ok: true, estimate: { participantHours: ph, billableHours, freeHoursUsed, tier, usd: billableHours * tier.usdPerParticipantHour } };
}

export interface SeedComparison {
  readonly example: SeedExample;
  readonly participantHours: number;
  /** What the seed's own rate gives (its table rounds to cents). */
  readonly seedUsd: number;
  readonly currentUsd: number;
  /** currentUsd / seedUsd; null when the seed figure is 0. */
  readonly ratio: number | null;
}

/** The seed README's examples recomputed at its rate and at the current rate of `tierId` (no free tier). */
export function compareSeed(pricing: Pricing, tierId: string = pricing.defaultTier): SeedComparison[] {
  const tier = pricing.tiers.find((t) => t.id === tierId) ?? pricing.tiers[0];
  const rate = tier?.usdPerParticipantHour ?? 0;
  return pricing.seed.examples.map((example) => {
    const ph = participantHours(example.hosts, example.viewers, example.hours);
    const seedUsd = ph * pricing.seed.usdPerParticipantHour;
    const currentUsd = ph * rate;
    return { example, participantHours: ph, seedUsd, currentUsd, ratio: seedUsd > 0 ? currentUsd / seedUsd : null };
  });
}
