import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PUBLISHERS_GROUP } from '../../contracts/token-api.js';
import { stackUuid } from '../defaults.js';
import type { StaticSite } from './static-site.js';

/**
 * Pages that start or finish a hosted-UI sign-in. Cognito matches redirect URIs exactly, so every page that may send a
 * user to sign in (and get them back) must be listed.
 */
export const SIGN_IN_PAGES = ['/', '/index.html', '/broadcaster.html', '/viewer.html'] as const;

/**
 * Cognito for broadcasters (and, with viewerAccess=signed-in, viewers): an admin-managed user pool, a hosted-UI domain
 * and a public browser client using the authorization-code flow with PKCE.
 */
export class Auth extends Construct {
  public readonly userPool: UserPool;
  public readonly domain: UserPoolDomain;
  /** Hosted-UI base URL, e.g. https://ivs-test-1a2b3c4d.auth.us-east-1.amazoncognito.com */
  public readonly domainUrl: string;
  /** Members may mint publisher tokens and disconnect participants. */
  public readonly publishersGroup: CfnUserPoolGroup;
  private siteClient?: UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      // Accounts are created by an administrator (the CreateBroadcasterCommand output); nobody signs up on their own.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Lite covers the hosted UI, groups and TOTP, at the lowest per-user price.
      featurePlan: FeaturePlan.LITE,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP offered) rather than required: this is a short-lived test environment whose accounts are ' +
        'created by the administrator, and required MFA would block the first sign-in of every temporary tester.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is billed per monthly active user; Lite covers the hosted UI, groups and TOTP ' +
        'this environment uses, and its pool has admin-created users only, no self sign-up and a strong password policy.',
    });

    // Hosted-UI prefixes are unique per region, so derive one from this stack's id instead of choosing a name.
    const prefix = Fn.join('-', ['ivs-test', Fn.select(0, Fn.split('-', stackUuid()))]);
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: prefix } });
    this.domainUrl = this.domain.baseUrl();

    this.publishersGroup = new CfnUserPoolGroup(this, 'PublishersGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: PUBLISHERS_GROUP,
      description: 'May mint publisher tokens and disconnect participants',
    });
  }

  /** The browser client of `site` (created once): authorization code + PKCE, redirects only to the site's pages. */
  public clientFor(site: StaticSite): UserPoolClient {
    if (!this.siteClient) {
      const urls = SIGN_IN_PAGES.map((page) => `${site.url}${page}`);
      this.siteClient = this.userPool.addClient('SiteClient', {
        // A browser cannot keep a secret; PKCE protects the code exchange instead.
        generateSecret: false,
        authFlows: { userSrp: true },
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
          callbackUrls: urls,
          logoutUrls: urls,
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(1),
      });
    }
    return this.siteClient;
  }

  /** A JWT authorizer that accepts tokens this pool issued to `client`. */
  public authorizerFor(client: UserPoolClient): HttpUserPoolAuthorizer {
    return new HttpUserPoolAuthorizer('CognitoAuthorizer', this.userPool, { userPoolClients: [client] });
  }

  /** A shell command that creates the first broadcaster and puts it in the publishers group. */
  public createBroadcasterCommand(email = 'broadcaster@example.com'): string {
    const pool = this.userPool.userPoolId;
    return [
      `aws cognito-idp admin-create-user --region ${Aws.REGION} --user-pool-id ${pool} --username ${email}`,
      `--user-attributes Name=email,Value=${email} Name=email_verified,Value=true`,
      `&& aws cognito-idp admin-add-user-to-group --region ${Aws.REGION} --user-pool-id ${pool} --username ${email}`,
      `--group-name ${PUBLISHERS_GROUP}`,
    ].join(' ');
  }
}
