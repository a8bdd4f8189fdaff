import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  type ContainerDefinition,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { TokenSigningKey } from '../constructs/token-signing-key.js';
import { stackLogGroup } from '../defaults.js';
import { BOOTSTRAP_JS } from './bootstrap.js';
import { FLEET_METRIC_NAMESPACE, RUNS_PREFIX, TASK_ENV } from './contract.js';

/**
 * The stock Node.js 22 image from the Docker official images on Amazon ECR Public
 * (https://gallery.ecr.aws/docker/library/node), multi-arch with arm64; pulled anonymously, so no ECR permission.
 */
export const NODE_IMAGE = 'public.ecr.aws/docker/library/node:22-slim';

export interface FleetTaskProps {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  /** Fargate CPU units (1024 = 1 vCPU) and memory (MiB), validated in lib/config.ts. */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly logRetention: RetentionDays;
  readonly resultsBucket: IBucket;
  readonly workerBundle: Asset;
  readonly signingKey: TokenSigningKey;
}

/**
 * The ECS cluster and the Fargate (ARM64) task definition of one load worker. The container downloads the worker
 * bundle (lib/fleet/bootstrap.ts) and runs it; its role may read that one object, write results under `runs/`, and
 * read the fleet's signing key to mint its own subscribe-only tokens. Progress metrics go out as embedded-metric-format
 * lines on stdout, which the awslogs driver delivers and CloudWatch turns into metrics, so the task role needs no
 * CloudWatch permission at all.
 */
export class FleetTask extends Construct {
  public readonly cluster: Cluster;
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly container: ContainerDefinition;
  public readonly logGroup: LogGroup;
  public readonly taskRole: Role;

  constructor(scope: Construct, id: string, props: FleetTaskProps) {
    super(scope, id);

    this.cluster = new Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ContainerInsights.DISABLED });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'The workers publish the figures a load test needs (joined, failed, packets, loss) themselves; Container Insights would ' +
        'bill extra metrics per task for CPU and memory the results files already record.',
    });

    this.logGroup = stackLogGroup(this, 'Logs', props.logRetention);

    this.taskRole = new Role(this, 'TaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'IVS load-test worker: reads its bundle, writes results under runs/, reads the fleet signing key',
    });
    const executionRole = new Role(this, 'ExecutionRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Starts IVS load-test workers: writes their log streams (the image is public: no pull permission)',
    });

    const bundle = props.workerBundle;
    this.taskRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${bundle.s3BucketName}/${bundle.s3ObjectKey}`],
      }),
    );
    this.taskRole.addToPolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.resultsBucket.arnForObjects(`${RUNS_PREFIX}*`)] }),
    );
    props.signingKey.grantSign(this.taskRole);
    Validations.of(this.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${resolvedLogicalId(props.resultsBucket)}.Arn>/${RUNS_PREFIX}*]`,
      reason:
        'Each run writes under runs/<run id>/, and the run id is made by the CLI at run time, after deploy; the grant is ' +
        'PutObject only, in this one bucket, under that prefix.',
    });

    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
      taskRole: this.taskRole,
      executionRole,
    });
    this.container = this.taskDefinition.addContainer('Worker', {
      image: ContainerImage.fromRegistry(NODE_IMAGE),
      entryPoint: ['node', '-e', BOOTSTRAP_JS],
      user: 'node',
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'worker' }),
      // Fargate's maximum: time for a stopped worker to DELETE every session and write its results file.
      stopTimeout: Duration.seconds(120),
      environment: {
        [TASK_ENV.bundleUrl]: `https://${bundle.s3BucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${bundle.s3ObjectKey}`,
        [TASK_ENV.region]: Aws.REGION,
        [TASK_ENV.resultsBucket]: props.resultsBucket.bucketName,
        [TASK_ENV.signingKeySecretArn]: props.signingKey.privateKey.secretArn,
        [TASK_ENV.publicKeyArn]: props.signingKey.publicKeyArn,
        [TASK_ENV.metricNamespace]: FLEET_METRIC_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The variables are names and ARNs (bucket, secret, public key, bundle URL), none of them secret; the private key is ' +
        'read by the worker from Secrets Manager at run time and tokens never leave the task.',
    });
  }
}

/** The logical id CDK gives a bucket's CfnBucket (what cdk-nag prints in a finding). */
function resolvedLogicalId(bucket: IBucket): string {
  const cfn = bucket.node.defaultChild;
  if (!cfn) throw new Error('the results bucket must be a Bucket of this app');
  return bucket.stack.resolve((cfn as unknown as { logicalId: string }).logicalId) as string;
}
