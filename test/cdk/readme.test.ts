/**
 * The READMEs document the deployment; these checks keep them in step with the code they describe (context keys and
 * defaults, token lifetime limits, the price file the cost page uses) and keep the quick-start commands literal.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { LIMITS } from '../../contracts/token-api.js';
import { CONTEXT_DEFAULTS } from '../../lib/config.js';
import { repoPath } from '../../lib/defaults.js';

const READMES = ['README.md', 'README.zh-TW.md'] as const;
const read = (file: string) => readFileSync(repoPath(file), 'utf8');

const Pricing = z.object({
  defaultTier: z.string(),
  tiers: z.array(z.object({ id: z.string(), usdPerParticipantHour: z.number().positive() })),
  seed: z.object({ examples: z.array(z.object({ hosts: z.number(), viewers: z.number(), hours: z.number() })) }),
});

/** `| \`key\` | \`default\` | ...` rows of the context table. */
function contextTable(text: string): Map<string, string> {
  const rows = [...text.matchAll(/^\| `(\w+)` \| `([^`]*)` \|/gm)];
  return new Map(rows.map((m) => [m[1] as string, m[2] as string]));
}

describe.each(READMES)('%s', (file) => {
  const text = read(file);

  it('gives the two quick-start commands literally', () => {
    expect(text).toContain('npm ci && npm start');
    expect(text).toContain('npm ci && npm test');
  });

  it('documents every context key with its real default, and no other', () => {
    const table = contextTable(text);
    // Lists and the empty string as JSON (`[]`, `""`), everything else as written.
    const expected = Object.entries(CONTEXT_DEFAULTS).map(([key, value]) => [key, Array.isArray(value) || value === '' ? JSON.stringify(value) : String(value)]);
    expect([...table.entries()].sort()).toEqual(expected.sort());
  });

  it('has the deploy, destroy and bootstrap commands and a Mermaid diagram', () => {
    for (const command of ['npx cdk bootstrap', 'npx cdk deploy', 'npx cdk destroy']) expect(text).toContain(command);
    expect(text).toMatch(/```mermaid\nflowchart/);
  });

  it('states token lifetimes in minutes with the contract limits', () => {
    expect(text).toContain('`durationMinutes`');
    expect(text).toContain(String(LIMITS.durationMinutes.max));
    expect(text).toContain(String(LIMITS.durationMinutes.default));
  });

  it('prices the examples with the rate in web/data/ivs-realtime-pricing.json', () => {
    const pricing = Pricing.parse(JSON.parse(read('web/data/ivs-realtime-pricing.json')));
    const rate = pricing.tiers.find((t) => t.id === pricing.defaultTier)?.usdPerParticipantHour;
    expect(rate).toBeDefined();
    expect(text).toContain(String(rate));
    for (const { hosts, viewers, hours } of pricing.seed.examples) {
      const usd = ((hosts + viewers) * hours * (rate as number)).toFixed(2);
      expect(text).toContain(file === 'README.md' ? `USD ${usd}` : `${usd} 美元`);
    }
  });

  it('keeps the sections other documents fill in, each linking its document', () => {
    for (const [heading, doc] of [
      ['## Sandbox', 'docs/sandbox.md'],
      ['## Pages', 'docs/pages.md'],
      ['## Measuring latency and load', 'docs/measurement.md'],
      ['## Troubleshooting', 'docs/'],
    ] as const) {
      const start = text.indexOf(heading);
      expect({ heading, present: start >= 0 }).toEqual({ heading, present: true });
      const section = text.slice(start, text.indexOf('\n## ', start + heading.length));
      expect(section).toContain(`](${doc}`);
    }
    expect(text).toContain('](docs/benchmarks.md)');
  });
});
