/**
 * The one contract of the token API: every request, response and error body.
 * lambda/ (the issuer), local/ (the sandbox) and web/ (the pages) import this module; there is no second copy.
 */
import { z as zClassic } from 'zod';
import * as z from './zod.js';

/** IVS limits that the API enforces before IVS does, so the caller gets a field-specific message. */
export const LIMITS = {
  /** Participant-token lifetime in minutes (IVS's unit). The seed README's "7200 seconds, 2 h max" is wrong: minutes, 14 days max. */
  durationMinutes: { min: 1, max: 20_160, default: 720 },
  userIdMaxLength: 128,
  /** Total size of all attribute keys and values, UTF-8 bytes. */
  attributesMaxBytes: 1024,
  disconnectReasonMaxLength: 128,
  /** Largest request body the API reads at all. */
  bodyMaxBytes: 8 * 1024,
} as const;

export const ROLES = ['publisher', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Capability = z.enum(['PUBLISH', 'SUBSCRIBE']);
export type Capability = z.infer<typeof Capability>;

export const MINTING_MODES = ['api', 'self-signed'] as const;
// Classic zod, because the server's config schemas call `.default()` on it; marked pure so page bundles drop it.
export const MintingMode = /* @__PURE__ */ zClassic.enum(MINTING_MODES);
export type MintingMode = z.infer<typeof MintingMode>;

export const VIEWER_ACCESS_MODES = ['public', 'signed-in'] as const;
// Classic zod (server config schemas call `.default()` on it); SiteConfig, which pages parse, has its own mini copy.
export const ViewerAccess = /* @__PURE__ */ zClassic.enum(VIEWER_ACCESS_MODES);
export type ViewerAccess = z.infer<typeof ViewerAccess>;

/** Values that look like bearer secrets (JWTs, AWS access keys, PEM blocks): attributes are visible to every participant. */
const SECRET_LIKE = [
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./, // a JWT
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, // an AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export function looksLikeSecret(value: string): boolean {
  return SECRET_LIKE.some((re) => re.test(value));
}

const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

export const UserId = z
  .string()
  .check(
    z.minLength(1, 'userId must not be empty'),
    z.maxLength(LIMITS.userIdMaxLength, `userId must be at most ${LIMITS.userIdMaxLength} characters`),
  );

export const Attributes = z.record(z.string(), z.string()).check(
  z.superRefine((attrs: Record<string, string>, ctx) => {
    let bytes = 0;
    for (const [key, value] of Object.entries(attrs)) {
      bytes += utf8Bytes(key) + utf8Bytes(value);
      if (looksLikeSecret(value) || looksLikeSecret(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `attribute "${key}" looks like a secret (token or key); attributes are visible to every participant`,
        });
      }
    }
    if (bytes > LIMITS.attributesMaxBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `attributes total ${bytes} bytes; the limit is ${LIMITS.attributesMaxBytes} bytes`,
      });
    }
  }),
);

export const DurationMinutes = z
  .number()
  .check(
    z.int('durationMinutes must be a whole number of minutes'),
    z.gte(LIMITS.durationMinutes.min, `durationMinutes must be at least ${LIMITS.durationMinutes.min}`),
    z.lte(LIMITS.durationMinutes.max, `durationMinutes must be at most ${LIMITS.durationMinutes.max} (14 days)`),
  );

/** POST /tokens */
export const CreateTokenRequest = z.strictObject({
  role: Role,
  userId: z.optional(UserId),
  attributes: z.optional(Attributes),
  durationMinutes: z.optional(DurationMinutes),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const CreateTokenResponse = z.object({
  token: z.string(),
  participantId: z.string(),
  userId: z.string(),
  capabilities: z.array(Capability),
  /** ISO-8601 instant. */
  expiresAt: z.string(),
  stageArn: z.string(),
  minting: z.enum(MINTING_MODES),
});
export type CreateTokenResponse = z.infer<typeof CreateTokenResponse>;

/** GET /stage */
export const StageSummary = z.object({
  name: z.string(),
  arn: z.string(),
  activeSessionId: z.nullable(z.string()),
  publishers: z.number().check(z.int(), z.nonnegative()),
  subscribers: z.number().check(z.int(), z.nonnegative()),
  /** ISO-8601 instant the counts were read from IVS. */
  updatedAt: z.string(),
  /** True when IVS throttled the read and these are the last known counts. */
  stale: z.boolean(),
});
export type StageSummary = z.infer<typeof StageSummary>;

/** DELETE /participants/{participantId} (optional JSON body) */
export const DisconnectRequest = z.strictObject({
  reason: z.optional(z.string().check(z.maxLength(LIMITS.disconnectReasonMaxLength))),
});
export type DisconnectRequest = z.infer<typeof DisconnectRequest>;
export const ParticipantId = z.string().check(z.regex(/^[a-zA-Z0-9-]{1,64}$/, 'participantId must be 1-64 letters, digits or dashes'));

export const DisconnectResponse = z.object({ participantId: z.string(), disconnected: z.literal(true) });
export type DisconnectResponse = z.infer<typeof DisconnectResponse>;

/** GET /time */
export const TimeResponse = z.object({ epochMs: z.number() });
export type TimeResponse = z.infer<typeof TimeResponse>;

export const ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'THROTTLED',
  'QUOTA_EXCEEDED',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    /** The request field at fault, dotted ("attributes.note"), when there is one. */
    field: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Paths the token API serves (API Gateway routes and the sandbox mount alike). */
export const API_ROUTES = {
  /** Viewer tokens (and publisher tokens when the request carries JWT claims); authorizer only if viewerAccess=signed-in. */
  createToken: { method: 'POST', path: '/tokens' },
  /** Same body and handler behind the JWT authorizer: how signed-in broadcasters get publisher tokens. */
  createTokenAuthenticated: { method: 'POST', path: '/auth/tokens' },
  stage: { method: 'GET', path: '/stage' },
  /** Behind the JWT authorizer; publishers group only. */
  disconnect: { method: 'DELETE', path: '/participants/{participantId}' },
  time: { method: 'GET', path: '/time' },
} as const;

/** Cognito group whose members may mint publisher tokens and moderate. */
export const PUBLISHERS_GROUP = 'publishers';

/**
 * The rule for a browser origin the token API accepts (the stack's `allowedOrigins`, the sandbox's `--allow-origin`):
 * exactly what an Origin header carries, scheme://host[:port], https (plain http only for localhost).
 * @returns what is wrong with `value`, or undefined when it is a valid origin.
 */
export function browserOriginProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; expected an origin like https://user.github.io`;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    return `"${value}" must use https (http is allowed only for localhost)`;
  }
  if (url.origin !== value) return `"${value}" is not a bare origin; use "${url.origin}" (no path, no trailing slash)`;
  return undefined;
}
