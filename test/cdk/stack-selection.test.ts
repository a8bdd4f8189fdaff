/**
 * Which stack a bare `npx cdk deploy` / `npx cdk destroy` picks, asked of the CDK CLI itself (node_modules/aws-cdk),
 * offline. The CLI picks the app's one top-level stack when no stack is named and refuses when there are more
 * (its `only-single` selection); deploy and destroy share that selection (`explicitOrDefaultStacks`), and destroy
 * shows it in its confirmation question before it calls AWS, so the test answers "n" to it on a pseudo-terminal
 * (`script`), against an already synthesized cloud assembly (`--app <dir>`: the app is not run again), in a network
 * namespace of its own when `unshare` may make one, and with the CLI's notices, telemetry and version check off.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FLEET_STACK_ID, MAIN_STACK_ID } from '../../lib/app-stacks.js';
import { repoPath } from '../../lib/defaults.js';
import { synthApp, type FleetApp } from './fleet-synth.js';

const CDK = repoPath('node_modules/aws-cdk/bin/cdk');
const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;

let bare: FleetApp;
let withFleet: FleetApp;
let home: string;

beforeAll(() => {
  bare = synthApp({}, false);
  withFleet = synthApp({}, true);
  bare.app.synth();
  withFleet.app.synth();
  home = mkdtempSync(path.join(tmpdir(), 'cdk-cli-home-'));
}, 120_000);

afterAll(() => {
  bare?.dispose();
  withFleet?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** `cdk destroy [stack]` against a synthesized assembly, answering "n"; the CLI's output without colours or CRs. */
function destroyAnswerNo(assembly: string, stack: string | null): Promise<string> {
  const cdk = [process.execPath, CDK, 'destroy', ...(stack === null ? [] : [stack]), '--app', assembly, '--no-notices', '--no-color'].join(' ');
  const argv = isolated ? ['unshare', '-rn', 'script', '-qec', cdk, '/dev/null'] : ['script', '-qec', cdk, '/dev/null'];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: home,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end('n\n');
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve) => child.once('close', () => resolve(out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, ''))));
}

const asked = (out: string): string | null => /Are you sure you want to delete: (.+?) \(y\/n\)/.exec(out)?.[1] ?? null;

describe('the app as cdk synth sees it', () => {
  it('has the main stack as its only stack by default, and both with fleet=true', () => {
    expect(bare.app.synth().stacks.map((s) => s.hierarchicalId)).toEqual([MAIN_STACK_ID]);
    expect(withFleet.app.synth().stacks.map((s) => s.hierarchicalId).sort()).toEqual([FLEET_STACK_ID, MAIN_STACK_ID]);
  });
});

describe('the CDK CLI selection (offline)', () => {
  let outputs: Record<'bareCommand' | 'fleetNamed' | 'bareWithFleet' | 'fleetNamedWithoutFlag', string>;

  beforeAll(async () => {
    const [bareCommand, fleetNamed, bareWithFleet, fleetNamedWithoutFlag] = await Promise.all([
      destroyAnswerNo(bare.outdir, null),
      destroyAnswerNo(withFleet.outdir, FLEET_STACK_ID),
      destroyAnswerNo(withFleet.outdir, null),
      destroyAnswerNo(bare.outdir, FLEET_STACK_ID),
    ]);
    outputs = { bareCommand, fleetNamed, bareWithFleet, fleetNamedWithoutFlag };
  }, 180_000);

  it('a bare command selects the main stack', () => {
    expect({ asked: asked(outputs.bareCommand), out: outputs.bareCommand }).toMatchObject({ asked: MAIN_STACK_ID });
  });

  it('`IvsLoadFleet -c fleet=true` selects the fleet stack alone', () => {
    expect({ asked: asked(outputs.fleetNamed), out: outputs.fleetNamed }).toMatchObject({ asked: FLEET_STACK_ID });
  });

  it('would refuse a bare command if the fleet were always in the app', () => {
    expect(asked(outputs.bareWithFleet)).toBeNull();
    expect(outputs.bareWithFleet).toContain('more than a single stack');
  });

  it('finds no fleet stack when the flag is forgotten (the message docs/load-testing.md quotes)', () => {
    expect(asked(outputs.fleetNamedWithoutFlag)).toBeNull();
    expect(outputs.fleetNamedWithoutFlag).toContain(`No stacks match the name(s): ${FLEET_STACK_ID}`);
  });
});
