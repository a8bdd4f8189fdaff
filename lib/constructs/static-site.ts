import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AssetHashType, Aws, CfnElement, CfnResource, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  Effect,
  PolicyStatement,
  Role,
  ServicePrincipal,
  type AddToPrincipalPolicyResult,
  type RoleProps,
} from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../contracts/site-config.js';
import { HSTS_MAX_AGE_SECONDS, PERMISSIONS_POLICY, contentSecurityPolicy } from '../csp.js';
import { REPO_ROOT, repoPath, stackLogGroup, stackUuid } from '../defaults.js';

export interface StaticSiteProps {
  /**
   * Origins the pages may fetch from besides their own (token API, Cognito hosted UI). Used in the CSP connect-src.
   */
  readonly connectSources: readonly string[];
  /** Retention of the deployment custom resource's log group. */
  readonly logRetention: RetentionDays;
  /**
   * A directory of already-built pages to upload as they are (tests pass a tiny fixture, so synth does not depend on
   * the pages' build).
   * @default - web/ is built at synth time with web/build.ts
   */
  readonly prebuiltContent?: string;
}

/** The built pages: `web/build.ts` bundled on this machine (there is no Docker engine to fall back on). */
function webBuildSource(): ReturnType<typeof Source.asset> {
  return Source.asset(repoPath('web'), {
    // Hash the build output, not web/: the pages also import shared code from outside web/ (contracts/).
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('none-local-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          const script = repoPath('web', 'build.ts');
          if (!existsSync(script)) {
            throw new Error(`Cannot build the site: ${script} is missing.`);
          }
          const tsx = repoPath('node_modules', 'tsx', 'dist', 'cli.mjs');
          execFileSync(process.execPath, [tsx, script, '--outdir', outputDir], { cwd: REPO_ROOT, stdio: 'inherit' });
          return true;
        },
      },
    },
  });
}

interface InvalidationScopedRoleProps extends RoleProps {
  /** The only distribution the role may invalidate. */
  readonly distributionArn: string;
}

/**
 * BucketDeployment grants cloudfront:CreateInvalidation/GetInvalidation on `*`, although CloudFront scopes both to a
 * distribution ARN. This role rewrites that one grant to the site's distribution, so no policy in the stack has a `*`
 * resource.
 */
class InvalidationScopedRole extends Role {
  private readonly distributionArn: string;

  constructor(scope: Construct, id: string, props: InvalidationScopedRoleProps) {
    const { distributionArn, ...roleProps } = props;
    super(scope, id, roleProps);
    this.distributionArn = distributionArn;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    const invalidationOnly = statement.actions.length > 0 && statement.actions.every((a) => a.startsWith('cloudfront:'));
    if (invalidationOnly && statement.resources.includes('*') && statement.effect === Effect.ALLOW) {
      return super.addToPrincipalPolicy(new PolicyStatement({ actions: statement.actions, resources: [this.distributionArn] }));
    }
    return super.addToPrincipalPolicy(statement);
  }
}

/**
 * The pages: a private S3 bucket read by CloudFront through Origin Access Control, HTTPS only, with HSTS and a CSP.
 * The bucket empties itself on destroy.
 */
export class StaticSite extends Construct {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  /** https://<distribution domain>, without trailing slash: also the site's browser origin. */
  public readonly url: string;
  private readonly logRetention: RetentionDays;
  private readonly prebuiltContent?: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.logRetention = props.logRetention;
    this.prebuiltContent = props.prebuiltContent;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.adoptAutoDeleteLogs(props.logRetention);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket only holds the static pages, which are public through CloudFront anyway; a log bucket would be one more ' +
        'bucket to empty on destroy for no security gain in a test environment.',
    });

    // CloudFront names are account-wide (CloudFront is global): the stack's UUID keeps two deployments apart.
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: Fn.join('-', ['ivs-test-headers', stackUuid()]),
      comment: 'HSTS, CSP for the IVS Web Broadcast SDK, and no framing',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({ connect: props.connectSources }),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `IVS test environment pages (${Aws.STACK_NAME})`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new S3OriginAccessControl(this, 'OriginAccess', {
            originAccessControlName: Fn.join('-', ['ivs-test-oac', stackUuid()]),
            description: 'CloudFront reads the site bucket (SigV4-signed); the bucket is otherwise private',
          }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
    });
    const cfAck = (id: string, reason: string): void => Validations.of(this.distribution).acknowledge({ id, reason });
    cfAck('AwsSolutions-CFR1', 'A test environment meant to be reached from anywhere the tester is; no geo restriction.');
    cfAck(
      'AwsSolutions-CFR2',
      'WAF costs a monthly fee per web ACL; the site is static files, and the token API behind it has its own throttling.',
    );
    cfAck(
      'AwsSolutions-CFR3',
      'Access logs would need a log bucket with ACLs that outlives nothing useful here; CloudFront metrics are on by default.',
    );
    cfAck(
      'AwsSolutions-CFR4',
      'Uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer TLS policy; there is no custom domain.',
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * CDK's bucket-emptying function (autoDeleteObjects) has no log-group setting, so Lambda would create
   * /aws/lambda/<name> on first run and leave it behind after destroy. Creating that group here puts it under the stack;
   * the emptying resource depends on it, so on destroy the bucket is emptied before its log group goes.
   */
  private adoptAutoDeleteLogs(retention: RetentionDays): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler');
    const emptier = this.bucket.node.tryFindChild('AutoDeleteObjectsCustomResource')?.node.defaultChild;
    if (!(handler instanceof CfnResource) || !(emptier instanceof CfnResource)) {
      throw new Error('aws-cdk-lib changed how autoDeleteObjects is built; update StaticSite.adoptAutoDeleteLogs');
    }
    const logGroup = new LogGroup(this, 'AutoDeleteLogs', {
      logGroupName: `/aws/lambda/${handler.ref}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    emptier.addResourceDependency(logGroup.node.defaultChild as CfnResource);
  }

  /**
   * Uploads the built pages and a deploy-time `config.json` (values resolved by CloudFormation), then invalidates
   * the CDN so a redeploy shows at once. One static build therefore works in every account.
   */
  public publish(config: SiteConfig): BucketDeployment {
    const logGroup = stackLogGroup(this, 'ContentLogs', this.logRetention);
    const role = new InvalidationScopedRole(this, 'ContentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built pages and config.json into the site bucket',
      distributionArn: this.distribution.distributionArn,
    });
    logGroup.grantWrite(role);
    const pages = this.prebuiltContent ? Source.asset(this.prebuiltContent) : webBuildSource();
    const deployment = new BucketDeployment(this, 'Content', {
      sources: [pages, Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
      logGroup,
      role,
    });
    // BucketDeployment's own grants: read the CDK assets bucket, write and prune the site bucket, invalidate the CDN.
    const ack = (id: string, reason: string): void => Validations.of(role).acknowledge({ id, reason });
    const copyReason =
      'BucketDeployment copies whole asset archives: it needs the Get/List/Delete/Abort action families on exactly two ' +
      'buckets (the CDK assets bucket and this site bucket), not on any other.';
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
      ack(`AwsSolutions-IAM5[Action::${action}]`, copyReason);
    }
    ack(
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      'Every object in the site bucket is a deployed page; prune=true must be able to replace or delete any of them.',
    );
    ack(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'The CDK bootstrap assets bucket, read-only: the deployment reads its source archives from there.',
    );
    return deployment;
  }
}
