/**
 * Synthesizes the stack for the CDK tests: one App per context variant, into a temporary cloud assembly, with a tiny
 * prebuilt site instead of the real web/ build (the pages have their own tests; here only the deployment matters).
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { settingsFromContext, type ContextKey } from '../../lib/config.js';
import { IvsTestEnvStack } from '../../lib/ivs-test-env-stack.js';
import { addNagChecks } from '../../lib/nag.js';

export type ContextValues = Partial<Record<ContextKey, unknown>>;

/** Every context switch flipped away from its default. */
export const SWITCHED: ContextValues = {
  stageName: 'switched-stage',
  tokenMinting: 'self-signed',
  viewerAccess: 'signed-in',
  allowedOrigins: ['https://octocat.github.io', 'http://localhost:8080'],
  throttleRateLimit: 7,
  throttleBurstLimit: 9,
  tokensPerMinuteAlarmThreshold: 123,
  logRetentionDays: 30,
  alarmEmail: 'ops@example.com',
  monthlyBudgetUsd: 25,
};

export interface SynthesizedEnv {
  readonly app: App;
  readonly stack: IvsTestEnvStack;
  readonly template: Template;
  /** The cloud assembly directory (template, asset manifests and staged assets). */
  readonly outdir: string;
  /** Removes the temporary directories. */
  readonly dispose: () => void;
}

export interface SynthOptions {
  /**
   * Bundle the Lambda functions with esbuild, as `cdk synth` does. Off, the assets are placeholders: enough for
   * checks on the template, and much faster.
   * @default true
   */
  readonly bundle?: boolean;
  /**
   * Register cdk-nag the way bin/app.ts does, so synthesis fails on an unacknowledged finding.
   * @default false
   */
  readonly nag?: boolean;
}

/** Synthesizes `IvsTestEnv` with `context` (absent keys take the defaults of lib/config.ts). */
export function synthesize(context: ContextValues = {}, options: SynthOptions = {}): SynthesizedEnv {
  const root = mkdtempSync(path.join(tmpdir(), 'ivs-cdk-test-'));
  const site = path.join(root, 'site');
  mkdirSync(site);
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>fixture</title>\n');
  const outdir = path.join(root, 'cdk.out');
  const app = new App({
    outdir,
    // An empty list skips bundling for every stack (what `cdk synth --exclusively` does for other stacks).
    context: options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {},
  });
  const settings = settingsFromContext((key) => context[key]);
  const stack = new IvsTestEnvStack(app, 'IvsTestEnv', { settings, prebuiltSite: site });
  if (options.nag === true) addNagChecks(app);
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
