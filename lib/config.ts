/**
 * CDK context -> typed, validated stack settings. The only place that reads context, so a typo in cdk.json or a bad
 * `-c key=value` fails synth with a message naming the key, instead of deploying something half-configured.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { MINTING_MODES, VIEWER_ACCESS_MODES } from '../contracts/token-api.js';
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

/** A browser origin exactly as the Origin header carries it: scheme://host[:port], no path, no trailing slash. */
const Origin = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL; expected an origin like https://user.github.io` });
    return;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" must use https (http is allowed only for localhost)` });
  } else if (url.origin !== value) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a bare origin; use "${url.origin}" (no path, no trailing slash)`,
    });
  }
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
  };
}
