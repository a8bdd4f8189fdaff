import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Pricing, compareSeed, estimate, participantHours, roundCents, type Estimate } from '../../web/src/cost/estimate.js';

const file: unknown = JSON.parse(readFileSync(new URL('../../web/data/ivs-realtime-pricing.json', import.meta.url), 'utf8'));

/** A pricing table with round numbers, so every expected figure below is computed by hand. */
const fixture = Pricing.parse({
  service: 'test',
  currency: 'USD',
  unit: 'participant-hour',
  recordedOn: '2026-01-02',
  source: 'https://example.com/pricing',
  billing: 'per participant hour',
  freeTier: { participantHoursPerMonth: 20, months: 12, note: 'new accounts' },
  tiers: [
    { id: 'sd', label: 'SD', maxLines: 480, usdPerParticipantHour: 0.05 },
    { id: 'hd', label: 'HD', maxLines: 720, usdPerParticipantHour: 0.1 },
  ],
  defaultTier: 'hd',
  ratesVerified: true,
  verificationNote: '',
  seed: { usdPerParticipantHour: 0.01, examples: [{ hosts: 1, viewers: 10, hours: 1, usd: 0.11 }] },
});

function ok(input: unknown): Estimate {
  const r = estimate(fixture, input);
  if (!r.ok) throw new Error(`expected an estimate, got ${r.field}: ${r.message}`);
  return r.estimate;
}

describe('cost estimate', () => {
  it('participant hours are (hosts + viewers) × hours', () => {
    expect(participantHours(1, 10, 1)).toBe(11);
    expect(participantHours(2, 50, 2.5)).toBe(130);
    expect(participantHours(0, 0, 5)).toBe(0);
  });

  it('bills every participant hour at the tier rate', () => {
    // 3 hosts + 7 viewers for 2 h = 20 participant hours; SD 0.05 → 1.00, HD 0.10 → 2.00
    const sd = ok({ hosts: 3, viewers: 7, hours: 2, tier: 'sd', applyFreeTier: false });
    expect(sd.participantHours).toBe(20);
    expect(sd.billableHours).toBe(20);
    expect(roundCents(sd.usd)).toBe(1);
    expect(roundCents(ok({ hosts: 3, viewers: 7, hours: 2, tier: 'hd', applyFreeTier: false }).usd)).toBe(2);
  });

  it('subtracts the free tier, never below zero', () => {
    // 2 + 50 for 2.5 h = 130 participant hours; minus 20 free = 110 × 0.10 = 11.00
    const e = ok({ hosts: 2, viewers: 50, hours: 2.5, tier: 'hd', applyFreeTier: true });
    expect(e.freeHoursUsed).toBe(20);
    expect(e.billableHours).toBe(110);
    expect(roundCents(e.usd)).toBe(11);
    // 1 + 4 for 3 h = 15 participant hours, all inside the free 20
    const small = ok({ hosts: 1, viewers: 4, hours: 3, tier: 'sd', applyFreeTier: true });
    expect(small.freeHoursUsed).toBe(15);
    expect(small.usd).toBe(0);
  });

  it('names the field of bad input instead of computing a figure', () => {
    const cases: [unknown, string][] = [
      [{ hosts: -1, viewers: 1, hours: 1, tier: 'hd', applyFreeTier: false }, 'hosts'],
      [{ hosts: 1.5, viewers: 1, hours: 1, tier: 'hd', applyFreeTier: false }, 'hosts'],
      [{ hosts: 1, viewers: Number.NaN, hours: 1, tier: 'hd', applyFreeTier: false }, 'viewers'],
      [{ hosts: 1, viewers: 1, hours: 0, tier: 'hd', applyFreeTier: false }, 'hours'],
      [{ hosts: 1, viewers: 1, hours: 745, tier: 'hd', applyFreeTier: false }, 'hours'],
      [{ hosts: 1, viewers: 1, hours: 1, tier: 'uhd', applyFreeTier: false }, 'tier'],
    ];
    for (const [input, field] of cases) {
      const r = estimate(fixture, input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.field).toBe(field);
        expect(r.message.length).toBeGreaterThan(0);
      }
    }
  });

  it('rounds to cents half away from zero', () => {
    expect(roundCents(1.005)).toBe(1.01);
    expect(roundCents(0.792)).toBe(0.79);
    expect(roundCents(0.125)).toBe(0.13);
    expect(roundCents(0)).toBe(0);
  });
});

describe('the rate file', () => {
  it('is valid, dated, sourced and notes the free tier', () => {
    const p = Pricing.parse(file);
    expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\/ivs\/pricing/);
    expect(p.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(p.freeTier.participantHoursPerMonth).toBeGreaterThan(0);
    expect(p.tiers.map((t) => t.id)).toContain(p.defaultTier);
    // An unverified rate must say why, so the page can warn.
    if (!p.ratesVerified) expect(p.verificationNote.length).toBeGreaterThan(20);
  });

  it('rejects a broken edit with the path of the problem', () => {
    const broken = JSON.parse(JSON.stringify(file)) as { tiers: { usdPerParticipantHour: unknown }[] };
    (broken.tiers[0] as { usdPerParticipantHour: unknown }).usdPerParticipantHour = '0.07';
    const r = Pricing.safeParse(broken);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['tiers', 0, 'usdPerParticipantHour']);
  });

  it("reproduces the seed README's three examples at its own rate", () => {
    const p = Pricing.parse(file);
    const rows = compareSeed(p);
    expect(rows.map((r) => r.participantHours)).toEqual([11, 101, 1001]);
    // (1 + 10) × 1 × 0.01 = 0.11; (1 + 100) × 0.01 = 1.01; (1 + 1000) × 0.01 = 10.01
    expect(rows.map((r) => roundCents(r.seedUsd))).toEqual(rows.map((r) => r.example.usd));
    expect(rows.map((r) => r.example.usd)).toEqual([0.11, 1.01, 10.01]);
  });

  it('shows how far the seed is from the current rate', () => {
    const rows = compareSeed(fixture, 'hd');
    // 11 participant hours: seed 0.11, HD 0.10 × 11 = 1.10, ten times the seed's figure
    expect(rows[0]?.seedUsd).toBeCloseTo(0.11, 10);
    expect(rows[0]?.currentUsd).toBeCloseTo(1.1, 10);
    expect(rows[0]?.ratio).toBeCloseTo(10, 10);
  });
});
