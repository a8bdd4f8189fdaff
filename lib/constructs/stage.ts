import { Tags } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnStage } from 'aws-cdk-lib/aws-ivs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { functionRole, stackLogGroup } from '../defaults.js';

export interface IvsStageProps {
  /** Display name of the stage. */
  readonly stageName: string;
  /** Retention of the GetStage custom resource's log group. */
  readonly logRetention: RetentionDays;
}

/** The stage's WebRTC endpoints, resolved at deploy time. */
export interface StageEndpoints {
  /** WHIP ingest URL (the `whip_url` claim of self-signed tokens). */
  readonly whipUrl: string;
  /** Events WebSocket URL (the `events_url` claim of self-signed tokens). */
  readonly eventsUrl: string;
}

/** One IVS real-time stage, owned by the stack so `cdk destroy` deletes it. */
export class IvsStage extends Construct {
  public readonly stage: CfnStage;
  /** The stage ARN (the resource's Ref); every IAM statement about the stage is scoped to it. */
  public readonly stageArn: string;
  private readonly logRetention: RetentionDays;
  private resolvedEndpoints?: StageEndpoints;

  constructor(scope: Construct, id: string, props: IvsStageProps) {
    super(scope, id);
    this.logRetention = props.logRetention;
    this.stage = new CfnStage(this, 'Stage', { name: props.stageName });
    Tags.of(this.stage).add('ivs-test-env:role', 'stage');
    this.stageArn = this.stage.attrArn;
  }

  /**
   * WHIP and events endpoints, read with ivs:GetStage on this stage only. CloudFormation does not expose them as
   * attributes, and hard-coding them would break the day IVS changes them. Created on first use, so the default
   * (IVS-minted tokens) deployment carries no extra custom resource.
   */
  public get endpoints(): StageEndpoints {
    if (!this.resolvedEndpoints) {
      const getStage = {
        service: 'IVSRealTime',
        action: 'GetStage',
        parameters: { arn: this.stageArn },
        physicalResourceId: PhysicalResourceId.of(this.stageArn),
        outputPaths: ['stage.endpoints.whip', 'stage.endpoints.events'],
      };
      const logGroup = stackLogGroup(this, 'EndpointsLogs', this.logRetention);
      const lookup = new AwsCustomResource(this, 'Endpoints', {
        onCreate: getStage,
        onUpdate: getStage,
        policy: AwsCustomResourcePolicy.fromStatements([
          new PolicyStatement({ actions: ['ivs:GetStage'], resources: [this.stageArn] }),
        ]),
        // The Lambda runtime's SDK has the IVSRealTime client; downloading a newer one at deploy time adds a failure mode.
        installLatestAwsSdk: false,
        logGroup,
        role: functionRole(this, 'EndpointsRole', logGroup, 'Reads the IVS stage endpoints at deploy time (ivs:GetStage)'),
      });
      this.resolvedEndpoints = {
        whipUrl: lookup.getResponseField('stage.endpoints.whip'),
        eventsUrl: lookup.getResponseField('stage.endpoints.events'),
      };
    }
    return this.resolvedEndpoints;
  }
}
