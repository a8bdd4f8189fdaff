/**
 * cdk-nag v3 (AwsSolutions pack) on every combination of the context switches: no unacknowledged finding, errors
 * and warnings alike; every acknowledgement carries a concrete reason and is still needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addNagChecks } from '../../lib/nag.js';
import { acknowledgements, findings, unacknowledgedPack } from './nag-findings.js';
import { SWITCHED, synthesize, type ContextValues, type SynthesizedEnv } from './synth-env.js';

const VARIANTS: ReadonlyArray<readonly [string, ContextValues]> = [
  ['defaults (api minting, public viewers)', {}],
  ['self-signed minting, public viewers', { tokenMinting: 'self-signed' }],
  ['api minting, signed-in viewers', { viewerAccess: 'signed-in' }],
  ['every switch flipped', SWITCHED],
];

const envs = new Map<string, SynthesizedEnv>();

beforeAll(() => {
  // Bundling is irrelevant to the rules (they read resource properties), so it is skipped to keep this fast.
  for (const [name, context] of VARIANTS) envs.set(name, synthesize(context, { bundle: false }));
}, 180_000);

afterAll(() => {
  for (const env of envs.values()) env.dispose();
});

describe.each(VARIANTS.map(([name]) => name))('cdk-nag AwsSolutions with %s', (name) => {
  const env = () => envs.get(name) as SynthesizedEnv;

  it('reports no unacknowledged finding, errors and warnings alike', () => {
    expect(findings(new AwsSolutionsChecks(), env().stack)).toEqual([]);
  });

  it('needs every acknowledgement: each one matches a real finding on its construct', () => {
    const raw = findings(unacknowledgedPack(), env().stack);
    // Without acknowledgements there are findings: the check above is not vacuous.
    expect(raw.length).toBeGreaterThan(0);
    const acks = acknowledgements(env().stack);
    expect(acks.length).toBeGreaterThan(0);
    const unused = acks.filter(
      (ack) => !raw.some((line) => {
        const [, rule, , path] = line.split(' ');
        return rule === ack.id && (path === ack.path || path?.startsWith(`${ack.path}/`));
      }),
    );
    expect(unused).toEqual([]);
  });

  it('gives every acknowledgement a concrete reason', () => {
    for (const ack of acknowledgements(env().stack)) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      const words = ack.reason.trim().split(/\s+/);
      // A reason says what is different here and why that is acceptable: a sentence, not a shrug.
      expect({ id: ack.id, words: words.length >= 12 }).toEqual({ id: ack.id, words: true });
      expect(ack.reason).not.toMatch(/^(n\/?a|todo|tbd|ok|fine|ignore|suppress(ed)?|not needed|false positive)\.?$/i);
      expect(ack.reason.toLowerCase()).not.toContain(ack.id.toLowerCase());
    }
  });
});

describe('addNagChecks (the wiring bin/app.ts uses)', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'ivs-cdk-nag-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Bad');
      new Bucket(stack, 'PlainHttpBucket');
      addNagChecks(app);
      expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('lets the real stack synthesize with the checks on', () => {
    const env = synthesize({}, { bundle: false, nag: true });
    try {
      expect(() => env.app.synth({ force: true })).not.toThrow();
    } finally {
      env.dispose();
    }
  });
});
