/**
 * The app's stacks, as bin/app.ts builds them (the CDK tests build them through here too). The main stack is always
 * there; the opt-in load fleet only with `-c fleet=true`, so that without it the main stack is the app's one stack
 * and a bare `npx cdk deploy` / `npx cdk destroy` selects it (the CLI refuses a bare command when an app has more
 * than one top-level stack). Neither stack references the other.
 */
import type { App } from 'aws-cdk-lib';
import type { EnvironmentSettings } from './config.js';
import { IvsLoadFleetStack } from './fleet/load-fleet-stack.js';
import { IvsTestEnvStack } from './ivs-test-env-stack.js';

export const MAIN_STACK_ID = 'IvsTestEnv';
export const FLEET_STACK_ID = 'IvsLoadFleet';

export interface AppStacks {
  readonly main: IvsTestEnvStack;
  /** null unless the `fleet` context is true. */
  readonly fleet: IvsLoadFleetStack | null;
}

/** @param prebuiltSite pages already built (the tests' fixture); by default web/ is built at synth. */
export function addStacks(app: App, settings: EnvironmentSettings, prebuiltSite?: string): AppStacks {
  // Environment-agnostic on purpose: synth needs no credentials, and one template deploys to any account and region.
  const main = new IvsTestEnvStack(app, MAIN_STACK_ID, {
    settings,
    ...(prebuiltSite === undefined ? {} : { prebuiltSite }),
    description: 'Amazon IVS real-time test environment (stage, token API, Cognito, site, monitoring)',
  });
  const fleet = settings.fleet
    ? new IvsLoadFleetStack(app, FLEET_STACK_ID, {
        settings,
        description: 'Load-test fleet for the IVS test environment (ECS Fargate workers, results bucket); deploy only to run a fleet load test',
      })
    : null;
  return { main, fleet };
}
