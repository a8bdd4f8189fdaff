/**
 * cdk-nag v3 (AwsSolutions) on the fleet stack: no unacknowledged finding, every acknowledgement needed and reasoned,
 * and the app as bin/app.ts wires it (both stacks, checks on) synthesizes; the worker bundle is one .mjs file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TASK_ENV } from '../../lib/fleet/contract.js';
import { acknowledgements, findings, unusedAcknowledgements } from './nag-findings.js';
import { synthApp, type FleetApp } from './fleet-synth.js';
import { filesUnder } from './synth-env.js';

let app: FleetApp;

beforeAll(() => {
  app = synthApp({}, true, true);
}, 180_000);

afterAll(() => app.dispose());

describe('cdk-nag AwsSolutions on IvsLoadFleet', () => {
  it('reports no unacknowledged finding, errors and warnings alike', () => {
    expect(findings(new AwsSolutionsChecks(), app.fleet as NonNullable<FleetApp['fleet']>)).toEqual([]);
  });

  it('needs every acknowledgement, and gives each a concrete reason', () => {
    const fleet = app.fleet as NonNullable<FleetApp['fleet']>;
    // CDK's own Vpc acknowledges a CloudFormation-validation rule; only the AwsSolutions ones are this app's.
    const ours = (a: { id: string }): boolean => a.id.startsWith('AwsSolutions-');
    expect(unusedAcknowledgements(fleet).filter(ours)).toEqual([]);
    const acks = acknowledgements(fleet).filter(ours);
    expect(acks.map((a) => a.id)).toEqual(expect.arrayContaining(['AwsSolutions-VPC7', 'AwsSolutions-ECS4', 'AwsSolutions-ECS2']));
    for (const ack of acks) {
      expect({ id: ack.id, words: ack.reason.trim().split(/\s+/).length >= 12 }).toEqual({ id: ack.id, words: true });
      expect(ack.reason.toLowerCase()).not.toContain(ack.id.toLowerCase());
    }
  });

  it('synthesizes the whole app with the checks on, as bin/app.ts does', () => {
    Validations.of(app.app).addPlugins(new AwsSolutionsChecks(app.app));
    expect(() => app.app.synth({ force: true })).not.toThrow();
  });
});

describe('the worker bundle asset', () => {
  it('is one esbuild-built .mjs file in the cloud assembly, the object the task reads', () => {
    const env = JSON.stringify(app.template('fleet').toJSON());
    const key = /([0-9a-f]{64}\.mjs)/.exec(env)?.[1];
    expect(key).toBeDefined();
    expect(env).toContain(TASK_ENV.bundleUrl);
    const staged = filesUnder(app.outdir).filter((f) => path.basename(f) === `asset.${key as string}`);
    expect(staged.length).toBe(1);
    const code = readFileSync(staged[0] as string, 'utf8');
    expect(code.length).toBeGreaterThan(100_000);
    // The subscriber, the self-signed minter and the S3 writer are all inside: nothing to install in the container.
    expect(code).toContain('FLEET_SINK_DIR');
    expect(code).toContain('PutObjectCommand');
  });
});
