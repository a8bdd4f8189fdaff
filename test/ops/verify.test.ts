/**
 * `npm run verify -- --stack` against a deployment faked at its boundaries: the AWS SDK (CloudFormation, CloudWatch,
 * IVS) through aws-sdk-client-mock, and the deployment's HTTPS endpoints (CloudFront, API Gateway) through the fetch
 * verify is given. A healthy deployment passes every check (exit 0); each thing broken fails its own line, with a fix.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetStageCommand, IVSRealTimeClient, ResourceNotFoundException } from '@aws-sdk/client-ivs-realtime';
import { mockClient } from 'aws-sdk-client-mock';
import { contentSecurityPolicy, siteConnectSources } from '../../lib/csp.js';
import { FOREIGN_ORIGIN } from '../../ops/verify/checks.js';
import { main, parseVerifyArgs } from '../../ops/verify/cli.js';

const REGION = 'us-east-1';
const SITE = 'https://d111abcdef8.cloudfront.net';
const API = 'https://abc123defg.execute-api.us-east-1.amazonaws.com';
const COGNITO = 'https://ivs-test-1234.auth.us-east-1.amazoncognito.com';
const STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl';
const ALARMS = ['IvsTestEnv-ApiServerErrors-1', 'IvsTestEnv-FunctionErrors-2', 'IvsTestEnv-TokensPerMinute-3'];

const cfn = mockClient(CloudFormationClient);
const cw = mockClient(CloudWatchClient);
const ivs = mockClient(IVSRealTimeClient);

/** What a healthy deployment answers; tests break one piece at a time. */
interface Deployment {
  csp: string | null;
  hsts: string | null;
  corsOrigins: string[];
  authorizer: boolean;
  configJson: Record<string, unknown>;
}

let deployment: Deployment;
/** Every URL verify fetched, to prove no token reaches the output. */
let fetched: string[];

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const fakeFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  fetched.push(url.href);
  const method = init?.method ?? 'GET';
  const headers = new Headers(init?.headers);
  if (url.origin === SITE) {
    if (url.pathname === '/config.json') return json(200, deployment.configJson);
    if (url.pathname === '/') {
      const h: Record<string, string> = { 'content-type': 'text/html' };
      if (deployment.csp !== null) h['content-security-policy'] = deployment.csp;
      if (deployment.hsts !== null) h['strict-transport-security'] = deployment.hsts;
      return new Response('<!doctype html>', { status: 200, headers: h });
    }
    return new Response('not found', { status: 404 });
  }
  if (url.origin === API) {
    if (method === 'OPTIONS') {
      const origin = headers.get('origin') ?? '';
      return new Response(null, { status: 204, headers: deployment.corsOrigins.includes(origin) ? { 'access-control-allow-origin': origin } : {} });
    }
    const body = JSON.parse(String(init?.body ?? '{}')) as { role?: string };
    if (url.pathname === '/tokens' && method === 'POST') {
      if (body.role === 'publisher') return json(401, { error: { code: 'UNAUTHORIZED', message: 'publisher tokens need a signed-in caller' } });
      return json(201, {
        token: 'eyJhbGciOiJFUzM4NCJ9.e30.c2ln',
        participantId: 'p1',
        userId: 'viewer-1',
        capabilities: ['SUBSCRIBE'],
        expiresAt: new Date().toISOString(),
        stageArn: STAGE_ARN,
        minting: 'api',
      });
    }
    if (url.pathname === '/auth/tokens' && method === 'POST') {
      return deployment.authorizer ? json(401, { message: 'Unauthorized' }) : json(201, { token: 'x' });
    }
    if (url.pathname === '/stage' && method === 'GET') {
      return json(200, { name: 'ivs-test-stage', arn: STAGE_ARN, activeSessionId: null, publishers: 0, subscribers: 0, updatedAt: new Date().toISOString(), stale: false });
    }
  }
  throw new TypeError('fetch failed');
};

beforeEach(() => {
  cfn.reset();
  cw.reset();
  ivs.reset();
  fetched = [];
  deployment = {
    csp: contentSecurityPolicy({ connect: siteConnectSources(REGION, COGNITO) }),
    hsts: 'max-age=31536000; includeSubDomains',
    corsOrigins: [SITE],
    authorizer: true,
    configJson: { backend: 'aws', apiUrl: API, region: REGION, stageArn: STAGE_ARN, viewerAccess: 'public', cognito: { domain: COGNITO, clientId: 'client123' } },
  };
  cfn.on(DescribeStacksCommand, { StackName: 'IvsTestEnv' }).resolves({
    Stacks: [
      {
        StackName: 'IvsTestEnv',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'SiteUrl', OutputValue: SITE },
          { OutputKey: 'ApiUrl', OutputValue: API },
          { OutputKey: 'StageArn', OutputValue: STAGE_ARN },
        ],
      },
    ],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      ...ALARMS.map((name, i) => ({
        LogicalResourceId: `Alarm${i}`,
        PhysicalResourceId: name,
        ResourceType: 'AWS::CloudWatch::Alarm',
        ResourceStatus: 'CREATE_COMPLETE' as const,
        LastUpdatedTimestamp: new Date(),
      })),
      { LogicalResourceId: 'Stage', PhysicalResourceId: STAGE_ARN, ResourceType: 'AWS::IVS::Stage', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ],
  });
  cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => ({
    MetricAlarms: (input.AlarmNames ?? []).map((AlarmName) => ({ AlarmName, AlarmActions: ['arn:aws:sns:us-east-1:123456789012:alarms'] })),
  }));
  ivs.on(GetStageCommand, { arn: STAGE_ARN }).resolves({ stage: { arn: STAGE_ARN, name: 'ivs-test-stage' } });
});

async function run(argv: string[] = ['--stack', 'IvsTestEnv', '--region', REGION]): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const code = await main(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    deps: () => ({
      fetch: fakeFetch,
      cloudFormation: new CloudFormationClient({ region: REGION }),
      cloudWatch: new CloudWatchClient({ region: REGION }),
      ivs: (region) => new IVSRealTimeClient({ region }),
    }),
  });
  return { code, lines: out.trimEnd().split('\n') };
}

const failed = (lines: string[]) => lines.filter((l) => l.startsWith('✗'));

describe('npm run verify -- --stack', () => {
  it('a healthy deployment: every check one ✓ line, exit 0, no token printed', async () => {
    const { code, lines } = await run();
    expect(code).toBe(0);
    const checks = lines.slice(0, -1);
    expect(checks.every((l) => l.startsWith('✓'))).toBe(true);
    expect(checks.join('\n')).toMatch(/HTTPS[\s\S]*Content-Security-Policy[\s\S]*Strict-Transport-Security[\s\S]*viewer tokens[\s\S]*publisher[\s\S]*CORS allows[\s\S]*CORS refuses[\s\S]*GET \/stage[\s\S]*stage exists[\s\S]*3 alarms exist/);
    expect(checks).toHaveLength(12);
    expect(lines.at(-1)).toBe('All checks hold.');
    expect(lines.join('\n')).not.toContain('eyJ');
    expect(fetched).toContain(`${API}/tokens`);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames).toEqual(ALARMS);
  });

  it.each<[string, (d: Deployment) => void, RegExp]>([
    ['no HSTS', (d) => (d.hsts = null), /no Strict-Transport-Security header — fix: run npx cdk deploy again/],
    ['a short HSTS', (d) => (d.hsts = 'max-age=300'), /Strict-Transport-Security is "max-age=300"/],
    ['a rewritten CSP', (d) => (d.csp = "default-src *"), /Content-Security-Policy differs from lib\/csp.ts/],
    ['CORS that lets anyone in', (d) => d.corsOrigins.push(FOREIGN_ORIGIN), /CORS allows https:\/\/verify-not-allowed.invalid.*fix: list only your origins/],
    ['CORS without the site', (d) => (d.corsOrigins = []), /CORS does not allow https:\/\/d111abcdef8.cloudfront.net/],
    ['no JWT authorizer on /auth/tokens', (d) => (d.authorizer = false), /POST \/auth\/tokens without a JWT answered 201, expected 401 — fix: the JWT authorizer/],
    ['an incomplete config.json', (d) => delete d.configJson['cognito'], /config.json: missing cognito/],
  ])('%s fails its own line with the fix, exit 1', async (_what, breakIt, line) => {
    breakIt(deployment);
    const { code, lines } = await run();
    expect(code).toBe(1);
    expect(failed(lines).join('\n')).toMatch(line);
    expect(lines.at(-1)).toMatch(/^\d checks? failed\.$/);
  });

  it('a stage deleted outside CloudFormation and an alarm gone fail their lines', async () => {
    ivs.on(GetStageCommand).rejects(new ResourceNotFoundException({ message: 'stage not found', $metadata: {} }));
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: ALARMS[0], AlarmActions: [] }, { AlarmName: ALARMS[1], AlarmActions: [] }] });
    const { code, lines } = await run();
    expect(code).toBe(1);
    expect(failed(lines)).toEqual([
      expect.stringMatching(/^✗ GetStage arn:aws:ivs:.*stage not found — fix: .*npx cdk deploy recreates it$/),
      expect.stringMatching(/^✗ 1 of the stack's alarms are missing: IvsTestEnv-TokensPerMinute-3/),
    ]);
  });

  it('alarms that notify nobody hold, and say how to get notified', async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => ({ MetricAlarms: (input.AlarmNames ?? []).map((AlarmName) => ({ AlarmName, AlarmActions: [] })) }));
    const { code, lines } = await run();
    expect(code).toBe(0);
    expect(lines).toContain('✓ 3 alarms exist; 3 notify nobody (deploy with -c alarmEmail=you@example.com)');
  });

  it('a stack that cannot be read stops at one ✗ line naming what to check', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'));
    const { code, lines } = await run(['--stack', 'Nope']);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^✗ cannot read stack Nope: Stack with id Nope does not exist — fix: check the stack name, the region/);
    expect(lines).toHaveLength(2);
  });
});

describe('flags', () => {
  it('needs exactly one of --stack and --site, and a URL for --site', async () => {
    expect(() => parseVerifyArgs([])).toThrow('exactly one of --stack NAME or --site URL');
    expect(() => parseVerifyArgs(['--stack', 'A', '--site', SITE])).toThrow('exactly one');
    expect(() => parseVerifyArgs(['--site', 'cloudfront'])).toThrow('is not a URL');
    expect(() => parseVerifyArgs(['--stack', 'A', '--endpoint', 'http://127.0.0.1:1'])).toThrow('--endpoint goes with --site');
    expect(parseVerifyArgs(['--site', SITE])).toEqual({ target: { kind: 'site', siteUrl: SITE } });
    const bad = await run(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.lines.join('\n')).toContain('Usage: npm run verify');
  });
});
