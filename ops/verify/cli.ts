/**
 * `npm run verify -- --stack IvsTestEnv` (after `npx cdk deploy`) or `--site URL`: checks that a deployment works as
 * deployed, one line per check (✓ held, ✗ wrong with the fix, – not applicable), exit 0 only when none failed.
 * Checks and their fixes: ops/verify/checks.ts. Lives outside bin/ (the CDK app) and lambda/ (the deployed code):
 * it is an operator's tool that reads a deployment through its public URLs and the AWS APIs.
 *
 *   --stack NAME [--region R]     read SiteUrl/ApiUrl/StageArn and the alarms from the CloudFormation stack
 *   --site URL [--endpoint URL]   start from the pages' URL; --endpoint points GetStage at an IVS endpoint (the
 *                                 sandbox's emulator, e.g. http://127.0.0.1:8080; dummy credentials are used there)
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { type Target, type VerifyDeps, exitCode, formatResult, verify } from './checks.js';

export const USAGE = `Usage: npm run verify -- --stack NAME [--region REGION]
       npm run verify -- --site URL [--endpoint IVS_ENDPOINT]

  --stack NAME     the deployed stack (IvsTestEnv), read with your AWS credentials
  --region REGION  its region (default: AWS_REGION / your AWS config)
  --site URL       the pages' URL (SiteUrl), e.g. https://d1234.cloudfront.net or the sandbox http://127.0.0.1:8080
  --endpoint URL   IVS endpoint for GetStage with --site (the sandbox: http://127.0.0.1:8080)
  -h, --help       this text

One line per check: ✓ holds, ✗ does not (with the fix), – not applicable. Exit codes: 0 all hold, 1 a check failed,
2 bad flags.`;

export class UsageError extends Error {}

export interface VerifyArgs {
  readonly target: Target;
  readonly region?: string;
  readonly endpoint?: string;
}

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: 'string' },
        site: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err: unknown) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  if ((values.stack === undefined) === (values.site === undefined)) throw new UsageError('give exactly one of --stack NAME or --site URL');
  if (values.endpoint !== undefined && values.stack !== undefined) throw new UsageError('--endpoint goes with --site (a stack is read from AWS)');
  for (const [flag, value] of [['--site', values.site], ['--endpoint', values.endpoint]] as const) {
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`${flag} ${value} is not a URL (e.g. https://d1234.cloudfront.net)`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${flag} must be an http(s) URL`);
  }
  const target: Target = values.stack !== undefined ? { kind: 'stack', stackName: values.stack } : { kind: 'site', siteUrl: values.site ?? '' };
  return { target, ...(values.region ? { region: values.region } : {}), ...(values.endpoint ? { endpoint: values.endpoint } : {}) };
}

/** The real clients: credentials and region from the usual AWS chain (or dummy ones for a sandbox --endpoint). */
export function awsDeps(args: VerifyArgs): VerifyDeps {
  const region = args.region ? { region: args.region } : {};
  if (args.target.kind === 'stack') {
    return {
      fetch: globalThis.fetch,
      cloudFormation: new CloudFormationClient(region),
      cloudWatch: new CloudWatchClient(region),
      ivs: (stageRegion) => new IVSRealTimeClient({ region: stageRegion }),
    };
  }
  const endpoint = args.endpoint;
  return {
    fetch: globalThis.fetch,
    ...(endpoint
      ? {
          ivs: (stageRegion: string) =>
            new IVSRealTimeClient({ region: stageRegion, endpoint, credentials: { accessKeyId: 'AKIDVERIFY', secretAccessKey: 'verify' }, maxAttempts: 1 }),
        }
      : {}),
  };
}

export interface VerifyIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** @default awsDeps */
  readonly deps?: (args: VerifyArgs) => VerifyDeps;
}

export async function main(argv: readonly string[], io: VerifyIo): Promise<number> {
  let args: VerifyArgs | 'help';
  try {
    args = parseVerifyArgs(argv);
  } catch (err: unknown) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`verify: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const results = await verify(args.target, (io.deps ?? awsDeps)(args));
  for (const r of results) io.stdout(`${formatResult(r)}\n`);
  const failed = results.filter((r) => r.status === 'fail').length;
  io.stdout(failed === 0 ? 'All checks hold.\n' : `${failed} check${failed === 1 ? '' : 's'} failed.\n`);
  return exitCode(results);
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`verify: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
