import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES } from '../../contracts/token-api.js';
import type { MintingMode, ViewerAccess } from '../../contracts/token-api.js';
import { appFunction, stackLogGroup } from '../defaults.js';
import type { Auth } from './auth.js';
import type { IvsStage } from './stage.js';
import type { StaticSite } from './static-site.js';
import type { TokenSigningKey } from './token-signing-key.js';

/** Metric namespace and service name the token function's Powertools Metrics use. */
export const TOKEN_METRICS = { namespace: 'IvsTestEnv', service: 'token-api' } as const;

/** How participant tokens are minted: by IVS, or signed here with the stack's key pair. */
export type Minting = { readonly mode: 'api' } | { readonly mode: 'self-signed'; readonly key: TokenSigningKey };

/** IVS real-time service quotas: CreateParticipantToken is 50 TPS per account and region (docs/deploy.md). */
export const CREATE_PARTICIPANT_TOKEN_TPS = 50;

/** Per-route limits of the two token routes, keyed by API Gateway route key; their rates sum to the quota. */
const TOKEN_ROUTE_THROTTLE = {
  [`${API_ROUTES.createToken.method} ${API_ROUTES.createToken.path}`]: { rateLimit: 30, burstLimit: 60 },
  [`${API_ROUTES.createTokenAuthenticated.method} ${API_ROUTES.createTokenAuthenticated.path}`]: { rateLimit: 20, burstLimit: 40 },
} as const satisfies Record<string, { rateLimit: number; burstLimit: number }>;

export interface TokenApiProps {
  /** The stage tokens are for; IAM is scoped to its ARN. */
  readonly stage: IvsStage;
  /** Cognito pool whose tokens the JWT authorizer accepts. */
  readonly auth: Auth;
  /** The site's browser client (the authorizer's audience). */
  readonly client: UserPoolClient;
  /** The site whose origin CORS allows. */
  readonly site: StaticSite;
  readonly minting: Minting;
  /** Whether viewers must sign in for a token. */
  readonly viewerAccess: ViewerAccess;
  /** Extra CORS origins (exact), e.g. a GitHub Pages origin. */
  readonly allowedOrigins: readonly string[];
  /** Stage-wide throttling: steady requests per second and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: RetentionDays;
}

/**
 * The token API: an HTTP API in front of one Lambda function that issues participant tokens, reports the stage and
 * disconnects participants. The function may touch this stage only.
 */
export class TokenApi extends Construct {
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  public readonly handler: NodejsFunction;
  /** Base URL without trailing slash (what config.json's apiUrl holds). */
  public readonly url: string;
  /** Every origin CORS allows, in order: the site, then the context's allowedOrigins. */
  public readonly corsOrigins: readonly string[];
  public readonly mintingMode: MintingMode;

  constructor(scope: Construct, id: string, props: TokenApiProps) {
    super(scope, id);
    this.mintingMode = props.minting.mode;

    const environment: Record<string, string> = {
      STAGE_ARN: props.stage.stageArn,
      TOKEN_MINTING: props.minting.mode,
      VIEWER_ACCESS: props.viewerAccess,
      POWERTOOLS_SERVICE_NAME: TOKEN_METRICS.service,
      POWERTOOLS_METRICS_NAMESPACE: TOKEN_METRICS.namespace,
    };
    if (props.minting.mode === 'self-signed') {
      const { whipUrl, eventsUrl } = props.stage.endpoints;
      Object.assign(environment, {
        PUBLIC_KEY_ARN: props.minting.key.publicKeyArn,
        PRIVATE_KEY_SECRET_ID: props.minting.key.privateKey.secretArn,
        STAGE_WHIP_URL: whipUrl,
        STAGE_EVENTS_URL: eventsUrl,
      });
    }

    this.handler = appFunction(this, 'Handler', {
      entry: 'lambda/token/handler.ts',
      description: 'IVS participant-token API',
      logRetention: props.logRetention,
      environment,
    });
    this.handler.addToRolePolicy(
      new PolicyStatement({
        // Self-signed tokens are signed by the function itself: it never calls CreateParticipantToken then.
        actions: [
          ...(props.minting.mode === 'api' ? ['ivs:CreateParticipantToken'] : []),
          'ivs:ListParticipants',
          'ivs:DisconnectParticipant',
          'ivs:GetStage',
        ],
        resources: [props.stage.stageArn],
      }),
    );
    if (props.minting.mode === 'self-signed') props.minting.key.grantSign(this.handler);

    this.corsOrigins = [props.site.url, ...props.allowedOrigins];
    this.api = new HttpApi(this, 'Api', {
      // API names need not be unique; this one only makes the console readable.
      apiName: `${Aws.STACK_NAME}-token-api`,
      description: 'IVS test environment token API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...this.corsOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type'],
        // Bearer tokens travel in a header, never cookies.
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = stackLogGroup(this, 'AccessLogs', props.logRetention);
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No headers and no bodies: the Authorization header and the tokens in responses must never reach a log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.url = this.api.apiEndpoint;
    // Token routes get their own limits (API Gateway throttles per route within the stage limit): public viewers can't
    // use up what publishers need, and together they stay inside CreateParticipantToken's 50 TPS.
    const cfnStage = this.apiStage.node.defaultChild as CfnStage;
    // RouteSettings is a JSON map in CloudFormation: the keys go through as written, hence PascalCase.
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(TOKEN_ROUTE_THROTTLE).map(([routeKey, t]) => [routeKey, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]),
    );

    const integration = new HttpLambdaIntegration('TokenHandler', this.handler);
    const authorizer: HttpUserPoolAuthorizer = props.auth.authorizerFor(props.client);
    const signedInViewers = props.viewerAccess === 'signed-in';
    const routes: Array<{ id: string; route: { method: string; path: string }; requiresSignIn: boolean; openReason?: string }> = [
      {
        id: 'CreateToken',
        route: API_ROUTES.createToken,
        requiresSignIn: signedInViewers,
        openReason:
          'viewerAccess=public: anyone may get a subscribe-only viewer token (the point of a public test stream); the stage ' +
          'throttle and the tokens-per-minute alarm bound abuse, and publisher tokens need /auth/tokens.',
      },
      { id: 'CreateTokenAuthenticated', route: API_ROUTES.createTokenAuthenticated, requiresSignIn: true },
      {
        id: 'Stage',
        route: API_ROUTES.stage,
        requiresSignIn: signedInViewers,
        openReason: 'viewerAccess=public: participant counts are what public viewers see on the page; read-only, throttled.',
      },
      { id: 'Disconnect', route: API_ROUTES.disconnect, requiresSignIn: true },
      {
        id: 'Time',
        route: API_ROUTES.time,
        requiresSignIn: false,
        openReason: 'Returns only the server clock for latency measurement; no data and no side effects.',
      },
    ];
    for (const { id: routeId, route, requiresSignIn, openReason } of routes) {
      const httpRoute = new HttpRoute(this, routeId, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, route.method as HttpMethod),
        integration,
        ...(requiresSignIn ? { authorizer } : {}),
      });
      if (!requiresSignIn && openReason) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: openReason });
      }
    }
  }
}
