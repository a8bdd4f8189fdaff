#!/usr/bin/env node
/** CDK entry point: context -> validated settings -> the stacks, checked by cdk-nag. */
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from '../lib/config.js';
import { IvsLoadFleetStack } from '../lib/fleet/load-fleet-stack.js';
import { IvsTestEnvStack } from '../lib/ivs-test-env-stack.js';
import { addNagChecks } from '../lib/nag.js';

const app = new App();
const settings = settingsFromContext((key) => app.node.tryGetContext(key) as unknown);
// Environment-agnostic on purpose: synth needs no credentials, and one template deploys to any account and region.
new IvsTestEnvStack(app, 'IvsTestEnv', {
  settings,
  description: 'Amazon IVS real-time test environment (stage, token API, Cognito, site, monitoring)',
});
// Opt-in: deployed only when named (`npx cdk deploy IvsLoadFleet`); neither stack references the other.
new IvsLoadFleetStack(app, 'IvsLoadFleet', {
  settings,
  description: 'Load-test fleet for the IVS test environment (ECS Fargate workers, results bucket); deploy only to run a fleet load test',
});
addNagChecks(app);
