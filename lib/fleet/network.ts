import { Validations } from 'aws-cdk-lib';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * Where the load tasks run: public subnets only, each task with its own public IP, so there is no NAT gateway (billed
 * by the hour whether or not a test runs) and nothing in the network costs money while the fleet is idle. The tasks
 * accept no inbound connection: WebRTC media reaches them on the UDP flows they open themselves.
 */
export class FleetNetwork extends Construct {
  public readonly vpc: Vpc;
  public readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 20 }],
      // Nothing is placed in the default security group; restricting it would add a custom-resource Lambda for nothing.
      restrictDefaultSecurityGroup: false,
    });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'The VPC carries only outbound load-test traffic of short-lived tasks (WebRTC media from IVS, HTTPS to AWS APIs); flow ' +
        'logs would bill per gigabyte of test media and record nothing the results files do not already report.',
    });
    this.securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description: 'Load-test tasks: no inbound rule; outbound to IVS media (UDP/TCP) and AWS APIs (HTTPS)',
      allowAllOutbound: true,
    });
  }
}
