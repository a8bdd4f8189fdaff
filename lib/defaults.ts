/**
 * One place for how this app builds Lambda functions and log groups, so every function gets the same runtime,
 * bundling and log hygiene.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Repository root (this file lives in lib/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of a file in the repository. */
export function repoPath(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}

/**
 * The UUID in this stack's id (deploy-time value). For the few names AWS requires to be unique across regions of an
 * account (CloudFront policies, hosted-UI prefixes): a fixed name would collide when the stack is deployed twice.
 */
export function stackUuid(): string {
  return Fn.select(2, Fn.split('/', Aws.STACK_ID));
}

/** A log group the stack owns: fixed retention, and deleted with the stack (log groups Lambda creates itself linger). */
export function stackLogGroup(scope: Construct, id: string, retention: RetentionDays): LogGroup {
  return new LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
}

/**
 * An execution role that may write to one log group and nothing else yet (callers add what the function needs).
 * Used instead of the managed AWSLambdaBasicExecutionRole, which may create and write log groups anywhere.
 */
export function functionRole(scope: Construct, id: string, logGroup: LogGroup, purpose: string): Role {
  const role = new Role(scope, id, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: purpose.slice(0, 1000),
  });
  logGroup.grantWrite(role);
  return role;
}

export interface AppFunctionProps {
  /** Entry file, relative to the repository root (e.g. `lambda/token/handler.ts`). */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
}

/**
 * Bundling shared by every function.
 * - Local esbuild only: there is no Docker engine where this app is built, and esbuild is a dev dependency.
 * - ESM output with a `require` shim: the handlers are ESM (top-level await is allowed), while a few dependencies
 *   still call `require` for Node built-ins.
 * - The AWS SDK is bundled rather than taken from the runtime, so the deployed code runs the SDK version the tests ran.
 * - Minified with source maps; `--enable-source-maps` turns stack traces back into TypeScript lines. Sources are left
 *   out of the maps to keep the package small.
 */
const BUNDLING: NonNullable<NodejsFunctionProps['bundling']> = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
};

/**
 * A Node.js 22 arm64 function (arm64: cheaper per GB-second, and nothing here is x86-specific). Its role may write
 * to its own log group only, instead of the managed basic-execution policy (which may create log groups anywhere).
 */
export function appFunction(scope: Construct, id: string, props: AppFunctionProps): NodejsFunction {
  const logGroup = stackLogGroup(scope, `${id}Logs`, props.logRetention);
  const role = functionRole(scope, `${id}Role`, logGroup, `Runs: ${props.description}`);
  const fn = new NodejsFunction(scope, id, {
    entry: repoPath(props.entry),
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout ?? Duration.seconds(10),
    projectRoot: REPO_ROOT,
    depsLockFilePath: repoPath('package-lock.json'),
    role,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    bundling: BUNDLING,
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to Node.js 22, the runtime the handlers are built (esbuild target node22) and tested for; moving to a newer ' +
      'runtime is a deliberate change, not something a synth should do silently.',
  });
  return fn;
}
