/** Flags of `npm run loadtest -- --target aws --fleet N --viewers-per-task K …` (the fleet mode of the load test). */
import { UsageError } from '../lib/cli.js';
import { parseDuration } from '../lib/rate.js';
import { parseArgs } from 'node:util';

export const FLEET_USAGE = `Usage: npm run loadtest -- --target aws --fleet N --viewers-per-task K --publisher ID [options]

Runs the load test as N ECS Fargate tasks of the IvsLoadFleet stack (npx cdk deploy IvsLoadFleet first), each joining
K subscribe-only viewers to the stage; prints the cost first and starts only with --yes. See docs/load-testing.md.

  --fleet N               tasks to start (1..1000; RunTask starts them 10 at a time)
  --viewers-per-task K    subscribers per task (1..5000; docs/load-testing.md says how many a task holds)
  --publisher ID          participant id of the publisher to subscribe to
  --stage ARN             the stage (default: the StageArn output of --app-stack)
  --app-stack NAME        stack whose StageArn output names the stage (default IvsTestEnv)
  --fleet-stack NAME      the fleet stack (default IvsLoadFleet)
  --region REGION         AWS region (default: the SDK's usual chain, AWS_REGION / profile)
  --ramp DURATION         each task spreads its joins over this long (default 60s)
  --hold DURATION         everyone stays this long after the ramp (default 60s)
  --join-timeout DURATION a viewer without media by then counts as failed (default 30s)
  --max-in-flight M       joins in progress at once per task (default 32)
  --poll DURATION         how often progress is read (default 10s)
  --audio                 subscribe to audio too
  --yes                   agree to the printed cost and start
  --out DIR               where results go (default bench/results)
  -h, --help              this text
`;

export interface FleetArgs {
  readonly tasks: number;
  readonly viewersPerTask: number;
  readonly publisher: string;
  readonly stage: string | null;
  readonly appStack: string;
  readonly fleetStack: string;
  readonly region: string | null;
  readonly rampMs: number;
  readonly holdMs: number;
  readonly joinTimeoutMs: number;
  readonly maxInFlight: number;
  readonly pollMs: number;
  readonly audio: boolean;
  readonly yes: boolean;
  readonly outDir: string;
  readonly help: boolean;
}

/** True when the argv asks for the fleet mode (bench/loadtest.ts hands it over here). */
export function isFleetRun(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--fleet' || a.startsWith('--fleet='));
}

export function parseFleetArgs(argv: readonly string[]): FleetArgs {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        fleet: { type: 'string' },
        'viewers-per-task': { type: 'string' },
        publisher: { type: 'string' },
        stage: { type: 'string' },
        'app-stack': { type: 'string' },
        'fleet-stack': { type: 'string' },
        region: { type: 'string' },
        ramp: { type: 'string' },
        hold: { type: 'string' },
        'join-timeout': { type: 'string' },
        'max-in-flight': { type: 'string' },
        poll: { type: 'string' },
        audio: { type: 'boolean' },
        yes: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const help = v['help'] === true;
  const s = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const whole = (flag: string, min: number, max: number, dflt: number | null): number => {
    const text = s(flag);
    if (text === undefined) {
      if (dflt === null && !help) throw new UsageError(`--${flag} is required`);
      return dflt ?? min;
    }
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag}: "${text}" must be a whole number from ${min} to ${max}`);
    return n;
  };
  const duration = (flag: string, dflt: number): number => {
    const text = s(flag);
    if (text === undefined) return dflt;
    try {
      return parseDuration(text);
    } catch (error) {
      throw new UsageError(`--${flag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (!help && s('target') !== 'aws') throw new UsageError('--fleet runs on AWS: give --target aws');
  const publisher = s('publisher');
  if (!help && (publisher === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(publisher))) {
    throw new UsageError('--publisher ID is required: the participant id of the publisher the viewers subscribe to');
  }
  const stage = s('stage') ?? null;
  if (stage !== null && !/^arn:aws[a-z-]*:ivs:[a-z0-9-]+:\d{12}:stage\/[A-Za-z0-9]+$/.test(stage)) {
    throw new UsageError(`--stage: "${stage}" is not an IVS stage ARN (arn:aws:ivs:<region>:<account>:stage/<id>)`);
  }
  return {
    tasks: whole('fleet', 1, 1000, null),
    viewersPerTask: whole('viewers-per-task', 1, 5000, null),
    publisher: publisher ?? '',
    stage,
    appStack: s('app-stack') ?? 'IvsTestEnv',
    fleetStack: s('fleet-stack') ?? 'IvsLoadFleet',
    region: s('region') ?? null,
    rampMs: duration('ramp', 60_000),
    holdMs: duration('hold', 60_000),
    joinTimeoutMs: duration('join-timeout', 30_000),
    maxInFlight: whole('max-in-flight', 1, 1000, 32),
    pollMs: duration('poll', 10_000),
    audio: v['audio'] === true,
    yes: v['yes'] === true,
    outDir: s('out') ?? 'bench/results',
    help,
  };
}
