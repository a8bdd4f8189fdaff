/**
 * `npm start`: builds the pages, starts the sandbox, prints where everything is, and closes cleanly on Ctrl-C.
 *
 *   npm start -- [--port 8080] [--host 127.0.0.1] [--minting api|self-signed] [--key signing-key.pem]
 *                [--region us-east-1] [--https-key key.pem --https-cert cert.pem] [--verbose]
 *
 * PORT in the environment sets the port too (the flag wins). --host 0.0.0.0 makes it reachable from phones on the LAN.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/powertools.js';
import { MintingMode } from '../../lambda/token/contract.js';
import { DEFAULT_REGION } from './config.js';
import { closeOnSignals, startServer } from './server.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webBuildModule = join(repoRoot, 'web', 'build.ts');
const webOutDir = join(repoRoot, 'web', 'dist');

const Cli = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  minting: MintingMode,
  key: z.string().optional(),
  region: z.string(),
  httpsKey: z.string().optional(),
  httpsCert: z.string().optional(),
  verbose: z.boolean(),
});

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(2);
}

function readArgs(): z.infer<typeof Cli> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        minting: { type: 'string' },
        key: { type: 'string' },
        region: { type: 'string' },
        'https-key': { type: 'string' },
        'https-cert': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err: unknown) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(
      'usage: npm start -- [--port 8080] [--host 127.0.0.1|0.0.0.0] [--minting api|self-signed] [--key FILE]\n' +
        '                    [--region us-east-1] [--https-key FILE --https-cert FILE] [--verbose]\n',
    );
    process.exit(0);
  }
  const parsed = Cli.safeParse({
    port: values.port ?? process.env['PORT'] ?? 8080,
    host: values.host ?? '127.0.0.1',
    minting: values.minting ?? 'api',
    key: values.key,
    region: values.region ?? DEFAULT_REGION,
    httpsKey: values['https-key'],
    httpsCert: values['https-cert'],
    verbose: values.verbose ?? false,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  if ((parsed.data.httpsKey === undefined) !== (parsed.data.httpsCert === undefined)) fail('--https-key and --https-cert go together');
  return parsed.data;
}

function readFileOrFail(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err: unknown) {
    fail(`cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Builds web/ into web/dist with the web module's own builder, when there is one. */
async function buildPages(): Promise<string | undefined> {
  if (!existsSync(webBuildModule)) return undefined;
  const specifier = '../../web/build.js';
  const mod: unknown = await import(specifier);
  const buildWeb = typeof mod === 'object' && mod !== null && 'buildWeb' in mod ? mod.buildWeb : undefined;
  if (typeof buildWeb !== 'function') fail('web/build.ts does not export buildWeb(options)');
  await (buildWeb as (options: { outdir: string; minify?: boolean }) => Promise<void>)({ outdir: webOutDir, minify: false });
  return webOutDir;
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

async function main(): Promise<void> {
  const args = readArgs();
  const signingKeyPem = args.key === undefined ? undefined : readFileOrFail(args.key, '--key');
  const https =
    args.httpsKey !== undefined && args.httpsCert !== undefined
      ? { key: readFileOrFail(args.httpsKey, '--https-key'), cert: readFileOrFail(args.httpsCert, '--https-cert') }
      : undefined;

  let webRoot: string | undefined;
  try {
    webRoot = await buildPages();
  } catch (err: unknown) {
    fail(`building the pages failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  // The token API logs every request and prints EMF metrics, as in Lambda: useful with --verbose, noise otherwise.
  let tokenApi: { logger: Logger; metrics: Metrics } | undefined;
  if (!args.verbose) {
    process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
    tokenApi = {
      logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'WARN' }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    };
  }

  let app;
  try {
    app = await startServer({
      port: args.port,
      host: args.host,
      minting: args.minting,
      region: args.region,
      ...(signingKeyPem !== undefined ? { signingKeyPem } : {}),
      ...(webRoot !== undefined ? { webRoot } : {}),
      ...(https ? { https } : {}),
      logger: { level: args.verbose ? 'info' : 'warn' },
      ...(tokenApi ? { tokenApi } : {}),
    });
  } catch (err: unknown) {
    fail(err instanceof Error ? err.message : String(err));
  }
  closeOnSignals(app);

  const address = app.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : args.port;
  const scheme = https ? 'https' : 'http';
  const wildcard = args.host === '0.0.0.0' || args.host === '::';
  const hosts = wildcard ? ['localhost', ...lanAddresses()] : [args.host === '127.0.0.1' ? 'localhost' : args.host];
  const pages = webRoot !== undefined && existsSync(webRoot) ? readdirSync(webRoot).filter((f) => f.endsWith('.html')).sort() : [];
  const { defaultStageArn, config, media } = app.sandbox;

  const lines = [
    '',
    `IVS real-time sandbox (no AWS account; tokens minted by ${config.minting === 'api' ? 'CreateParticipantToken' : 'a self-signed key'})`,
    '',
    ...hosts.flatMap((h) => {
      const base = `${scheme}://${h}:${port}`;
      return pages.length > 0 ? pages.map((p) => `  ${base}/${p === 'index.html' ? '' : p}`) : [`  ${base}/  (no pages built: web/build.ts not found)`];
    }),
    '',
    `  stage        ${defaultStageArn}`,
    `  token API    ${scheme}://localhost:${port}/api/tokens  (no login: a dev identity stands in for Cognito)`,
    `  IVS API      aws ivs-realtime list-stages --endpoint-url ${scheme}://127.0.0.1:${port} --region ${config.region}`,
    `  media        ${media ? 'WHIP/WHEP on this port' : 'not available (local/src/media/plugin.ts missing)'}`,
    '',
    'Ctrl-C stops it.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

void main();
