import { Aws, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SiteConfig } from '../contracts/site-config.js';
import type { EnvironmentSettings } from './config.js';
import { Auth } from './constructs/auth.js';
import { Monitoring } from './constructs/monitoring.js';
import { IvsStage } from './constructs/stage.js';
import { StaticSite } from './constructs/static-site.js';
import { TokenApi, type Minting } from './constructs/token-api.js';
import { TokenSigningKey } from './constructs/token-signing-key.js';
import { siteConnectSources } from './csp.js';
import { applyNagAcknowledgements } from './nag.js';

export interface IvsTestEnvStackProps extends StackProps {
  /** Validated settings (from CDK context, see lib/config.ts). */
  readonly settings: EnvironmentSettings;
  /**
   * A directory of already-built pages to deploy instead of building web/ during synth (the stack tests use a fixture).
   * @default - web/ is built by web/build.ts at synth time
   */
  readonly prebuiltSite?: string;
}

/**
 * The whole test environment in one stack: IVS stage, token API, Cognito, the site, monitoring. Everything it creates
 * is a CloudFormation resource with a destroy-friendly removal policy, so `cdk destroy` leaves nothing behind.
 */
export class IvsTestEnvStack extends Stack {
  public readonly stage: IvsStage;
  public readonly auth: Auth;
  public readonly site: StaticSite;
  public readonly tokenApi: TokenApi;
  public readonly signingKey?: TokenSigningKey;
  public readonly monitoring: Monitoring;
  /** The config.json the site is deployed with (values are deploy-time tokens). */
  public readonly siteConfig: SiteConfig;

  constructor(scope: Construct, id: string, props: IvsTestEnvStackProps) {
    super(scope, id, props);
    const { settings } = props;
    Tags.of(this).add('project', 'ivs-test-env');

    this.stage = new IvsStage(this, 'Stage', { stageName: settings.stageName, logRetention: settings.logRetention });
    this.auth = new Auth(this, 'Auth');
    this.site = new StaticSite(this, 'Site', {
      connectSources: siteConnectSources(Aws.REGION, this.auth.domainUrl),
      logRetention: settings.logRetention,
      prebuiltContent: props.prebuiltSite,
    });
    const client = this.auth.clientFor(this.site);

    let minting: Minting = { mode: 'api' };
    if (settings.tokenMinting === 'self-signed') {
      this.signingKey = new TokenSigningKey(this, 'TokenSigningKey', { logRetention: settings.logRetention });
      minting = { mode: 'self-signed', key: this.signingKey };
    }

    this.tokenApi = new TokenApi(this, 'TokenApi', {
      stage: this.stage,
      auth: this.auth,
      client,
      site: this.site,
      minting,
      viewerAccess: settings.viewerAccess,
      allowedOrigins: settings.allowedOrigins,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      logRetention: settings.logRetention,
    });

    this.siteConfig = {
      backend: 'aws',
      apiUrl: this.tokenApi.url,
      region: Aws.REGION,
      stageArn: this.stage.stageArn,
      viewerAccess: settings.viewerAccess,
      cognito: { domain: this.auth.domainUrl, clientId: client.userPoolClientId },
    };
    this.site.publish(this.siteConfig);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      tokenApi: this.tokenApi,
      tokensPerMinuteThreshold: settings.tokensPerMinuteAlarmThreshold,
      ...(settings.alarmEmail !== undefined ? { alarmEmail: settings.alarmEmail } : {}),
      ...(settings.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: settings.monthlyBudgetUsd } : {}),
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The test pages (CloudFront)' });
    new CfnOutput(this, 'ApiUrl', { value: this.tokenApi.url, description: 'Token API base URL' });
    new CfnOutput(this, 'StageArn', { value: this.stage.stageArn, description: 'IVS real-time stage' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'Cognito user pool' });
    new CfnOutput(this, 'CreateBroadcasterCommand', {
      value: this.auth.createBroadcasterCommand(),
      description:
        'Creates the first broadcaster (replace the e-mail address; Cognito mails a temporary password) and adds it to the publishers group',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard of the token API',
    });

    applyNagAcknowledgements(this);
  }
}
