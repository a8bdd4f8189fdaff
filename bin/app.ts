#!/usr/bin/env node
/** CDK entry point: context -> validated settings -> the stacks (lib/app-stacks.ts), checked by cdk-nag. */
import { App } from 'aws-cdk-lib';
import { addStacks } from '../lib/app-stacks.js';
import { settingsFromContext } from '../lib/config.js';
import { addNagChecks } from '../lib/nag.js';

const app = new App();
addStacks(app, settingsFromContext((key) => app.node.tryGetContext(key) as unknown));
addNagChecks(app);
