/**
 * CDK context -> typed, validated stack settings. The only place that reads context, so a typo in cdk.json or a bad
 * `-c key=value` fails synth with a message naming the key, instead of deploying something half-configured.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { MINTING_MODES, VIEWER_ACCESS_MODES, browserOriginProblem } from '../contracts/token-api.js';
import type { MintingMode, ViewerAccess } from '../contracts/token-api.js';

/** Every context key the app reads, with its default (the values shipped in cdk.json). */
export const CONTEXT_DEFAULTS = {
  stageName: 'ivs-test-stage',
  allowedOrigins: [] as string[],
  viewerAccess: 'public' as ViewerAccess,
  tokenMinting: 'api' as MintingMode,
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  tokensPerMinuteAlarmThreshold: 3000,
  logRetentionDays: 14,
  fleetTaskCpu: 1024,
  fleetTaskMemory: 2048,
  /** Empty: the alarms notify nobody. */
  alarmEmail: '',
  /** 0: no budget. */
  monthlyBudgetUsd: 0,
} as const;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS: readonly number[] = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

/** Settings the stack is built from. */
export interface EnvironmentSettings {
  /** Display name of the IVS stage (IVS names need not be unique). */
  readonly stageName: string;
  /** Extra browser origins the token API accepts (e.g. a GitHub Pages origin), besides the CloudFront site. */
  readonly allowedOrigins: readonly string[];
  /** `public`: anyone can get a viewer token (throttled); `signed-in`: viewers sign in too. */
  readonly viewerAccess: ViewerAccess;
  /** `api`: IVS CreateParticipantToken; `self-signed`: ES384 tokens signed with a key pair made at deploy time. */
  readonly tokenMinting: MintingMode;
  /** Steady-state requests per second for the whole token API stage. */
  readonly throttleRateLimit: number;
  /** Burst size for the token API stage. */
  readonly throttleBurstLimit: number;
  /** Tokens issued per minute above which the abuse alarm fires. */
  readonly tokensPerMinuteAlarmThreshold: number;
  /** Retention of every log group in the stack. */
  readonly logRetention: RetentionDays;
  /** Where alarm notifications (an SNS e-mail subscription) and budget notices go; undefined: nowhere. */
  readonly alarmEmail?: string;
  /** Monthly cost budget in USD with notices at 80 % and 100 %; undefined: no budget. */
  readonly monthlyBudgetUsd?: number;
  /** Size of one load-fleet task (the opt-in `IvsLoadFleet` stack): Fargate CPU units and memory in MiB. */
  readonly fleetTask: { readonly cpu: number; readonly memoryMiB: number };
}

/**
 * The CPU/memory pairs Fargate accepts (Linux; ARM64 takes the same): memory in MiB from min to max by step, per CPU
 * value (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 */
const FARGATE_SIZES: Readonly<Record<number, { readonly min: number; readonly max: number; readonly step: number }>> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** 256 CPU units (0.25 vCPU) is the one size whose memory is a list (512, 1024, 2048 MiB), not a stepped range. */
function fargateMemoryOk(cpu: number, memory: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (!size) return false;
  if (cpu === 256) return [512, 1024, 2048].includes(memory);
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

const LIST_HINT = 'expected a list of origins: a JSON array ["https://a.example"] or "https://a.example,https://b.example"';

/** `-c key=value` always arrives as a string: accept JSON arrays and comma-separated lists alike. */
const OriginList = z.unknown().transform((value, ctx): unknown[] => {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value !== 'string') {
    ctx.addIssue({ code: 'custom', message: LIST_HINT });
    return z.NEVER;
  }
  const trimmed = value.trim();
  if (!trimmed.startsWith('[')) return trimmed.split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed as unknown[];
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `not valid JSON; ${LIST_HINT}` });
  return z.NEVER;
});

/** A browser origin exactly as the Origin header carries it (the rule lives with the contract: the sandbox shares it). */
const Origin = z.string().superRefine((value, ctx) => {
  const problem = browserOriginProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const positiveNumber = (max: number) =>
  z.coerce.number({ error: 'must be a number' }).finite().positive('must be greater than 0').max(max, `must be at most ${max}`);

const ContextSchema = z
  .object({
    stageName: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, "-" or "_" (IVS stage name rules)'),
    allowedOrigins: OriginList.pipe(z.array(Origin).max(10, 'at most 10 extra origins')),
    viewerAccess: z.enum(VIEWER_ACCESS_MODES, { error: `must be one of: ${VIEWER_ACCESS_MODES.join(', ')}` }),
    tokenMinting: z.enum(MINTING_MODES, { error: `must be one of: ${MINTING_MODES.join(', ')}` }),
    throttleRateLimit: positiveNumber(10_000),
    throttleBurstLimit: positiveNumber(5_000).pipe(z.number().int('must be a whole number')),
    tokensPerMinuteAlarmThreshold: positiveNumber(1_000_000),
    logRetentionDays: z.coerce
      .number({ error: 'must be a number' })
      .refine((d) => RETENTION_DAYS.includes(d), `must be one of CloudWatch's retention periods: ${RETENTION_DAYS.join(', ')}`),
    fleetTaskCpu: z.coerce
      .number({ error: 'must be a number' })
      .refine((c) => c in FARGATE_SIZES, `must be one of Fargate's CPU units: ${Object.keys(FARGATE_SIZES).join(', ')} (1024 = 1 vCPU)`),
    fleetTaskMemory: z.coerce.number({ error: 'must be a number' }).int('must be a whole number of MiB'),
    alarmEmail: z.union([z.literal(''), z.email('must be an e-mail address, e.g. you@example.com (or empty for none)')]),
    monthlyBudgetUsd: z.coerce
      .number({ error: 'must be a number' })
      .finite()
      .nonnegative('must be 0 (no budget) or more')
      .max(1_000_000, 'must be at most 1000000'),
  })
  .superRefine((c, ctx) => {
    if (c.fleetTaskCpu in FARGATE_SIZES && !fargateMemoryOk(c.fleetTaskCpu, c.fleetTaskMemory)) {
      const size = FARGATE_SIZES[c.fleetTaskCpu] as { min: number; max: number; step: number };
      const allowed = c.fleetTaskCpu === 256 ? '512, 1024 or 2048' : `${size.min} to ${size.max} in steps of ${size.step}`;
      ctx.addIssue({
        code: 'custom',
        path: ['fleetTaskMemory'],
        message: `${c.fleetTaskMemory} MiB does not go with fleetTaskCpu ${c.fleetTaskCpu} on Fargate; use ${allowed}`,
      });
    }
    if (c.monthlyBudgetUsd > 0 && c.alarmEmail === '') {
      ctx.addIssue({ code: 'custom', path: ['monthlyBudgetUsd'], message: 'needs alarmEmail too: the budget notices are e-mailed there' });
    }
  });

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/**
 * Validates raw context values (absent keys take CONTEXT_DEFAULTS).
 * @param read returns the raw context value of a key, or undefined when unset (e.g. `app.node.tryGetContext`).
 * @throws ContextError listing every bad key and how to fix it.
 */
export function settingsFromContext(read: (key: ContextKey) => unknown): EnvironmentSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(CONTEXT_DEFAULTS) as ContextKey[]) {
    raw[key] = read(key) ?? CONTEXT_DEFAULTS[key];
  }
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const [key, ...rest] = issue.path;
      const where = rest.length > 0 ? `${String(key)}[${rest.map(String).join('.')}]` : String(key);
      return `  - context "${where}": ${issue.message}`;
    });
    throw new ContextError(
      `Invalid CDK context:\n${lines.join('\n')}\nFix it in cdk.json ("context") or pass -c key=value to cdk.`,
    );
  }
  const c = parsed.data;
  return {
    stageName: c.stageName,
    allowedOrigins: [...new Set(c.allowedOrigins)],
    viewerAccess: c.viewerAccess,
    tokenMinting: c.tokenMinting,
    throttleRateLimit: c.throttleRateLimit,
    throttleBurstLimit: c.throttleBurstLimit,
    tokensPerMinuteAlarmThreshold: c.tokensPerMinuteAlarmThreshold,
    logRetention: c.logRetentionDays as RetentionDays,
    fleetTask: { cpu: c.fleetTaskCpu, memoryMiB: c.fleetTaskMemory },
    ...(c.alarmEmail !== '' ? { alarmEmail: c.alarmEmail } : {}),
    ...(c.monthlyBudgetUsd > 0 ? { monthlyBudgetUsd: c.monthlyBudgetUsd } : {}),
  };
}
