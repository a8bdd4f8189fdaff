/**
 * What `npm run verify` checks on a deployed environment (or a running sandbox), one result per check. Everything it
 * compares against comes from the code that made the deployment: the CSP and HSTS of lib/csp.ts, the token API's
 * contracts (contracts/token-api.ts, contracts/site-config.ts). The AWS clients and fetch are passed in, so tests fake them at their boundary.
 */
import { CloudFormationClient, DescribeStacksCommand, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { SiteConfig } from '../../contracts/site-config.js';
import { API_ROUTES, CreateTokenResponse, ErrorBody, StageSummary } from '../../contracts/token-api.js';
import { HSTS_MAX_AGE_DAYS, contentSecurityPolicy, siteConnectSources } from '../../lib/csp.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  /** What held (pass), what is wrong (fail), or why it did not run (skip). */
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}

export type Target = { readonly kind: 'stack'; readonly stackName: string } | { readonly kind: 'site'; readonly siteUrl: string };

export interface VerifyDeps {
  readonly fetch: typeof fetch;
  /** CloudFormation: --stack only. */
  readonly cloudFormation?: CloudFormationClient;
  /** CloudWatch: --stack only (the alarms). */
  readonly cloudWatch?: CloudWatchClient;
  /** IVS real-time (GetStage): --stack, or --site with --endpoint (the sandbox's emulator). */
  readonly ivs?: (region: string) => IVSRealTimeClient;
  /** A per-request limit, so a silent endpoint fails one check instead of hanging the run. @default 10000 */
  readonly timeoutMs?: number;
}

/** An origin no deployment allows, to prove CORS refuses strangers (.invalid never resolves: RFC 2606). */
export const FOREIGN_ORIGIN = 'https://verify-not-allowed.invalid';
const REDEPLOY = 'run npx cdk deploy again (the stack sets it); if it persists, see docs/deploy.md';

/** Stack outputs verify reads (lib/ivs-test-env-stack.ts). */
interface StackFacts {
  readonly siteUrl: string;
  readonly apiUrl?: string;
  readonly stageArn?: string;
  /** Physical ids (names) of the stack's CloudWatch alarms. */
  readonly alarmNames: readonly string[];
}

const pass = (id: string, detail: string): CheckResult => ({ id, status: 'pass', detail });
const fail = (id: string, detail: string, fix: string): CheckResult => ({ id, status: 'fail', detail, fix });
const skip = (id: string, detail: string): CheckResult => ({ id, status: 'skip', detail });

function message(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

async function stackFacts(stackName: string, cfn: CloudFormationClient): Promise<StackFacts> {
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const siteUrl = outputs.get('SiteUrl');
  if (!siteUrl) throw new Error(`stack ${stackName} has no SiteUrl output: is it this app's stack, fully deployed?`);
  const alarmNames: string[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const r of page.StackResourceSummaries ?? []) {
      if (r.ResourceType === 'AWS::CloudWatch::Alarm' && r.PhysicalResourceId) alarmNames.push(r.PhysicalResourceId);
    }
  }
  return { siteUrl, apiUrl: outputs.get('ApiUrl'), stageArn: outputs.get('StageArn'), alarmNames };
}

/** Runs every check in order; never throws (a check that cannot run fails with the reason). */
export async function verify(target: Target, deps: VerifyDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const get = (url: string, init: RequestInit = {}) => deps.fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(timeoutMs) });

  let facts: StackFacts | undefined;
  if (target.kind === 'stack') {
    if (!deps.cloudFormation) throw new Error('--stack needs a CloudFormation client');
    try {
      facts = await stackFacts(target.stackName, deps.cloudFormation);
      results.push(pass('stack', `stack ${target.stackName} found; site ${facts.siteUrl}`));
    } catch (err: unknown) {
      results.push(fail('stack', `cannot read stack ${target.stackName}: ${message(err)}`, 'check the stack name, the region (--region or AWS_REGION) and your AWS credentials; deploy with npx cdk deploy'));
      return results;
    }
  }
  const siteUrl = new URL(facts?.siteUrl ?? (target.kind === 'site' ? target.siteUrl : ''));
  if (!siteUrl.pathname.endsWith('/')) siteUrl.pathname += '/';
  const siteOrigin = siteUrl.origin;

  // config.json first: it says what kind of backend this is and where its API is.
  let config: SiteConfig | undefined;
  try {
    const res = await get(new URL('config.json', siteUrl).href, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const parsed = SiteConfig.safeParse(await res.json());
    if (!parsed.success) throw new Error(`field "${parsed.error.issues[0]?.path.join('.') ?? ''}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const c = parsed.data;
    const missing = [
      ...(c.apiUrl ? [] : ['apiUrl']),
      ...(c.region ? [] : ['region']),
      ...(c.stageArn ? [] : ['stageArn']),
      ...(c.backend === 'aws' && !c.cognito ? ['cognito'] : []),
    ];
    if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}`);
    if (facts?.apiUrl && c.apiUrl !== facts.apiUrl) throw new Error(`apiUrl ${c.apiUrl} is not the stack's ApiUrl ${facts.apiUrl}`);
    if (facts?.stageArn && c.stageArn !== facts.stageArn) throw new Error(`stageArn is not the stack's StageArn ${facts.stageArn}`);
    config = c;
    results.push(pass('config', `config.json complete (${c.backend}, ${c.region}, viewers ${c.viewerAccess})`));
  } catch (err: unknown) {
    results.push(fail('config', `config.json: ${message(err)}`, `${REDEPLOY}; the stack writes config.json next to the pages`));
  }
  const sandbox = config?.backend === 'sandbox';

  // The site: HTTPS, CSP and HSTS as lib/csp.ts makes them.
  let page: Response | undefined;
  try {
    page = await get(siteUrl.href);
    if (!page.ok) throw new Error(`HTTP ${page.status}`);
  } catch (err: unknown) {
    results.push(fail('site', `${siteUrl.href} does not answer: ${message(err)}`, 'open SiteUrl from the stack outputs; a new distribution can take a few minutes to answer'));
  }
  if (page?.ok) {
    if (sandbox) {
      results.push(skip('site', 'HTTPS, CSP and HSTS: not on the sandbox (it serves plain HTTP on this machine)'));
    } else {
      results.push(
        siteUrl.protocol === 'https:'
          ? pass('https', `${siteUrl.href} answers over HTTPS`)
          : fail('https', `${siteUrl.href} is not HTTPS`, 'use the https:// SiteUrl from the stack outputs (CloudFront redirects HTTP)'),
      );
      const csp = page.headers.get('content-security-policy');
      if (config?.region && config.cognito) {
        const want = contentSecurityPolicy({ connect: siteConnectSources(config.region, config.cognito.domain) });
        results.push(
          csp === want
            ? pass('csp', 'Content-Security-Policy is the one lib/csp.ts builds')
            : fail('csp', csp === null ? 'no Content-Security-Policy header' : `Content-Security-Policy differs from lib/csp.ts: ${csp.slice(0, 300)}`, `${REDEPLOY}; a CDN or proxy in front must not rewrite it`),
        );
      } else {
        results.push(fail('csp', 'cannot rebuild the expected CSP without region and cognito in config.json', REDEPLOY));
      }
      const hsts = page.headers.get('strict-transport-security') ?? '';
      const maxAge = Number(/max-age=(\d+)/i.exec(hsts)?.[1] ?? NaN);
      results.push(
        maxAge >= HSTS_MAX_AGE_DAYS * 86_400 && /includesubdomains/i.test(hsts)
          ? pass('hsts', `Strict-Transport-Security: ${hsts}`)
          : fail('hsts', hsts ? `Strict-Transport-Security is "${hsts}"` : 'no Strict-Transport-Security header', `${REDEPLOY}; expected max-age=${HSTS_MAX_AGE_DAYS * 86_400}; includeSubDomains`),
      );
    }
  }

  const api = config?.apiUrl?.replace(/\/+$/, '');
  if (api === undefined) {
    results.push(skip('api', 'token API checks: no apiUrl in config.json'));
  } else {
    const post = (path: string, body: unknown) =>
      get(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // A viewer token in public mode; a refusal when viewers must sign in. The token itself is never printed.
    try {
      const res = await post(API_ROUTES.createToken.path, { role: 'viewer', durationMinutes: 1 });
      if (config?.viewerAccess === 'signed-in') {
        results.push(
          res.status === 401
            ? pass('viewer-token', 'viewer tokens need sign-in (viewerAccess=signed-in): 401 without it')
            : fail('viewer-token', `POST /tokens without sign-in answered ${res.status}, expected 401 (viewerAccess=signed-in)`, REDEPLOY),
        );
      } else {
        const parsed = CreateTokenResponse.safeParse(await res.json().catch(() => undefined));
        results.push(
          res.status === 201 && parsed.success && parsed.data.capabilities.join() === 'SUBSCRIBE'
            ? pass('viewer-token', `the token API issues viewer tokens (${parsed.data.minting}, SUBSCRIBE only)`)
            : fail('viewer-token', `POST /tokens answered ${res.status}${parsed.success ? '' : ' without a token'}`, 'look at the token function\'s log group (DashboardUrl) for the error; a 5xx often means the IVS stage or key is gone'),
        );
      }
    } catch (err: unknown) {
      results.push(fail('viewer-token', `POST /tokens failed: ${message(err)}`, 'check ApiUrl and that the API is deployed (npx cdk deploy)'));
    }

    try {
      const open = await post(API_ROUTES.createToken.path, { role: 'publisher', durationMinutes: 1 });
      const signedIn = sandbox ? undefined : await post(API_ROUTES.createTokenAuthenticated.path, { role: 'publisher', durationMinutes: 1 });
      const code = ErrorBody.safeParse(await open.json().catch(() => undefined));
      const problems = [
        ...(open.status === 401 && code.success && code.data.error.code === 'UNAUTHORIZED' ? [] : [`POST /tokens role=publisher answered ${open.status}`]),
        ...(signedIn === undefined || signedIn.status === 401 ? [] : [`POST /auth/tokens without a JWT answered ${signedIn.status}`]),
      ];
      results.push(
        problems.length === 0
          ? pass('publisher-refused', `no publisher token without sign-in (401${sandbox ? '; /auth/tokens not checked: the sandbox signs everyone in' : ' on /tokens and /auth/tokens'})`)
          : fail('publisher-refused', `${problems.join('; ')}, expected 401`, 'the JWT authorizer must guard /auth/tokens: npx cdk deploy again, and never deploy a modified handler that trusts the body'),
      );
    } catch (err: unknown) {
      results.push(fail('publisher-refused', `publisher requests failed: ${message(err)}`, 'check ApiUrl and that the API is deployed'));
    }

    const preflight = (origin: string) =>
      get(`${api}${API_ROUTES.createToken.path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    try {
      const mine = (await preflight(siteOrigin)).headers.get('access-control-allow-origin');
      const theirs = (await preflight(FOREIGN_ORIGIN)).headers.get('access-control-allow-origin');
      results.push(
        mine === siteOrigin || mine === '*'
          ? pass('cors-site', `CORS allows the site ${siteOrigin}`)
          : fail('cors-site', `CORS does not allow ${siteOrigin} (Access-Control-Allow-Origin: ${mine ?? 'none'})`, sandbox ? `start the sandbox with --allow-origin ${siteOrigin}` : `${REDEPLOY}; the API's CORS list starts with the site's origin`),
      );
      results.push(
        theirs === null
          ? pass('cors-other', `CORS refuses another origin (${FOREIGN_ORIGIN})`)
          : fail('cors-other', `CORS allows ${FOREIGN_ORIGIN} (Access-Control-Allow-Origin: ${theirs}): any site can mint`, 'list only your origins in allowedOrigins (no "*") and deploy again'),
      );
    } catch (err: unknown) {
      results.push(fail('cors-site', `CORS preflight failed: ${message(err)}`, 'check ApiUrl and that the API is deployed'));
    }

    try {
      const res = await get(`${api}${API_ROUTES.stage.path}`);
      const parsed = StageSummary.safeParse(await res.json().catch(() => undefined));
      results.push(
        res.ok && parsed.success
          ? pass('stage-summary', `GET /stage answers (${parsed.data.publishers} publishing, ${parsed.data.subscribers} watching)`)
          : fail('stage-summary', `GET /stage answered ${res.status}${parsed.success ? '' : ' without a stage summary'}`, 'look at the token function\'s log group; the function may lack ivs:GetStage/ListParticipants or the stage is gone'),
      );
    } catch (err: unknown) {
      results.push(fail('stage-summary', `GET /stage failed: ${message(err)}`, 'check ApiUrl and that the API is deployed'));
    }
  }

  // The stage itself, as IVS sees it.
  const stageArn = facts?.stageArn ?? config?.stageArn;
  if (!deps.ivs) {
    results.push(skip('stage', 'GetStage: needs --stack (AWS credentials) or --endpoint (the sandbox)'));
  } else if (!stageArn) {
    results.push(fail('stage', 'no stage ARN in the stack outputs or config.json', REDEPLOY));
  } else {
    const region = stageArn.split(':')[3] ?? '';
    try {
      const out = await deps.ivs(region).send(new GetStageCommand({ arn: stageArn }));
      results.push(
        out.stage?.arn === stageArn
          ? pass('stage', `the stage exists (GetStage ${out.stage.name ?? stageArn})`)
          : fail('stage', 'GetStage returned another stage', REDEPLOY),
      );
    } catch (err: unknown) {
      results.push(fail('stage', `GetStage ${stageArn}: ${message(err)}`, 'the stage was deleted outside CloudFormation? npx cdk deploy recreates it'));
    }
  }

  if (!facts) {
    results.push(skip('alarms', 'alarms: needs --stack'));
  } else if (!deps.cloudWatch) {
    throw new Error('--stack needs a CloudWatch client');
  } else if (facts.alarmNames.length === 0) {
    results.push(fail('alarms', 'the stack has no CloudWatch alarms', REDEPLOY));
  } else {
    try {
      const out = await deps.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [...facts.alarmNames], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
      const found = new Map((out.MetricAlarms ?? []).map((a) => [a.AlarmName ?? '', a]));
      const absent = facts.alarmNames.filter((n) => !found.has(n));
      const silent = [...found.values()].filter((a) => (a.AlarmActions ?? []).length === 0).length;
      results.push(
        absent.length === 0
          ? pass('alarms', `${found.size} alarms exist${silent > 0 ? `; ${silent} notify nobody (deploy with -c alarmEmail=you@example.com)` : ', each notifying the alarm topic'}`)
          : fail('alarms', `${absent.length} of the stack's alarms are missing: ${absent.join(', ')}`, REDEPLOY),
      );
    } catch (err: unknown) {
      results.push(fail('alarms', `DescribeAlarms: ${message(err)}`, 'your credentials need cloudwatch:DescribeAlarms'));
    }
  }
  return results;
}

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', skip: '–' };

/** One line per check: mark, what held or is wrong, and for a failure what to do. */
export function formatResult(r: CheckResult): string {
  return `${MARK[r.status]} ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

/** 0 only when every check that ran holds. */
export function exitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
