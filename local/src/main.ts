/**
 * `npm start`: builds the pages, starts the sandbox, prints where everything is, and closes cleanly on Ctrl-C.
 *
 *   npm start -- [--port 8080] [--host 127.0.0.1] [--minting api|self-signed] [--key signing-key.pem]
 *                [--region us-east-1] [--https-key key.pem --https-cert cert.pem] [--no-build | --web-root DIR]
 *                [--network SPEC] [--allow-origin URL ...] [--public-url URL] [--media-redirect] [--verbose]
 *
 * PORT in the environment sets the port too (the flag wins). --host 0.0.0.0 makes it reachable from phones on the LAN
 * (and the SFU offers the LAN addresses as ICE candidates); phones need HTTPS for the camera (--https-key/--https-cert).
 * Bad flags print the usage and exit 2. On SIGINT/SIGTERM it closes and exits 0 once nothing is left running; if
 * something still holds the process a few seconds after the close, it names what and exits 1.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/powertools.js';
import { type CliOptions, parseFlags } from './cli.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webBuildModule = join(repoRoot, 'web', 'build.ts');
const webOutDir = join(repoRoot, 'web', 'dist');
/** Pages listed first, in this order, when they exist; any other built page follows. */
const KNOWN_PAGES = ['index.html', 'broadcaster.html', 'viewer.html', 'tools.html', 'cost.html'];
/** After a clean close the event loop should be empty; this long after, whatever still holds it is a leak. */
const STRAY_HANDLE_GRACE_MS = 5000;

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(2);
}

function readArgs(): CliOptions {
  const flags = parseFlags(process.argv.slice(2), process.env);
  if (flags.kind === 'options') return flags.options;
  if (flags.kind === 'help') {
    process.stdout.write(flags.text);
    process.exit(0);
  }
  process.stderr.write(flags.text);
  process.exit(2);
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
  if (!existsSync(webBuildModule)) return existsSync(webOutDir) ? webOutDir : undefined;
  const specifier = '../../web/build.js';
  const mod: unknown = await import(specifier);
  const buildWeb = typeof mod === 'object' && mod !== null && 'buildWeb' in mod ? mod.buildWeb : undefined;
  if (typeof buildWeb !== 'function') fail('web/build.ts does not export buildWeb(options)');
  await (buildWeb as (options: { outdir: string; minify?: boolean }) => Promise<unknown>)({ outdir: webOutDir, minify: false });
  return webOutDir;
}

async function pagesRoot(args: CliOptions): Promise<string | undefined> {
  if (args.webRoot !== undefined) {
    return resolve(args.webRoot); // parseFlags checked that it exists
  }
  if (!args.build) return existsSync(webOutDir) ? webOutDir : undefined;
  try {
    return await buildPages();
  } catch (err: unknown) {
    fail(`building the pages failed (--no-build serves the last build): ${err instanceof Error ? err.message : String(err)}`);
  }
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => i !== undefined && i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'))
    .map((i) => i.address);
}

/** Built pages, the well-known ones first. */
function listPages(webRoot: string | undefined): string[] {
  if (webRoot === undefined || !existsSync(webRoot)) return [];
  const html = readdirSync(webRoot).filter((f) => f.endsWith('.html'));
  return [...KNOWN_PAGES.filter((p) => html.includes(p)), ...html.filter((p) => !KNOWN_PAGES.includes(p)).sort()];
}

interface BannerInput {
  readonly scheme: 'http' | 'https';
  readonly port: number;
  readonly host: string;
  readonly lanAddresses: readonly string[];
  readonly pages: readonly string[];
  readonly stageArn: string;
  readonly minting: 'api' | 'self-signed';
  readonly region: string;
  readonly media: boolean;
  readonly devBearer: string;
  readonly sigV4?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly allowedOrigins: readonly string[];
}

/** What `npm start` prints once it listens: where the pages are and how to get tokens (never a token itself). */
function banner(b: BannerInput): string {
  const wildcard = b.host === '0.0.0.0' || b.host === '::';
  const loopback = b.host === '127.0.0.1' || b.host === '::1' || b.host === 'localhost';
  const hosts = wildcard ? ['localhost', ...b.lanAddresses] : [loopback ? 'localhost' : b.host.includes(':') ? `[${b.host}]` : b.host];
  const local = `${b.scheme}://${loopback || wildcard ? 'localhost' : hosts[0]}:${b.port}`;
  const pageLines = hosts.flatMap((h) => {
    const base = `${b.scheme}://${h}:${b.port}`;
    if (b.pages.length === 0) return [`  ${base}/  (no pages built)`];
    return b.pages.map((p) => `  ${base}/${p === 'index.html' ? '' : p}`);
  });
  const lines = [
    '',
    `IVS real-time sandbox: no AWS account needed; tokens minted by ${b.minting === 'api' ? 'CreateParticipantToken' : 'a self-signed key'}`,
    '',
    'Pages:',
    ...pageLines,
    '',
    `  stage       ${b.stageArn}`,
    ...(b.sigV4
      ? [
          `  IVS API     AWS_ACCESS_KEY_ID=${b.sigV4.accessKeyId} AWS_SECRET_ACCESS_KEY=${b.sigV4.secretAccessKey} \\`,
          `              aws ivs-realtime list-stages --endpoint-url ${local} --region ${b.region}   (signatures verified)`,
        ]
      : [`  IVS API     aws ivs-realtime list-stages --endpoint-url ${local} --region ${b.region}   (any credentials)`]),
    `  media       ${b.media ? `WHIP ${local}/whip, WHEP ${local}/whep/<participantId>` : 'off'}`,
    `  CORS        media and events: any origin; token API: this origin${b.allowedOrigins.length > 0 ? `, ${b.allowedOrigins.join(', ')}` : ' only (--allow-origin URL adds one)'}`,
    '',
    `Tokens (no login: a dev identity stands in for Cognito; its bearer is ${b.devBearer === 'dev' ? '"dev" on loopback' : 'the secret below'}):`,
    `  viewer      npm run -s token -- --role viewer --api ${local}/api`,
    `  publisher   npm run -s token -- --role publisher --api ${local}/api --bearer ${b.devBearer}`,
    `  or          curl -s -X POST ${local}/api/tokens -H 'content-type: application/json' -d '{"role":"viewer"}'`,
    ...(wildcard && b.scheme === 'http'
      ? ['', 'Phones on the LAN: browsers allow the camera only on https:// (or localhost); start with --https-key/--https-cert.']
      : []),
    '',
    'Ctrl-C stops it.',
    '',
  ];
  return lines.join('\n');
}

/**
 * After the close: exit 0 when the event loop drains by itself (nothing left open). If something still holds it after
 * the grace period, name it and exit 1, so a leak shows instead of hiding behind process.exit.
 */
function finish(code: number): void {
  if (code !== 0) process.exit(code);
  process.exitCode = 0;
  const watchdog = setTimeout(() => {
    const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
    process.stderr.write(`sandbox: still running after close: ${left.join(', ') || 'unknown'}\n`);
    process.exit(1);
  }, STRAY_HANDLE_GRACE_MS);
  watchdog.unref();
}

async function main(): Promise<void> {
  const args = readArgs();
  // Loaded after the flags are read: usage errors and --help answer at once, without loading the SFU and the SDK.
  const { closeOnSignals, startServer } = await import('./server.js');
  // The SDK's advice to move to Node 22 is about AWS, not about this local tool.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const signingKeyPem = args.key === undefined ? undefined : readFileOrFail(args.key, '--key');
  const https =
    args.httpsKey !== undefined && args.httpsCert !== undefined
      ? { key: readFileOrFail(args.httpsKey, '--https-key'), cert: readFileOrFail(args.httpsCert, '--https-cert') }
      : undefined;
  const webRoot = await pagesRoot(args);

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
      mediaRedirect: args.mediaRedirect,
      allowedOrigins: args.allowOrigin,
      ...(signingKeyPem !== undefined ? { signingKeyPem } : {}),
      ...(webRoot !== undefined ? { webRoot } : {}),
      ...(https ? { https } : {}),
      ...(args.network !== undefined ? { network: args.network } : {}),
      logger: { level: args.verbose ? 'info' : 'warn' },
      ...(tokenApi ? { tokenApi } : {}),
      ...(args.publicUrl !== undefined ? { allowedHosts: [new URL(args.publicUrl).host] } : {}),
    });
  } catch (err: unknown) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code === 'EADDRINUSE') fail(`port ${args.port} on ${args.host} is in use: pick another with --port (or PORT)`);
    if (code === 'EADDRNOTAVAIL') fail(`--host ${args.host} is not an address of this machine`);
    fail(err instanceof Error ? err.message : String(err));
  }
  closeOnSignals(app, finish);

  const address = app.server.address();
  const { defaultStageArn, config, media } = app.sandbox;
  process.stdout.write(
    banner({
      scheme: https ? 'https' : 'http',
      port: address !== null && typeof address === 'object' ? address.port : args.port,
      host: args.host,
      lanAddresses: lanAddresses(),
      pages: listPages(webRoot),
      stageArn: defaultStageArn,
      minting: config.minting,
      region: config.region,
      media: media !== undefined,
      devBearer: config.devBearer,
      ...(config.sigV4Credentials ? { sigV4: config.sigV4Credentials } : {}),
      allowedOrigins: config.allowedOrigins,
    }),
  );
}

void main();
