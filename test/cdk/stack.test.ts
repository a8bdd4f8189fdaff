/**
 * Fine-grained assertions on the synthesized template, one describe per numbered point of the CDK issue. The stack is
 * synthesized once per context variant (defaults, and every switch flipped) in beforeAll.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CfnElement, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { API_ROUTES, PUBLISHERS_GROUP, ROLES } from '../../contracts/token-api.js';
import { SiteConfig } from '../../contracts/site-config.js';
import { SIGN_IN_PAGES } from '../../lib/constructs/auth.js';
import { CREATE_PARTICIPANT_TOKEN_TPS } from '../../lib/constructs/token-api.js';
import { IVS_CONNECT_SOURCES } from '../../lib/csp.js';
import { SWITCHED, filesUnder, synthesize, type SynthesizedEnv } from './synth-env.js';

const SYNTH_TIMEOUT_MS = 180_000;

type Json = Record<string, unknown>;
interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Json;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function logicalId(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation element`);
  return (element.stack as Stack).getLogicalId(element);
}

const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });

/** Renders an intrinsic-laden value as text, intrinsics as `${Id}` / `${Id.Attr}`, so strings can be matched. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flatten).join(join[0] as string);
    if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
    const att = value['Fn::GetAtt'];
    if (Array.isArray(att)) return `\${${att.join('.')}}`;
  }
  return `\${${JSON.stringify(value).replace(/"/g, "'")}}`;
}

function resourcesOf(env: SynthesizedEnv): Record<string, CfnResourceJson> {
  return env.template.toJSON().Resources as Record<string, CfnResourceJson>;
}

/** Every IAM statement anywhere in the template (policies, roles' inline policies, bucket policies ...). */
function allStatements(env: SynthesizedEnv): Array<{ owner: string; statement: Json }> {
  const found: Array<{ owner: string; statement: Json }> = [];
  const walk = (owner: string, node: unknown): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(owner, n));
    else if (isObject(node)) {
      if (Array.isArray(node.Statement)) for (const s of node.Statement) if (isObject(s)) found.push({ owner, statement: s });
      Object.values(node).forEach((n) => walk(owner, n));
    }
  };
  for (const [id, resource] of Object.entries(resourcesOf(env))) walk(id, resource.Properties);
  return found;
}

/** Statements of the policies attached to the role a Lambda function runs as. */
function functionStatements(env: SynthesizedEnv, fn: IConstruct): Json[] {
  const resources = resourcesOf(env);
  const roleArn = resources[logicalId(fn)]?.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = roleArn['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties?.Roles).some((x) => isObject(x) && x.Ref === roleId))
    .flatMap((r) => ((r.Properties?.PolicyDocument as Json).Statement as Json[]) ?? []);
}

const IVS_ACTIONS = ['ivs:CreateParticipantToken', 'ivs:DisconnectParticipant', 'ivs:GetStage', 'ivs:ListParticipants'];
/** Self-signed minting signs in the function: CreateParticipantToken is not granted. */
const SELF_SIGNED_IVS_ACTIONS = IVS_ACTIONS.filter((a) => a !== 'ivs:CreateParticipantToken');

/** A real PEM block (header, base64 body, footer) or the DER prefixes of EC private keys, with or without PEM armour. */
const KEY_MATERIAL = [
  /-----BEGIN ([A-Z ]*PRIVATE KEY)-----\s*[A-Za-z0-9+/=\s]{40,}-----END \1-----/,
  // PKCS#8 P-384 ("MIG2AgEAMBAGByqGSM49AgEGBSuBBAAi"), and SEC1 EC keys of any curve ("MHcCAQEE" P-256, "MIGkAgEBBDA" P-384).
  /MIG2AgEAMBAGByqGSM49AgEGBSuBBAAi|MIGkAgEBBDA|MHcCAQEE/,
];
const hasKeyMaterial = (text: string): boolean => KEY_MATERIAL.some((re) => re.test(text));

let base: SynthesizedEnv;
let switched: SynthesizedEnv;

beforeAll(() => {
  base = synthesize();
  switched = synthesize(SWITCHED);
}, SYNTH_TIMEOUT_MS);

afterAll(() => {
  base?.dispose();
  switched?.dispose();
});

const siteUrl = (env: SynthesizedEnv) => ({
  'Fn::Join': ['', ['https://', getAtt(logicalId(env.stack.site.distribution), 'DomainName')]],
});

describe('1. IVS stage', () => {
  it('is one AWS::IVS::Stage named from context and tagged', () => {
    base.template.resourceCountIs('AWS::IVS::Stage', 1);
    for (const [env, name] of [[base, 'ivs-test-stage'], [switched, 'switched-stage']] as const) {
      const stages = Object.values(env.template.findResources('AWS::IVS::Stage')) as CfnResourceJson[];
      expect(stages[0]?.Properties?.Name).toBe(name);
      expect(stages[0]?.Properties?.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'project', Value: 'ivs-test-env' },
          { Key: 'ivs-test-env:role', Value: 'stage' },
        ]),
      );
    }
  });

  it('reads its WHIP/events endpoints with a GetStage custom resource scoped to this stage (self-signed minting)', () => {
    const stageArn = getAtt(logicalId(switched.stack.stage.stage), 'Arn');
    const lookups = switched.template.findResources('Custom::AWS');
    expect(Object.keys(lookups)).toHaveLength(1);
    const [lookupId, lookup] = Object.entries(lookups)[0] as [string, CfnResourceJson];
    for (const phase of ['Create', 'Update']) {
      const call = flatten(lookup.Properties?.[phase]);
      const stageRef = `\${${logicalId(switched.stack.stage.stage)}.Arn}`;
      expect(JSON.parse(call)).toMatchObject({
        service: 'IVSRealTime',
        action: 'GetStage',
        parameters: { arn: stageRef },
        outputPaths: ['stage.endpoints.whip', 'stage.endpoints.events'],
      });
    }
    // The lookup may call GetStage on this stage and nothing else.
    const lookupPolicies = switched.template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ivs:GetStage' })]) } },
    });
    const lookupStatements = Object.values(lookupPolicies).flatMap(
      (p) => ((p as CfnResourceJson).Properties?.PolicyDocument as Json).Statement as Json[],
    );
    expect(lookupStatements.filter((s) => s.Action === 'ivs:GetStage')).toEqual([
      { Action: 'ivs:GetStage', Effect: 'Allow', Resource: stageArn },
    ]);
    // The endpoints reach the token function from the lookup, not from a hard-coded value.
    switched.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STAGE_WHIP_URL: getAtt(lookupId, 'stage.endpoints.whip'),
          STAGE_EVENTS_URL: getAtt(lookupId, 'stage.endpoints.events'),
        }),
      },
    });
  });

  it('adds no endpoint lookup when IVS mints the tokens', () => {
    base.template.resourceCountIs('Custom::AWS', 0);
  });
});

describe('2. token API', () => {
  it('runs a Node.js 22 arm64 function with source maps enabled', () => {
    for (const env of [base, switched]) {
      env.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'IVS participant-token API',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
  });

  it('bundles the handler minified, with a source map and without embedded sources', () => {
    const fn = resourcesOf(base)[logicalId(base.stack.tokenApi.handler)] as CfnResourceJson;
    const key = (fn.Properties?.Code as Json).S3Key as string;
    const dir = path.join(base.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    const lines = code.split('\n');
    // Minified output is a handful of very long lines; unminified esbuild output averages well under 100 characters.
    expect(code.length / lines.length).toBeGreaterThan(1000);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    const map = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
    expect(map.sources.some((s) => s.endsWith('lambda/token/handler.ts'))).toBe(true);
    expect(map.sourcesContent ?? []).toEqual([]);
  });

  it('grants exactly the IVS actions its minting mode calls, on this stage only', () => {
    for (const [env, actions] of [
      [base, IVS_ACTIONS],
      [switched, SELF_SIGNED_IVS_ACTIONS],
    ] as const) {
      const stageArn = getAtt(logicalId(env.stack.stage.stage), 'Arn');
      const ivs = functionStatements(env, env.stack.tokenApi.handler).filter((s) =>
        asArray(s.Action).some((a) => String(a).startsWith('ivs:')),
      );
      expect(ivs).toHaveLength(1);
      expect([...asArray(ivs[0]?.Action)].sort()).toEqual(actions);
      expect(ivs[0]).toMatchObject({ Effect: 'Allow', Resource: stageArn });
      // No other statement anywhere in the stack grants an IVS action on anything but the stage.
      for (const { statement } of allStatements(env)) {
        if (asArray(statement.Action).some((a) => String(a).startsWith('ivs:'))) {
          expect(statement.Resource).toEqual(stageArn);
        }
      }
    }
  });

  it('has no `*` resource (and no service-wide action) in any policy of the stack', () => {
    for (const env of [base, switched]) {
      const statements = allStatements(env);
      expect(statements.length).toBeGreaterThan(10);
      for (const { owner, statement } of statements) {
        const resources = asArray(statement.Resource);
        expect({ owner, star: resources.includes('*') }).toEqual({ owner, star: false });
        expect(statement.NotResource).toBeUndefined();
        if (statement.Effect === 'Allow') {
          for (const action of asArray(statement.Action)) expect({ owner, action }).not.toEqual({ owner, action: expect.stringMatching(/^(\*|[a-z0-9-]+:\*)$/) });
        }
      }
    }
  });

  it('scopes CloudFront invalidation (BucketDeployment grants it on `*`) to the site distribution', () => {
    const distributionArn = Match.objectLike({
      'Fn::Join': ['', Match.arrayWith([':distribution/', ref(logicalId(base.stack.site.distribution))])],
    });
    base.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['cloudfront:GetInvalidation', 'cloudfront:CreateInvalidation'], Effect: 'Allow', Resource: distributionArn },
        ]),
      },
    });
  });

  it('throttles the API stage with the rate and burst from context', () => {
    base.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    switched.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
    });
  });

  it('throttles public viewer tokens apart from publisher tokens, together within CreateParticipantToken\'s 50 TPS', () => {
    const stage = Object.values(base.template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties as Json;
    const routes = stage.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(routes).sort()).toEqual(['POST /auth/tokens', 'POST /tokens']);
    const viewer = routes['POST /tokens'];
    const publisher = routes['POST /auth/tokens'];
    expect(viewer?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(publisher?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect((viewer?.ThrottlingRateLimit ?? 0) + (publisher?.ThrottlingRateLimit ?? 0)).toBeLessThanOrEqual(CREATE_PARTICIPANT_TOKEN_TPS);
    // The route keys are real routes of this API (a typo would silently throttle nothing).
    const keys = Object.values(base.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r.Properties as Json).RouteKey);
    for (const key of Object.keys(routes)) expect(keys).toContain(key);
  });

  it('allows exactly the CloudFront origin plus allowedOrigins in CORS, without credentials', () => {
    const cors = (env: SynthesizedEnv) =>
      Object.values(env.template.findResources('AWS::ApiGatewayV2::Api')).map(
        (api) => (api as CfnResourceJson).Properties?.CorsConfiguration as Json,
      );
    expect(cors(base)).toEqual([expect.objectContaining({ AllowOrigins: [siteUrl(base)], AllowCredentials: false })]);
    expect(cors(switched)).toEqual([
      expect.objectContaining({
        AllowOrigins: [siteUrl(switched), 'https://octocat.github.io', 'http://localhost:8080'],
        AllowCredentials: false,
      }),
    ]);
  });

  it('logs API access without headers or bodies, into a log group with retention', () => {
    const props = Object.values(base.template.findResources('AWS::ApiGatewayV2::Stage'))[0] as CfnResourceJson;
    const settings = props.Properties?.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual(getAtt(logicalId(base.stack.tokenApi.node.findChild('AccessLogs')), 'Arn'));
    const fields = Object.values(JSON.parse(settings.Format) as Record<string, string>);
    expect(fields).toContain('$context.status');
    expect(fields.filter((f) => /header|body|authorization/i.test(f))).toEqual([]);
  });
});

describe('3. auth', () => {
  it('has a user pool without self sign-up, and a hosted-UI domain', () => {
    base.template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    base.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { UserPoolId: ref(logicalId(base.stack.auth.userPool)) });
  });

  it('has a public (secretless) code-flow client whose callback and logout URLs are the site pages', () => {
    const pages = SIGN_IN_PAGES.map((page) => ({
      'Fn::Join': ['', ['https://', getAtt(logicalId(base.stack.site.distribution), 'DomainName'), page]],
    }));
    const clients = Object.values(base.template.findResources('AWS::Cognito::UserPoolClient')) as CfnResourceJson[];
    expect(clients).toHaveLength(1);
    expect(clients[0]?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: pages,
      LogoutURLs: pages,
    });
  });

  it('puts a Cognito JWT authorizer on the publisher-token and moderation routes', () => {
    const authorizerId = Object.keys(base.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] as string;
    base.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [ref(logicalId(base.stack.auth.clientFor(base.stack.site)))],
        Issuer: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([ref(logicalId(base.stack.auth.userPool))])] }),
      },
    });
    for (const env of [base, switched]) {
      for (const route of [API_ROUTES.createTokenAuthenticated, API_ROUTES.disconnect]) {
        env.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: `${route.method} ${route.path}`,
          AuthorizationType: 'JWT',
          AuthorizerId: ref(authorizerId),
        });
      }
      env.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${API_ROUTES.time.method} ${API_ROUTES.time.path}`,
        AuthorizationType: 'NONE',
      });
    }
  });

  it('viewerAccess switches the viewer routes between open and signed-in', () => {
    for (const route of [API_ROUTES.createToken, API_ROUTES.stage]) {
      const routeKey = `${route.method} ${route.path}`;
      base.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
        AuthorizerId: Match.absent(),
      });
      switched.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'JWT',
        AuthorizerId: Match.anyValue(),
      });
    }
    base.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VIEWER_ACCESS: 'public' }) },
    });
    switched.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VIEWER_ACCESS: 'signed-in' }) },
    });
  });

  it('has the publishers group the create-user command adds the broadcaster to', () => {
    base.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: PUBLISHERS_GROUP,
      UserPoolId: ref(logicalId(base.stack.auth.userPool)),
    });
  });
});

describe('4. self-signed minting', () => {
  it('creates the key pair at deploy time: IVS PublicKey from the generator, private half in a generated secret', () => {
    const keyPairs = switched.template.findResources('Custom::IvsTokenKeyPair');
    expect(Object.keys(keyPairs)).toHaveLength(1);
    const keyPairId = Object.keys(keyPairs)[0] as string;
    const secretId = logicalId(switched.stack.signingKey!.privateKey);
    expect(keyPairs[keyPairId]).toMatchObject({ Properties: { SecretId: ref(secretId) } });
    switched.template.resourceCountIs('AWS::IVS::PublicKey', 1);
    switched.template.hasResourceProperties('AWS::IVS::PublicKey', { PublicKeyMaterial: getAtt(keyPairId, 'PublicKeyPem') });
    // No SecretString: the value is written by the generator, never by the template.
    switched.template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
    switched.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'IVS participant-token API',
      Environment: {
        Variables: Match.objectLike({
          TOKEN_MINTING: 'self-signed',
          PRIVATE_KEY_SECRET_ID: ref(secretId),
          PUBLIC_KEY_ARN: getAtt(logicalId(switched.stack.signingKey!.publicKey), 'Arn'),
        }),
      },
    });
  });

  it('lets the generator only write the secret and the token function only read it', () => {
    const key = switched.stack.signingKey!;
    const secret = ref(logicalId(key.privateKey));
    const secretStatements = (fn: IConstruct) =>
      functionStatements(switched, fn).filter((s) => asArray(s.Action).some((a) => String(a).startsWith('secretsmanager:')));
    const generator = key.node.findChild('Generator');
    expect(secretStatements(generator)).toEqual([{ Action: 'secretsmanager:PutSecretValue', Effect: 'Allow', Resource: secret }]);
    expect(secretStatements(switched.stack.tokenApi.handler)).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: secret },
    ]);
  });

  it('deletes the secret, the key pair and the IVS public key on destroy', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'Custom::IvsTokenKeyPair', 'AWS::IVS::PublicKey']) {
      const found = Object.values(switched.template.findResources(type)) as CfnResourceJson[];
      expect(found).toHaveLength(1);
      expect([found[0]?.DeletionPolicy ?? 'Delete', found[0]?.UpdateReplacePolicy ?? 'Delete']).toEqual(['Delete', 'Delete']);
    }
  });

  it('has no key pair, secret or public key when IVS mints the tokens', () => {
    for (const type of ['Custom::IvsTokenKeyPair', 'AWS::IVS::PublicKey', 'AWS::SecretsManager::Secret']) {
      base.template.resourceCountIs(type, 0);
    }
    base.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOKEN_MINTING: 'api', PRIVATE_KEY_SECRET_ID: Match.absent() }) },
    });
  });

  it('the key-material scanner finds a real P-384 private key, armoured or bare, and ignores PEM header literals', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const bare = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    expect([pem, sec1, `{"k":"${bare}"}`, JSON.stringify({ pem })].map(hasKeyMaterial)).toEqual([true, true, true, true]);
    // What bundled libraries contain (jose checks for the PEM header and footer) is not key material.
    const lines = pem.trim().split('\n');
    expect(hasKeyMaterial(`if(e.indexOf("${lines[0]}")!==0)throw new TypeError("${lines.at(-1)}")`)).toBe(false);
  });

  it('has no private key material in the template or anywhere in cdk.out', () => {
    for (const env of [base, switched]) {
      expect(hasKeyMaterial(JSON.stringify(env.template.toJSON()))).toBe(false);
      // Zip assets are prebuilt archives shipped inside aws-cdk-lib (the AWS CLI layer); everything this app
      // produces (template, manifests, bundles, site, config.json) is a plain file.
      const files = filesUnder(env.outdir).filter((f) => !f.endsWith('.zip'));
      expect(files.some((f) => f.endsWith('index.mjs'))).toBe(true);
      const offending = files.filter((f) => hasKeyMaterial(readFileSync(f, 'latin1')));
      expect(offending).toEqual([]);
    }
  });
});

describe('5. site', () => {
  it('keeps the bucket private, encrypted and SSL-only', () => {
    const bucketId = logicalId(base.stack.site.bucket);
    base.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      WebsiteConfiguration: Match.absent(),
    });
    base.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(bucketId),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // The only principal allowed to read is CloudFront, and only for this distribution.
    const allows = allStatements(base).filter(
      ({ owner, statement }) => resourcesOf(base)[owner]?.Type === 'AWS::S3::BucketPolicy' && statement.Effect === 'Allow',
    );
    const readers = allows.filter(({ statement }) => asArray(statement.Action).includes('s3:GetObject'));
    expect(readers.map(({ statement }) => statement.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    const sourceArn = ((readers[0]?.statement.Condition as Json).StringEquals as Json)['AWS:SourceArn'];
    expect(flatten(sourceArn)).toContain(`:distribution/\${${logicalId(base.stack.site.distribution)}}`);
  });

  it('serves through CloudFront with Origin Access Control, redirect-to-https and index.html as root', () => {
    const oacId = Object.keys(base.template.findResources('AWS::CloudFront::OriginAccessControl'))[0] as string;
    base.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    base.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: getAtt(oacId, 'Id'), S3OriginConfig: { OriginAccessIdentity: '' } })],
      }),
    });
  });

  it('sends HSTS and a CSP that allows the API, Cognito and IVS and blocks inline script', () => {
    const policies = Object.entries(base.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] as [string, CfnResourceJson];
    base.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: ref(policyId) }) }),
    });
    const security = ((policy.Properties?.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig ?? {}) as Json;
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true });
    const csp = flatten((security.ContentSecurityPolicy as Json).ContentSecurityPolicy);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    const connect = directives.get('connect-src') ?? [];
    expect(connect).toContain("'self'");
    expect(connect).toContain('https://*.execute-api.${AWS::Region}.amazonaws.com');
    expect(connect).toContain(`https://\${${logicalId(base.stack.auth.domain)}}.auth.\${AWS::Region}.amazoncognito.com`);
    for (const ivs of IVS_CONNECT_SOURCES) expect(connect).toContain(ivs);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('worker-src')).toContain('blob:');
    expect(directives.get('media-src')).toContain('blob:');
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\s\*(\s|;|$)/);
  });

  it('deploys the pages and a config.json whose values CloudFormation fills in at deploy time', () => {
    const deployments = Object.values(base.template.findResources('Custom::CDKBucketDeployment')) as CfnResourceJson[];
    expect(deployments).toHaveLength(1);
    const props = deployments[0]?.Properties as Json;
    expect(props).toMatchObject({
      DestinationBucketName: ref(logicalId(base.stack.site.bucket)),
      DistributionId: ref(logicalId(base.stack.site.distribution)),
      DistributionPaths: ['/*'],
      Prune: true,
    });
    const keys = props.SourceObjectKeys as string[];
    const markers = props.SourceMarkers as Array<Record<string, unknown>>;
    const sources = keys.map((key) => path.join(base.outdir, `asset.${key.replace(/\.zip$/, '')}`));
    expect(existsSync(path.join(sources[0] as string, 'index.html'))).toBe(true);
    const configIndex = sources.findIndex((dir) => existsSync(path.join(dir, 'config.json')));
    expect(configIndex).toBeGreaterThanOrEqual(0);
    let text = readFileSync(path.join(sources[configIndex] as string, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers[configIndex] ?? {})) text = text.split(marker).join(flatten(value));
    const config = JSON.parse(text) as Json;
    expect(config).toEqual({
      backend: 'aws',
      apiUrl: `\${${logicalId(base.stack.tokenApi.api)}.ApiEndpoint}`,
      region: '${AWS::Region}',
      stageArn: `\${${logicalId(base.stack.stage.stage)}.Arn}`,
      viewerAccess: 'public',
      cognito: {
        domain: `https://\${${logicalId(base.stack.auth.domain)}}.auth.\${AWS::Region}.amazoncognito.com`,
        clientId: `\${${logicalId(base.stack.auth.clientFor(base.stack.site))}}`,
      },
    });
    // With real deploy-time values it is a valid SiteConfig for the pages.
    const deployed = JSON.parse(
      text
        .replace(/\$\{[A-Za-z0-9]+\.ApiEndpoint\}/, 'https://abc123.execute-api.eu-west-1.amazonaws.com')
        .replace(/\$\{[A-Za-z0-9:.]+\}/g, 'x1'),
    ) as unknown;
    expect(SiteConfig.safeParse(deployed).success).toBe(true);
  });
});

describe('6. monitoring', () => {
  const alarms = (env: SynthesizedEnv) => Object.values(env.template.findResources('AWS::CloudWatch::Alarm')) as CfnResourceJson[];

  it('alarms on API 5xx, token-function errors and throttles', () => {
    const handler = ref(logicalId(base.stack.tokenApi.handler));
    const api = ref(logicalId(base.stack.tokenApi.api));
    base.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: api }],
    });
    for (const metric of ['Errors', 'Throttles']) {
      base.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: handler }],
      });
    }
    // IVS pushing back (THROTTLED/QUOTA_EXCEEDED from the handler's TokenErrors metric).
    const ivsThrottles = alarms(base).filter((a) => JSON.stringify(a.Properties?.Metrics ?? []).includes('TokenErrors'));
    expect(ivsThrottles).toHaveLength(1);
    expect(JSON.stringify(ivsThrottles[0]?.Properties?.Metrics)).toMatch(/THROTTLED.*QUOTA_EXCEEDED/);
  });

  it('alarms when tokens issued per minute (all roles) exceed the context threshold', () => {
    for (const [env, threshold, minting] of [[base, 3000, 'api'], [switched, 123, 'self-signed']] as const) {
      const perMinute = alarms(env).filter((a) => JSON.stringify(a.Properties?.Metrics ?? []).includes('TokensIssued'));
      expect(perMinute).toHaveLength(1);
      const props = perMinute[0]?.Properties as Json;
      expect(props).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
      const metrics = props.Metrics as Json[];
      const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat as Json);
      expect(stats.map((s) => s.Period)).toEqual(ROLES.map(() => 60));
      const roles = stats.map((s) => ((s.Metric as Json).Dimensions as Json[]).find((d) => d.Name === 'role')?.Value);
      expect(roles.sort()).toEqual([...ROLES].sort());
      expect(JSON.stringify(stats)).toContain(`"minting","Value":"${minting}"`);
    }
  });

  it('alarmEmail: one SNS topic (TLS only, CloudWatch of this account may publish) e-mails every alarm, firing and recovering', () => {
    base.template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const a of alarms(base)) expect(a.Properties?.AlarmActions).toBeUndefined();

    switched.template.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = ref(logicalId(switched.stack.monitoring.alarmTopic!));
    switched.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topic });
    const all = alarms(switched);
    expect(all).toHaveLength(5);
    for (const a of all) {
      expect(a.Properties?.AlarmActions).toEqual([topic]);
      expect(a.Properties?.OKActions).toEqual([topic]);
    }
    const policy = Object.values(switched.template.findResources('AWS::SNS::TopicPolicy'))[0] as CfnResourceJson;
    const statements = ((policy.Properties?.PolicyDocument as Json).Statement as Json[]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Resource: topic,
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      ]),
    );
  });

  it('monthlyBudgetUsd: an AWS Budgets cost budget e-mailing alarmEmail at 80 % and 100 % of actual spend', () => {
    base.template.resourceCountIs('AWS::Budgets::Budget', 0);
    switched.template.resourceCountIs('AWS::Budgets::Budget', 1);
    switched.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 25, Unit: 'USD' } },
      NotificationsWithSubscribers: [80, 100].map((threshold) => ({
        Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
        Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'ops@example.com' }],
      })),
    });
    // Both go with the stack: nothing of them is retained on destroy.
    for (const type of ['AWS::Budgets::Budget', 'AWS::SNS::Topic', 'AWS::SNS::Subscription']) {
      for (const r of Object.values(switched.template.findResources(type)) as CfnResourceJson[]) {
        expect(r.DeletionPolicy).not.toBe('Retain');
        expect(r.UpdateReplacePolicy).not.toBe('Retain');
      }
    }
  });

  it('has a dashboard with API requests/errors/latency, function errors/duration and tokens by role', () => {
    base.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(base.template.findResources('AWS::CloudWatch::Dashboard'))[0] as CfnResourceJson;
    const body = JSON.parse(flatten(dashboard.Properties?.DashboardBody)) as { widgets: Array<{ properties: Json }> };
    const metrics = body.widgets.flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? []).map((m) => m.slice(0, 2).join(' '));
    for (const expected of [
      'AWS/ApiGateway Count',
      'AWS/ApiGateway 4xx',
      'AWS/ApiGateway 5xx',
      'AWS/ApiGateway Latency',
      'AWS/Lambda Errors',
      'AWS/Lambda Duration',
      'IvsTestEnv TokensIssued',
    ]) {
      expect(metrics).toContain(expected);
    }
    const tokenRoles = body.widgets
      .flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? [])
      .filter((m) => m[1] === 'TokensIssued')
      .map((m) => m[m.indexOf('role') + 1]);
    expect(tokenRoles.sort()).toEqual([...ROLES].sort());
    expect(body.widgets.some((w) => w.properties.alarms !== undefined)).toBe(true);
  });

  it('gives every log group the context retention and every function a log group of the stack', () => {
    for (const [env, days] of [[base, 14], [switched, 30]] as const) {
      const resources = resourcesOf(env);
      const logGroups = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
      expect(logGroups.length).toBeGreaterThanOrEqual(4);
      for (const [, group] of logGroups) expect(group.Properties?.RetentionInDays).toBe(days);
      const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      for (const [fnId, fn] of functions) {
        const configured = (fn.Properties?.LoggingConfig as Json | undefined)?.LogGroup as Json | undefined;
        const adopted = logGroups.some(([, g]) => flatten(g.Properties?.LogGroupName) === `/aws/lambda/\${${fnId}}`);
        const owned = configured !== undefined && logGroups.some(([id]) => configured.Ref === id);
        expect({ fnId, owned: owned || adopted }).toEqual({ fnId, owned: true });
      }
    }
  });
});

describe('7. outputs', () => {
  it('outputs SiteUrl, ApiUrl, StageArn, UserPoolId and a create-broadcaster command', () => {
    const { stack, template } = base;
    template.hasOutput('SiteUrl', { Value: siteUrl(base) });
    template.hasOutput('ApiUrl', { Value: getAtt(logicalId(stack.tokenApi.api), 'ApiEndpoint') });
    template.hasOutput('StageArn', { Value: getAtt(logicalId(stack.stage.stage), 'Arn') });
    template.hasOutput('UserPoolId', { Value: ref(logicalId(stack.auth.userPool)) });
    const command = flatten((template.toJSON().Outputs as Record<string, Json>).CreateBroadcasterCommand?.Value);
    const pool = `\${${logicalId(stack.auth.userPool)}}`;
    expect(command).toContain(`aws cognito-idp admin-create-user --region \${AWS::Region} --user-pool-id ${pool}`);
    expect(command).toContain(`&& aws cognito-idp admin-add-user-to-group --region \${AWS::Region} --user-pool-id ${pool}`);
    expect(command).toMatch(new RegExp(`--group-name ${PUBLISHERS_GROUP}$`));
  });
});

describe('8. destroy', () => {
  it('retains nothing: no Retain/Snapshot policy on any resource, in any variant', () => {
    for (const env of [base, switched]) {
      const kept = Object.entries(resourcesOf(env)).filter(([, r]) =>
        [r.DeletionPolicy, r.UpdateReplacePolicy].some((p) => p !== undefined && p !== 'Delete'),
      );
      expect(kept.map(([id]) => id)).toEqual([]);
    }
  });

  it('explicitly deletes what CloudFormation/CDK would otherwise keep (bucket, user pool, log groups, secret)', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::Cognito::UserPool', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret']) {
      const found = Object.values(switched.template.findResources(type)) as CfnResourceJson[];
      expect(found.length).toBeGreaterThan(0);
      for (const r of found) expect([r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    }
    base.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it('empties the site bucket before deleting it', () => {
    base.template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: ref(logicalId(base.stack.site.bucket)) });
    base.template.hasResource('AWS::S3::Bucket', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:auto-delete-objects', Value: 'true' }]) },
    });
  });
});
