/**
 * The token function's environment, read and checked once at load so a misconfigured deployment fails at its first
 * cold start with a message naming the variable, not deep inside a request.
 */
import { z } from 'zod';
import { MintingMode, ViewerAccess } from '../../contracts/token-api.js';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const TokenEnv = z
  .object({
    STAGE_ARN: z.string().trim().min(1, 'STAGE_ARN is required (the IVS stage ARN)'),
    TOKEN_MINTING: MintingMode.default('api'),
    VIEWER_ACCESS: ViewerAccess.default('public'),
    PUBLIC_KEY_ARN: optionalText,
    PRIVATE_KEY_SECRET_ID: optionalText,
    STAGE_WHIP_URL: optionalText.pipe(z.string().url().optional()),
    STAGE_EVENTS_URL: optionalText.pipe(z.string().url().optional()),
  })
  .superRefine((env, ctx) => {
    if (env.TOKEN_MINTING !== 'self-signed') return;
    for (const key of ['PUBLIC_KEY_ARN', 'PRIVATE_KEY_SECRET_ID'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when TOKEN_MINTING=self-signed` });
      }
    }
  });
export type TokenEnv = z.infer<typeof TokenEnv>;

class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parse the environment; throws EnvError listing every bad variable. */
export function readTokenEnv(env: Readonly<Record<string, string | undefined>>): TokenEnv {
  const parsed = TokenEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
  throw new EnvError(`token function environment is invalid:\n  ${problems.join('\n  ')}`);
}
