/**
 * Command-line flags of `npm run bench` and `npm run loadtest`, parsed into validated option objects. A bad flag is a
 * UsageError (the tools print the usage text and exit 2), never a half-started run.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './rate.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const BENCH_PARTS = ['latency', 'tokens', 'web', 'lambda'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Measures the sandbox and the app on this machine and writes bench/results/<date>.json, .md and .svg charts.

  --quick                 short windows and 0 and 2 extra subscribers (a smoke run; figures not representative)
  --only PARTS            comma list of ${BENCH_PARTS.join(', ')} (default: all)
  --subscribers LIST      extra non-decoding subscribers per latency phase (default 0,50,100,200; quick: 0,2)
  --window SECONDS        latency measurement window per phase (default 30; quick: 4)
  --out DIR               where results go (default bench/results)
  --name NAME             file name stem (default: the date, with -quick for quick runs)
  --render FILE.json      measure nothing: redraw the Markdown and charts of an earlier results file beside it
  -h, --help              this text
`;

export interface BenchArgs {
  readonly quick: boolean;
  readonly parts: readonly BenchPart[];
  readonly subscribers: readonly number[];
  readonly windowSeconds: number;
  readonly outDir: string;
  readonly name: string | null;
  /** Redraw Markdown and charts from this results JSON instead of measuring. */
  readonly render: string | null;
  readonly help: boolean;
}

const intList = (flag: string, text: string, max: number): number[] => {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs a comma list of whole numbers`);
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${flag}: "${s}" is not a whole number from 0 to ${max}`);
    return n;
  });
};

const positive = (flag: string, text: string, max: number): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`${flag}: "${text}" must be a number above 0 and at most ${max}`);
  return n;
};

function parse(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | (string | boolean)[] | undefined> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const v = parse(argv, {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    subscribers: { type: 'string' },
    window: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    render: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const quick = v['quick'] === true;
  let parts: BenchPart[] = [...BENCH_PARTS];
  const only = str(v['only']);
  if (only !== undefined) {
    const wanted = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = wanted.filter((p) => !(BENCH_PARTS as readonly string[]).includes(p));
    if (wanted.length === 0 || bad.length > 0) throw new UsageError(`--only: unknown part(s) ${bad.join(', ') || '(none given)'}; use ${BENCH_PARTS.join(', ')}`);
    parts = BENCH_PARTS.filter((p) => wanted.includes(p));
  }
  const subs = str(v['subscribers']);
  const win = str(v['window']);
  const name = str(v['name']);
  if (name !== undefined && !/^[A-Za-z0-9._-]{1,80}$/.test(name)) throw new UsageError('--name: letters, digits, dot, dash and underscore only');
  return {
    quick,
    parts,
    subscribers: subs !== undefined ? intList('--subscribers', subs, 2000) : quick ? [0, 2] : [0, 50, 100, 200],
    windowSeconds: win !== undefined ? positive('--window', win, 600) : quick ? 4 : 30,
    outDir: str(v['out']) ?? 'bench/results',
    name: name ?? null,
    render: str(v['render']) ?? null,
    help: v['help'] === true,
  };
}

export const LOAD_USAGE = `Usage: npm run loadtest -- --viewers N [options]

Ramps N lightweight subscribers (ICE, DTLS, SRTP, no decoding) onto one sandbox stage, or N token requests at a
deployed token API, and writes bench/results/loadtest-<time>.json and .md.

  --viewers N             how many subscribers (or token requests) (required, 1..20000)
  --ramp DURATION         spread the starts over this long, e.g. 60s, 2m, 500ms (default 60s)
  --hold DURATION         keep everyone connected this long after the ramp (default 20s; tokens: ignored)
  --target sandbox|URL    "sandbox" (default) starts a sandbox here; a URL is a deployed site or token API base:
                          the token flash crowd (POST <URL>/tokens, honouring 429 Retry-After);
                          "aws" joins subscribers to the real stage (--target aws --help for its flags)
  --hosts K               also print how to fan the same load out over K machines
  --fleet N               run on N ECS Fargate tasks instead (--target aws; --fleet 1 --help for its flags)
  --workers W             subscriber processes on this machine (default 2)
  --max-in-flight M       most joins still in progress at once (default 64)
  --bitrate KBPS          sandbox publisher's video bitrate (default 300)
  --fps F                 sandbox publisher's frame rate (default 30; fewer frames, fewer packets per subscriber)
  --out DIR               where results go (default bench/results)
  -h, --help              this text
`;

export interface LoadArgs {
  readonly viewers: number;
  readonly rampMs: number;
  readonly holdMs: number;
  readonly target: { readonly kind: 'sandbox' } | { readonly kind: 'url'; readonly url: string };
  readonly hosts: number | null;
  readonly workers: number;
  readonly maxInFlight: number;
  readonly bitrateKbps: number;
  readonly fps: number;
  readonly outDir: string;
  readonly help: boolean;
}

const HttpUrl = z.url({ protocol: /^https?$/ });

export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const v = parse(argv, {
    viewers: { type: 'string' },
    ramp: { type: 'string' },
    hold: { type: 'string' },
    target: { type: 'string' },
    hosts: { type: 'string' },
    workers: { type: 'string' },
    'max-in-flight': { type: 'string' },
    bitrate: { type: 'string' },
    fps: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const help = v['help'] === true;
  const viewersText = str(v['viewers']);
  if (viewersText === undefined && !help) throw new UsageError('--viewers N is required');
  const whole = (flag: string, text: string | undefined, min: number, max: number, dflt: number): number => {
    if (text === undefined) return dflt;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: "${text}" must be a whole number from ${min} to ${max}`);
    return n;
  };
  const duration = (flag: string, text: string | undefined, dflt: number): number => {
    if (text === undefined) return dflt;
    try {
      return parseDuration(text);
    } catch (error) {
      throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const targetText = str(v['target']) ?? 'sandbox';
  let target: LoadArgs['target'];
  if (targetText === 'sandbox') target = { kind: 'sandbox' };
  else {
    const parsed = HttpUrl.safeParse(targetText);
    if (!parsed.success) throw new UsageError(`--target: "${targetText}" is neither "sandbox" nor an http(s) URL`);
    target = { kind: 'url', url: parsed.data.replace(/\/+$/, '') };
  }
  const hostsText = str(v['hosts']);
  return {
    viewers: whole('--viewers', viewersText, 1, 20_000, 1),
    rampMs: duration('--ramp', str(v['ramp']), 60_000),
    holdMs: duration('--hold', str(v['hold']), 20_000),
    target,
    hosts: hostsText === undefined ? null : whole('--hosts', hostsText, 1, 1000, 1),
    workers: whole('--workers', str(v['workers']), 1, 16, 2),
    maxInFlight: whole('--max-in-flight', str(v['max-in-flight']), 1, 10_000, 64),
    bitrateKbps: whole('--bitrate', str(v['bitrate']), 50, 5000, 300),
    fps: whole('--fps', str(v['fps']), 1, 60, 30),
    outDir: str(v['out']) ?? 'bench/results',
    help,
  };
}

/**
 * Parses a tool's flags the way both tools answer a person: bad flags → message + usage on stderr and exit code 2,
 * `--help` → usage on stdout and exit code 0; otherwise the arguments.
 */
export function argsOrExitCode<T extends { readonly help: boolean }>(
  parse: (argv: readonly string[]) => T,
  usage: string,
  argv: readonly string[],
): { readonly args: T } | { readonly exitCode: number } {
  try {
    const args = parse(argv);
    if (!args.help) return { args };
    process.stdout.write(usage);
    return { exitCode: 0 };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}`);
    return { exitCode: 2 };
  }
}
