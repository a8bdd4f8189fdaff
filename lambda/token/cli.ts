/**
 * `npm run token`: print one participant token, for scripts and the pages' paste-a-token flow.
 *
 * Three ways to mint, one per deployment situation:
 *   --api URL [--bearer JWT]                  ask a running token API (AWS or the sandbox's /api), as the pages do
 *   --self-signed KEY.pem --public-key-arn ARN --stage ARN
 *                                             sign locally with the private half of an imported IVS public key
 *   --stage ARN [--endpoint URL]              IVS CreateParticipantToken through the AWS SDK (credentials from the
 *                                             usual chain); --endpoint points it at the sandbox's emulator
 *
 * The token alone goes to stdout (so `TOKEN=$(npm run -s token -- ...)` works); details go to stderr and never
 * include the token. Bad flags print the usage and exit 2; a failed mint exits 1.
 */
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { z } from 'zod';
import { PUBLIC_KEY_ARN_PATTERN, STAGE_ARN_PATTERN } from '../../contracts/ids.js';
import { CreateTokenRequest, CreateTokenResponse, ErrorBody, LIMITS, type Role } from '../../contracts/token-api.js';
import { capabilitiesFor, generateViewerId, mapAwsError, parseRequest, randomId, type TokenPlan } from './core.js';
import { ApiError } from './errors.js';
import { createApiMinter, createEndpointResolver, createSelfSignedMinter, type Minter } from './minting.js';

export const USAGE = `Usage: npm run token -- --role publisher|viewer [--user ID] [--minutes N] [--attr KEY=VALUE ...] MODE [--json]

MODE is one of:
  --api URL [--bearer JWT]       POST to a token API: URL is its base, e.g. https://abc.execute-api.REGION.amazonaws.com
                                 or http://127.0.0.1:8080/api (sandbox). With --bearer (a Cognito ID token) the
                                 signed-in route /auth/tokens is used; publisher tokens need it.
  --self-signed KEY.pem --public-key-arn ARN --stage ARN [--whip-url URL --events-url URL]
                                 sign an ES384 token locally with the private key of an IVS public key (ImportPublicKey).
                                 Without --whip-url/--events-url the stage's endpoints are read once with GetStage.
  --stage ARN [--endpoint URL]   IVS CreateParticipantToken via the AWS SDK; --endpoint overrides the IVS endpoint
                                 (e.g. the sandbox emulator http://127.0.0.1:8080, dummy credentials are then fine).

Options:
  --role         publisher (PUBLISH+SUBSCRIBE) or viewer (SUBSCRIBE)      required
  --user         userId carried in the token                              default: viewer-XXXXXXXX (generated)
  --minutes      token lifetime in MINUTES (not seconds), ${LIMITS.durationMinutes.min}-${LIMITS.durationMinutes.max}         default: ${LIMITS.durationMinutes.default} (12 h)
  --attr         KEY=VALUE attribute, repeatable; visible to every participant (1 KB total, no secrets)
  --region       AWS region for SDK calls                                 default: from the stage ARN
  --json         print the whole response as JSON instead of the bare token
  -h, --help     this text

The token is printed on stdout, details on stderr. Exit codes: 0 ok, 1 minting failed, 2 bad flags.`;

export interface CliIo {
  /** Where the token (or --json response) goes. */
  readonly stdout: (text: string) => void;
  /** Where details, errors and the usage go. */
  readonly stderr: (text: string) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A flag problem: the usage is printed and the exit code is 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Minting went wrong after the flags were accepted: exit code 1. */
class MintError extends Error {
  override readonly name = 'MintError';
}

const OPTIONS = {
  role: { type: 'string' },
  user: { type: 'string' },
  minutes: { type: 'string' },
  attr: { type: 'string', multiple: true },
  api: { type: 'string' },
  bearer: { type: 'string' },
  'self-signed': { type: 'string' },
  'public-key-arn': { type: 'string' },
  stage: { type: 'string' },
  endpoint: { type: 'string' },
  'whip-url': { type: 'string' },
  'events-url': { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HttpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
const StageArn = z.string().regex(STAGE_ARN_PATTERN, 'must be an IVS stage ARN (arn:aws:ivs:REGION:ACCOUNT:stage/ID)');
const PublicKeyArn = z.string().regex(PUBLIC_KEY_ARN_PATTERN, 'must be an IVS public-key ARN (arn:aws:ivs:REGION:ACCOUNT:public-key/ID)');

type Mode =
  | { readonly kind: 'api'; readonly url: string; readonly bearer?: string }
  | {
      readonly kind: 'self-signed';
      readonly keyFile: string;
      readonly publicKeyArn: string;
      readonly stageArn: string;
      readonly whipUrl?: string;
      readonly eventsUrl?: string;
      readonly endpoint?: string;
      readonly region: string;
    }
  | { readonly kind: 'sdk'; readonly stageArn: string; readonly endpoint?: string; readonly region: string };

interface Parsed {
  readonly request: CreateTokenRequest;
  readonly mode: Mode;
  readonly json: boolean;
}

function check<T>(schema: z.core.$ZodType<T>, value: unknown, flag: string): T {
  const r = z.safeParse(schema, value);
  if (r.success) return r.data;
  throw new UsageError(`${flag} ${r.error.issues[0]?.message ?? 'is not valid'}`);
}

function regionOf(stageArn: string, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? stageArn.split(':')[3] ?? env['AWS_REGION'] ?? 'us-east-1';
}

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err: unknown) {
    // node:util's messages name the flag ("Unknown option '--rol'"), which is what a person needs.
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Flags → a validated request and one minting mode; every problem is a UsageError naming the flag. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Parsed | 'help' {
  const values = readFlags(argv);
  if (values.help === true) return 'help';
  if (values.role === undefined) throw new UsageError('--role is required (publisher or viewer)');

  // The API's own contract judges role, user, minutes and attributes, so the CLI and the API agree on every limit.
  const attributes: Record<string, string> = {};
  for (const pair of values.attr ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attr "${pair}" must be KEY=VALUE`);
    attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  let durationMinutes: number | undefined;
  if (values.minutes !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(values.minutes.trim())) throw new UsageError(`--minutes "${values.minutes}" is not a number of minutes`);
    durationMinutes = Number(values.minutes);
  }
  const candidate = {
    role: values.role,
    ...(values.user === undefined ? {} : { userId: values.user }),
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
    ...(durationMinutes === undefined ? {} : { durationMinutes }),
  };
  let request: CreateTokenRequest;
  try {
    request = parseRequest(CreateTokenRequest, candidate);
  } catch (err: unknown) {
    if (!(err instanceof ApiError)) throw err;
    const flag = { role: '--role', userId: '--user', durationMinutes: '--minutes' }[err.field ?? ''] ?? (err.field?.startsWith('attributes') ? '--attr' : '');
    throw new UsageError(`${flag ? `${flag}: ` : ''}${err.message}`);
  }

  const chosen = [values.api !== undefined && '--api', values['self-signed'] !== undefined && '--self-signed'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError('choose one of --api or --self-signed');
  const only = (allowed: readonly (keyof typeof OPTIONS)[], modeFlag: string): void => {
    const stray = (['bearer', 'public-key-arn', 'stage', 'endpoint', 'whip-url', 'events-url', 'region'] as const).filter(
      (k) => values[k] !== undefined && !allowed.includes(k),
    );
    if (stray.length > 0) throw new UsageError(`--${stray[0]} does not apply with ${modeFlag}`);
  };

  let mode: Mode;
  if (values.api !== undefined) {
    only(['bearer'], '--api');
    const url = check(HttpUrl, values.api, '--api').replace(/\/+$/, '');
    mode = { kind: 'api', url, ...(values.bearer === undefined ? {} : { bearer: check(z.string().min(1, 'must not be empty'), values.bearer, '--bearer') }) };
  } else if (values['self-signed'] !== undefined) {
    only(['public-key-arn', 'stage', 'endpoint', 'whip-url', 'events-url', 'region'], '--self-signed');
    if (values['public-key-arn'] === undefined) throw new UsageError('--self-signed needs --public-key-arn ARN (the kid IVS verifies with)');
    if (values.stage === undefined) throw new UsageError('--self-signed needs --stage ARN');
    const stageArn = check(StageArn, values.stage, '--stage');
    if ((values['whip-url'] === undefined) !== (values['events-url'] === undefined)) {
      throw new UsageError('give both --whip-url and --events-url, or neither (then GetStage supplies them)');
    }
    mode = {
      kind: 'self-signed',
      keyFile: check(z.string().min(1, 'needs a PEM file path'), values['self-signed'], '--self-signed'),
      publicKeyArn: check(PublicKeyArn, values['public-key-arn'], '--public-key-arn'),
      stageArn,
      ...(values['whip-url'] === undefined ? {} : { whipUrl: check(z.string().url(), values['whip-url'], '--whip-url') }),
      ...(values['events-url'] === undefined ? {} : { eventsUrl: check(z.string().url(), values['events-url'], '--events-url') }),
      ...(values.endpoint === undefined ? {} : { endpoint: check(HttpUrl, values.endpoint, '--endpoint') }),
      region: regionOf(stageArn, values.region, env),
    };
  } else if (values.stage !== undefined) {
    only(['stage', 'endpoint', 'region'], '--stage');
    const stageArn = check(StageArn, values.stage, '--stage');
    mode = {
      kind: 'sdk',
      stageArn,
      ...(values.endpoint === undefined ? {} : { endpoint: check(HttpUrl, values.endpoint, '--endpoint') }),
      region: regionOf(stageArn, values.region, env),
    };
  } else {
    throw new UsageError('choose how to mint: --api URL, --self-signed KEY.pem ..., or --stage ARN');
  }
  return { request, mode, json: values.json === true };
}

// ---------------------------------------------------------------------------------------------------------------
// Minting

/** The CLI is run by an operator, not a caller of the API: the plan is the request with the API's defaults. */
function planOf(request: CreateTokenRequest): TokenPlan {
  const role: Role = request.role;
  return {
    role,
    userId: request.userId ?? (role === 'viewer' ? generateViewerId() : `publisher-${randomId(8)}`),
    capabilities: capabilitiesFor(role),
    attributes: request.attributes ?? {},
    durationMinutes: request.durationMinutes ?? LIMITS.durationMinutes.default,
  };
}

function sdkClient(endpoint: string | undefined, region: string, env: Readonly<Record<string, string | undefined>>): IVSRealTimeClient {
  // The emulator wants a SigV4-shaped request but never checks it: spare people configuring credentials for it.
  const dummy = endpoint !== undefined && env['AWS_ACCESS_KEY_ID'] === undefined && env['AWS_PROFILE'] === undefined;
  return new IVSRealTimeClient({
    region,
    maxAttempts: 2,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(dummy ? { credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-dummy-secret' } } : {}),
  });
}

async function mintWith(minter: Minter, request: CreateTokenRequest, stageArn: string): Promise<CreateTokenResponse> {
  let minted;
  try {
    minted = await minter.mint(planOf(request));
  } catch (err: unknown) {
    const mapped = mapAwsError(err);
    if (mapped.code !== 'INTERNAL') throw new MintError(`${mapped.status} ${mapped.code}: ${mapped.message}`);
    // A 5xx ApiError is deliberately generic for API callers; the operator at a terminal needs the cause.
    const cause = mapped.cause ?? err;
    if (cause instanceof MintError) throw cause;
    throw new MintError(cause instanceof Error ? `${cause.name}: ${cause.message}` : mapped.message);
  }
  return {
    token: minted.token,
    participantId: minted.participantId,
    userId: minted.userId,
    capabilities: minted.capabilities,
    expiresAt: minted.expiresAt.toISOString(),
    stageArn,
    minting: minter.mode,
  };
}

async function mintViaApi(mode: Extract<Mode, { kind: 'api' }>, request: CreateTokenRequest, io: CliIo): Promise<CreateTokenResponse> {
  const doFetch = io.fetch ?? globalThis.fetch;
  const url = `${mode.url}${mode.bearer === undefined ? '/tokens' : '/auth/tokens'}`;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(mode.bearer === undefined ? {} : { authorization: `Bearer ${mode.bearer}` }),
      },
      body: JSON.stringify(request),
    });
  } catch (err: unknown) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    throw new MintError(`could not reach ${url}${cause}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new MintError(`${url} answered ${res.status} with a body that is not JSON: is --api the token API's base URL?`);
  }
  if (!res.ok) {
    const error = ErrorBody.safeParse(body);
    if (!error.success) throw new MintError(`${url} answered ${res.status} without an error body`);
    const { code, message, field } = error.data.error;
    const retry = res.headers.get('retry-after');
    throw new MintError(`${res.status} ${code}${field ? ` (${field})` : ''}: ${message}${retry ? `; retry after ${retry} s` : ''}`);
  }
  const parsed = CreateTokenResponse.safeParse(body);
  if (!parsed.success) throw new MintError(`${url} answered ${res.status} but not with a token response: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

async function mint(parsed: Parsed, io: CliIo): Promise<CreateTokenResponse> {
  const { mode, request } = parsed;
  const env = io.env ?? process.env;
  const now = io.now ?? Date.now;
  switch (mode.kind) {
    case 'api':
      return mintViaApi(mode, request, io);
    case 'sdk': {
      const ivs = sdkClient(mode.endpoint, mode.region, env);
      try {
        return await mintWith(createApiMinter(ivs, mode.stageArn, now), request, mode.stageArn);
      } finally {
        ivs.destroy();
      }
    }
    case 'self-signed': {
      const ivs = sdkClient(mode.endpoint, mode.region, env);
      try {
        const minter = createSelfSignedMinter({
          stageArn: mode.stageArn,
          publicKeyArn: mode.publicKeyArn,
          loadPrivateKeyPem: async () => {
            try {
              return await readFile(mode.keyFile, 'utf8');
            } catch (err: unknown) {
              const code = (err as { code?: unknown }).code;
              throw new MintError(`cannot read --self-signed ${mode.keyFile}${typeof code === 'string' ? ` (${code})` : ''}`);
            }
          },
          endpoints: createEndpointResolver(ivs, mode.stageArn, { whipUrl: mode.whipUrl, eventsUrl: mode.eventsUrl }),
          now,
        });
        return await mintWith(minter, request, mode.stageArn);
      } finally {
        ivs.destroy();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry

/** Runs the CLI; resolves to the exit code (never throws, never exits the process). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parseCli(argv, io.env ?? process.env);
  } catch (err: unknown) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`token: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let response: CreateTokenResponse;
  try {
    // Whatever the source, the answer must be the contract's response before anyone relies on it.
    response = CreateTokenResponse.parse(await mint(parsed, io));
  } catch (err: unknown) {
    // Error texts here are built by this module or taken from SDK/API error messages; none carries a token.
    const message = err instanceof MintError || err instanceof ApiError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.stderr(`token: ${message}\n`);
    return 1;
  }
  const { token, ...details } = response;
  io.stderr(
    `token: ${details.capabilities.join('+')} token for userId "${details.userId}" (participant ${details.participantId}), ` +
      `minted by ${details.minting}, expires ${details.expiresAt}, stage ${details.stageArn}\n`,
  );
  io.stdout(parsed.json ? `${JSON.stringify(response)}\n` : `${token}\n`);
  return 0;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  void main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
