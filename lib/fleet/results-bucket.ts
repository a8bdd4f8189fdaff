import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface FleetResultsProps {
  /** Results files are deleted this many days after they are written. */
  readonly expiryDays: number;
  /** Retention of the log group of CDK's bucket-emptying function. */
  readonly logRetention: RetentionDays;
}

/** Where each task writes its results file (`runs/<run id>/results/<task id>.json`); emptied and deleted on destroy. */
export class FleetResults extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: FleetResultsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.expiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the fleet task role writes here and only the person running the load test reads; objects expire within days, ' +
        'and a separate access-log bucket would outlive them and need emptying on destroy too.',
    });
    this.adoptAutoDeleteLogs(props.logRetention);
  }

  /** CDK's bucket-emptying function has no log-group setting: own its log group so destroy removes it too. */
  private adoptAutoDeleteLogs(retention: RetentionDays): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler');
    const emptier = this.bucket.node.tryFindChild('AutoDeleteObjectsCustomResource')?.node.defaultChild;
    if (!(handler instanceof CfnResource) || !(emptier instanceof CfnResource)) {
      throw new Error('aws-cdk-lib changed how autoDeleteObjects is built; update FleetResults.adoptAutoDeleteLogs');
    }
    const logGroup = new LogGroup(this, 'AutoDeleteLogs', {
      logGroupName: `/aws/lambda/${handler.ref}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    emptier.addResourceDependency(logGroup.node.defaultChild as CfnResource);
  }
}
