/** Synthesizes the app the way bin/app.ts builds it (both stacks), or the main stack alone, for the fleet tests. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { settingsFromContext } from '../../lib/config.js';
import { IvsLoadFleetStack } from '../../lib/fleet/load-fleet-stack.js';
import { IvsTestEnvStack } from '../../lib/ivs-test-env-stack.js';
import type { ContextValues } from './synth-env.js';

export interface FleetApp {
  readonly app: App;
  readonly main: IvsTestEnvStack;
  readonly fleet: IvsLoadFleetStack | null;
  readonly outdir: string;
  template(which: 'main' | 'fleet'): Template;
  dispose(): void;
}

/**
 * @param withFleet false builds the app as it was before the fleet stack existed (the main stack only).
 * @param bundle run the worker's esbuild bundling, as `cdk synth IvsLoadFleet` does (default off: faster).
 */
export function synthApp(context: ContextValues = {}, withFleet = true, bundle = false): FleetApp {
  const root = mkdtempSync(path.join(tmpdir(), 'ivs-fleet-test-'));
  const site = path.join(root, 'site');
  mkdirSync(site);
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>fixture</title>\n');
  const outdir = path.join(root, 'cdk.out');
  const app = new App({ outdir, context: bundle ? { 'aws:cdk:bundling-stacks': ['IvsLoadFleet'] } : { 'aws:cdk:bundling-stacks': [] } });
  const settings = settingsFromContext((key) => context[key]);
  const main = new IvsTestEnvStack(app, 'IvsTestEnv', { settings, prebuiltSite: site });
  const fleet = withFleet ? new IvsLoadFleetStack(app, 'IvsLoadFleet', { settings }) : null;
  const templates = new Map<string, Template>();
  return {
    app,
    main,
    fleet,
    outdir,
    template(which) {
      const stack = which === 'main' ? main : fleet;
      if (!stack) throw new Error('this app has no fleet stack');
      let t = templates.get(which);
      if (!t) templates.set(which, (t = Template.fromStack(stack)));
      return t;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
