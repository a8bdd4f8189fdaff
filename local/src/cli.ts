/**
 * `npm start`'s flags: argv and the environment in, options or a usage error out. Pure (besides checking that
 * --web-root exists), so tests parse flags in-process; main.ts prints the result and exits.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MintingMode } from '../../contracts/token-api.js';
import { DEFAULT_REGION, SandboxOptions } from './config.js';
import { parseNetworkSpec } from './media/network.js';

const USAGE = `usage: npm start -- [options]
  --port N                 port to listen on (default: $PORT or 8080; 0 = any free port)
  --host ADDR              address to listen on (default 127.0.0.1; 0.0.0.0 = reachable from the LAN: the IVS API
                           then verifies SigV4 and the dev identity needs a secret, both printed at start)
  --public-url URL         a URL the sandbox is reached at (a tunnel, a DNS name): its host is accepted in Host
  --minting api|self-signed  how the token API mints: CreateParticipantToken (default) or a self-signed key
  --key FILE               PEM P-384 private key that signs the emulator's tokens (default: a new key per start)
  --region REGION          region in ARNs (default us-east-1)
  --https-key FILE --https-cert FILE   serve HTTPS/WSS (phones need a secure origin for the camera)
  --no-build               serve web/dist as it is, without rebuilding the pages
  --web-root DIR           serve the pages in DIR (implies --no-build)
  --network SPEC           simulated links, e.g. "viewer:loss=5,delay=80;publisher:cap=800"
                           (who: publisher, viewer, all or a userId; keys loss %, delay ms, jitter ms,
                           cap kbit/s|none, queue ms; up./down. for one direction; change live with
                           PUT /sandbox/participants/{id}/network)
  --allow-origin URL       also let pages from URL (an origin: https://you.github.io) call the token API; repeatable.
                           Media and events accept every origin (the token is the credential).
  --media-redirect         answer every media POST with 307 to a second URL first (tests clients' redirects)
  --verbose                request logs and the token API's logs and metrics
  -h, --help               this text
`;

const Cli = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  minting: MintingMode,
  key: z.string().optional(),
  region: SandboxOptions.shape.region,
  httpsKey: z.string().optional(),
  httpsCert: z.string().optional(),
  verbose: z.boolean(),
  mediaRedirect: z.boolean(),
  build: z.boolean(),
  webRoot: z.string().min(1).optional(),
  network: z.string().min(1).optional(),
  publicUrl: z.url().optional(),
  allowOrigin: SandboxOptions.shape.allowedOrigins,
});

export type CliOptions = z.infer<typeof Cli>;

/** What the flags ask for: run with these options, print the usage (exit 0), or a usage error (exit 2). */
export type ParsedFlags =
  | { readonly kind: 'options'; readonly options: CliOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string };

function usageError(message: string, usage = false): ParsedFlags {
  return { kind: 'error', text: `sandbox: ${message}\n${usage ? `\n${USAGE}` : ''}` };
}

export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        minting: { type: 'string' },
        key: { type: 'string' },
        region: { type: 'string' },
        'https-key': { type: 'string' },
        'https-cert': { type: 'string' },
        verbose: { type: 'boolean' },
        'media-redirect': { type: 'boolean' },
        'no-build': { type: 'boolean' },
        'web-root': { type: 'string' },
        network: { type: 'string' },
        'public-url': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err: unknown) {
    return usageError(err instanceof Error ? err.message : String(err), true);
  }
  if (values.help) return { kind: 'help', text: USAGE };
  const envPort = env['PORT'];
  const parsed = Cli.safeParse({
    port: values.port ?? (envPort !== undefined && envPort.trim() !== '' ? envPort : 8080),
    host: values.host ?? '127.0.0.1',
    minting: values.minting ?? 'api',
    key: values.key,
    region: values.region ?? DEFAULT_REGION,
    httpsKey: values['https-key'],
    httpsCert: values['https-cert'],
    verbose: values.verbose ?? false,
    mediaRedirect: values['media-redirect'] ?? false,
    build: !(values['no-build'] ?? false) && values['web-root'] === undefined,
    webRoot: values['web-root'],
    network: values.network,
    publicUrl: values['public-url'],
    allowOrigin: values['allow-origin'] ?? [],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return usageError(`--${flag}: ${issue?.message ?? 'invalid'}`, true);
  }
  if ((parsed.data.httpsKey === undefined) !== (parsed.data.httpsCert === undefined)) return usageError('--https-key and --https-cert go together', true);
  if (parsed.data.network !== undefined) {
    try {
      parseNetworkSpec(parsed.data.network);
    } catch (err: unknown) {
      return usageError(`--network: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (parsed.data.webRoot !== undefined && !existsSync(resolve(parsed.data.webRoot))) {
    return usageError(`--web-root: ${resolve(parsed.data.webRoot)} does not exist`);
  }
  return { kind: 'options', options: parsed.data };
}

