import { CfnOutput, Fn, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentSettings } from '../config.js';
import { TokenSigningKey } from '../constructs/token-signing-key.js';
import { applyNagAcknowledgements } from '../nag.js';
import { FLEET_OUTPUTS } from './contract.js';
import { FleetNetwork } from './network.js';
import { FleetResults } from './results-bucket.js';
import { FleetTask } from './task.js';
import { FleetWorkerBundle } from './worker-bundle.js';

/** Results files are kept this long: long enough to re-read a run, short enough that nothing piles up. */
export const RESULTS_EXPIRY_DAYS = 7;

export interface IvsLoadFleetStackProps extends StackProps {
  readonly settings: EnvironmentSettings;
}

/**
 * The opt-in load-test fleet (`npx cdk deploy IvsLoadFleet`): a VPC without NAT, an ECS cluster, a Fargate task
 * definition for the load worker, a results bucket, and the worker's own token-signing key pair. The key pair is the
 * fleet's own IVS public key, so tasks mint subscribe-only tokens for any stage of the account and region without
 * calling CreateParticipantToken (50 TPS), and without a reference to the main stack: `IvsTestEnv` never depends on
 * this stack, and this stack does not depend on it either. Nothing here bills while idle except the key's secret.
 */
export class IvsLoadFleetStack extends Stack {
  public readonly network: FleetNetwork;
  public readonly results: FleetResults;
  public readonly signingKey: TokenSigningKey;
  public readonly task: FleetTask;

  constructor(scope: Construct, id: string, props: IvsLoadFleetStackProps) {
    super(scope, id, props);
    const { settings } = props;
    Tags.of(this).add('project', 'ivs-test-env');
    Tags.of(this).add('ivs-test-env:part', 'load-fleet');

    this.network = new FleetNetwork(this, 'Network');
    this.results = new FleetResults(this, 'Results', { expiryDays: RESULTS_EXPIRY_DAYS, logRetention: settings.logRetention });
    this.signingKey = new TokenSigningKey(this, 'SigningKey', { logRetention: settings.logRetention });
    const bundle = new FleetWorkerBundle(this, 'WorkerBundle');
    this.task = new FleetTask(this, 'Worker', {
      vpc: this.network.vpc,
      securityGroup: this.network.securityGroup,
      cpu: settings.fleetTask.cpu,
      memoryMiB: settings.fleetTask.memoryMiB,
      logRetention: settings.logRetention,
      resultsBucket: this.results.bucket,
      workerBundle: bundle.asset,
      signingKey: this.signingKey,
    });

    const out = (name: string, value: string, description: string): void => {
      new CfnOutput(this, name, { value, description });
    };
    out(FLEET_OUTPUTS.cluster, this.task.cluster.clusterArn, 'ECS cluster the load tasks run in');
    out(FLEET_OUTPUTS.taskDefinition, this.task.taskDefinition.taskDefinitionArn, 'Fargate task definition of one load worker');
    out(FLEET_OUTPUTS.container, this.task.container.containerName, 'Container name for RunTask overrides');
    out(FLEET_OUTPUTS.subnets, Fn.join(',', this.network.vpc.publicSubnets.map((s) => s.subnetId)), 'Public subnets for the tasks');
    out(FLEET_OUTPUTS.securityGroup, this.network.securityGroup.securityGroupId, 'Security group of the tasks (no inbound rule)');
    out(FLEET_OUTPUTS.resultsBucket, this.results.bucket.bucketName, 'Results files, runs/<run id>/results/<task id>.json');
    out(FLEET_OUTPUTS.logGroup, this.task.logGroup.logGroupName, 'Worker logs and their embedded metrics');
    out(FLEET_OUTPUTS.publicKeyArn, this.signingKey.publicKeyArn, 'IVS public key verifying the tokens the tasks mint');
    out(FLEET_OUTPUTS.taskCpu, String(settings.fleetTask.cpu), 'Fargate CPU units per task (cost estimate)');
    out(FLEET_OUTPUTS.taskMemory, String(settings.fleetTask.memoryMiB), 'Fargate memory per task, MiB (cost estimate)');

    applyNagAcknowledgements(this);
  }
}
