/**
 * What the fleet stack, its worker and the CLI that drives them agree on: environment variable names, the results
 * layout in the bucket, and the metric namespace. Values only, so the stack (lib/) and the load-test code both import it.
 */

/** Set by the task definition (the stack): where things are. */
export const TASK_ENV = {
  bundleUrl: 'WORKER_BUNDLE_URL',
  region: 'AWS_REGION',
  resultsBucket: 'FLEET_RESULTS_BUCKET',
  signingKeySecretArn: 'FLEET_SIGNING_KEY_SECRET_ARN',
  publicKeyArn: 'FLEET_PUBLIC_KEY_ARN',
  metricNamespace: 'FLEET_METRIC_NAMESPACE',
} as const;

/** Set per run by the CLI (RunTask container override): the run's plan as JSON. Holds no token and no key. */
export const RUN_ENV = 'FLEET_RUN';

/** CloudWatch namespace of the workers' progress metrics (embedded metric format on stdout). */
export const FLEET_METRIC_NAMESPACE = 'IvsLoadFleet';

/** Metric names, each with dimensions RunId and TaskId; values are the task's current totals. */
export const FLEET_METRICS = ['Joined', 'Failed', 'Pending', 'PacketsReceived', 'PacketsLost'] as const;
export type FleetMetric = (typeof FLEET_METRICS)[number];

/** Everything a run writes sits under this prefix; the task role may write nowhere else. */
export const RUNS_PREFIX = 'runs/';

export function resultsKey(runId: string, taskId: string): string {
  return `${RUNS_PREFIX}${runId}/results/${taskId}.json`;
}

export function resultsPrefix(runId: string): string {
  return `${RUNS_PREFIX}${runId}/results/`;
}

/** Names of the fleet stack's outputs, read by the CLI with CloudFormation DescribeStacks. */
export const FLEET_OUTPUTS = {
  cluster: 'ClusterArn',
  taskDefinition: 'TaskDefinitionArn',
  container: 'ContainerName',
  subnets: 'SubnetIds',
  securityGroup: 'SecurityGroupId',
  resultsBucket: 'ResultsBucketName',
  logGroup: 'LogGroupName',
  publicKeyArn: 'PublicKeyArn',
  taskCpu: 'TaskCpu',
  taskMemory: 'TaskMemoryMiB',
} as const;

/** User ids of a run's participants start with this, so leftovers can be found with ListParticipants. */
export function participantPrefix(runId: string): string {
  return `fleet-${runId}-`;
}
