/**
 * The token API's Powertools singletons, built once per container (module scope) so every invocation reuses them.
 * Service name and namespace are fixed here rather than in the CDK environment, so the sandbox (which mounts the
 * handler in-process) emits the same log and metric shape as Lambda.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'token-api';
export const METRICS_NAMESPACE = 'IvsTestEnv';

export const logger = new Logger({ serviceName: SERVICE_NAME });

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
