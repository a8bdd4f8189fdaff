/**
 * The token API's pure core: who may mint what, request defaults, validation messages, claims and AWS error mapping.
 * No I/O here (randomness aside), so every rule is unit-tested without events or SDK clients.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LIMITS, PUBLISHERS_GROUP, type Capability, type CreateTokenRequest, type Role, type ViewerAccess } from '../../contracts/token-api.js';
import { ApiError } from './errors.js';
import { buildIvsTokenClaims, type IvsTokenClaims } from '../../contracts/ivs-token.js';

/** publisher = PUBLISH + SUBSCRIBE (a host also watches the others); viewer = SUBSCRIBE. */
export function capabilitiesFor(role: Role): Capability[] {
  return role === 'publisher' ? ['PUBLISH', 'SUBSCRIBE'] : ['SUBSCRIBE'];
}

// ---------------------------------------------------------------------------------------------------------------
// Caller identity (from the API Gateway JWT authorizer)

/** Who is asking. `authenticated` is true only when API Gateway's JWT authorizer verified a token. */
export interface Caller {
  readonly authenticated: boolean;
  /** The token's `sub`: the stable user id. */
  readonly subject?: string;
  /** Cognito username (`cognito:username` in ID tokens, `username` in access tokens). */
  readonly username?: string;
  readonly groups: readonly string[];
}

export const ANONYMOUS: Caller = Object.freeze({ authenticated: false, groups: Object.freeze([]) });

/**
 * Cognito groups as API Gateway hands them over. The HTTP API JWT authorizer flattens arrays into a string like
 * "[publishers other]"; a Lambda authorizer or the sandbox may pass a real array or a JSON array string.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (typeof value !== 'string') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parseGroups(parsed);
    } catch {
      // Not JSON: API Gateway's "[a b]" form, handled below.
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter((g) => g.length > 0);
}

const ClaimValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]);
const JwtClaims = z.record(z.string(), ClaimValue.optional());

/** Caller from `requestContext.authorizer.jwt.claims`; anything missing or malformed means anonymous. */
export function callerFromClaims(claims: unknown): Caller {
  const parsed = JwtClaims.safeParse(claims);
  if (!parsed.success) return ANONYMOUS;
  const c = parsed.data;
  const subject = typeof c['sub'] === 'string' && c['sub'].length > 0 ? c['sub'] : undefined;
  // A verified token always has a subject; without one we cannot tie the caller to a user, so treat as anonymous.
  if (subject === undefined) return ANONYMOUS;
  const usernameClaim = c['cognito:username'] ?? c['username'];
  return {
    authenticated: true,
    subject,
    ...(typeof usernameClaim === 'string' && usernameClaim.length > 0 ? { username: usernameClaim } : {}),
    groups: parseGroups(c['cognito:groups']),
  };
}

export function isPublisher(caller: Caller): boolean {
  return caller.authenticated && caller.groups.includes(PUBLISHERS_GROUP);
}

/** Ids the caller may mint for: its subject and its username (people type the latter). */
function ownIds(caller: Caller): string[] {
  return [caller.subject, caller.username].filter((id): id is string => id !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Token plan: the authorised, defaulted request

export interface TokenPlan {
  readonly role: Role;
  readonly userId: string;
  readonly capabilities: Capability[];
  readonly attributes: Record<string, string>;
  readonly durationMinutes: number;
}

export interface PlanInput {
  readonly request: CreateTokenRequest;
  readonly caller: Caller;
  readonly viewerAccess: ViewerAccess;
  /** Id for an anonymous caller who named none. */
  readonly generateUserId?: () => string;
}

/**
 * Authorise a validated request and fill in defaults. Throws ApiError (401/403) for a caller who may not have it.
 * Anonymous viewers (viewerAccess=public) name their own userId: it is a display label then, not an identity.
 */
export function planToken(input: PlanInput): TokenPlan {
  const { request, caller } = input;
  if (request.role === 'publisher') {
    if (!caller.authenticated) throw ApiError.unauthorized('publisher tokens need a signed-in caller: sign in first');
    if (!isPublisher(caller)) {
      throw ApiError.forbidden(`publisher tokens need membership of the "${PUBLISHERS_GROUP}" group`, 'role');
    }
  } else if (input.viewerAccess === 'signed-in' && !caller.authenticated) {
    throw ApiError.unauthorized('viewer tokens need a signed-in caller on this deployment: sign in first');
  }

  let userId: string;
  if (caller.authenticated) {
    const own = ownIds(caller);
    if (request.userId !== undefined && !own.includes(request.userId)) {
      throw ApiError.forbidden('you may only mint tokens for your own userId', 'userId');
    }
    // `subject` is always set for an authenticated caller (callerFromClaims guarantees it).
    userId = request.userId ?? caller.subject ?? generateViewerId();
  } else {
    userId = request.userId ?? (input.generateUserId ?? generateViewerId)();
  }

  return {
    role: request.role,
    userId,
    capabilities: capabilitiesFor(request.role),
    attributes: request.attributes ?? {},
    durationMinutes: request.durationMinutes ?? LIMITS.durationMinutes.default,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ids

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 id; IVS participant ids look like this (12 characters). */
export function randomId(length = 12): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps the distribution uniform (248 = 4 * 62).
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 248) out += ID_ALPHABET[b % 62];
  }
  return out.length === length ? out : out + randomId(length - out.length);
}

export function generateViewerId(): string {
  return `viewer-${randomId(8)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Claims (self-signed minting)

export interface ClaimsConfig {
  readonly stageArn: string;
  readonly whipUrl: string;
  readonly eventsUrl: string;
}

export function claimsFor(plan: TokenPlan, config: ClaimsConfig, participantId: string, nowMs: number): IvsTokenClaims {
  return buildIvsTokenClaims({
    stageArn: config.stageArn,
    whipUrl: config.whipUrl,
    eventsUrl: config.eventsUrl,
    capabilities: plan.capabilities,
    userId: plan.userId,
    attributes: plan.attributes,
    durationMinutes: plan.durationMinutes,
    participantId,
    nowMs,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Validation messages

/**
 * Parse `value` with `schema`; on failure throw a 400 naming the first field at fault, in words a person can act on.
 * `allowedFields` lists the schema's keys for the "unknown field" message.
 */
// Any zod schema, classic or mini (the shared contract is zod/mini so pages bundle little of zod).
export function parseRequest<T>(schema: z.core.$ZodType<T>, value: unknown, allowedFields: readonly string[] = []): T {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw issueToApiError(result.error.issues[0], value, allowedFields);
}

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function issueToApiError(issue: Issue | undefined, input: unknown, allowedFields: readonly string[]): ApiError {
  if (issue === undefined) return ApiError.invalidRequest('request is not valid');
  const path = issue.path.map(String);
  const field = path.length > 0 ? path.join('.') : undefined;

  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const prefix = field === undefined ? '' : `${field}.`;
    const allowed = allowedFields.length > 0 ? `; allowed fields: ${allowedFields.join(', ')}` : '';
    return ApiError.invalidRequest(
      `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}${allowed}`,
      `${prefix}${keys[0] ?? ''}`,
    );
  }
  if (field === undefined) {
    if (issue.code === 'invalid_type') return ApiError.invalidRequest('request body must be a JSON object');
    return ApiError.invalidRequest(issue.message);
  }
  const missing = valueAt(input, issue.path) === undefined;
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return ApiError.invalidRequest(
      missing ? `${field} is required: one of ${options}` : `${field} must be one of ${options}`,
      field,
    );
  }
  if (missing && issue.code === 'invalid_type') return ApiError.invalidRequest(`${field} is required`, field);
  // Our contract's own messages already name the field ("userId must...", 'attribute "note" ...'); zod's don't.
  const leaf = path[path.length - 1] ?? field;
  const named = issue.message.includes(field) || issue.message.includes(`"${leaf}"`);
  const message = named ? issue.message : `${field}: ${issue.message}`;
  return ApiError.invalidRequest(message, field);
}

// ---------------------------------------------------------------------------------------------------------------
// AWS error mapping

/** Seconds a throttled client should wait: IVS control-plane quotas are per second. */
export const THROTTLE_RETRY_AFTER_SECONDS = 1;

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

function httpStatusOf(err: object): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/**
 * An AWS SDK failure as the API answers it. Client-fixable outcomes keep a specific message; anything that is our
 * configuration or IVS's fault becomes a generic 5xx (the cause stays attached for the log).
 */
export function mapAwsError(err: unknown, what: { notFound: string } = { notFound: 'stage not found' }): ApiError {
  if (err instanceof ApiError) return err;
  if (err === null || typeof err !== 'object') return ApiError.internal(err);
  const name = (err as { name?: unknown }).name;
  const status = httpStatusOf(err);
  if ((typeof name === 'string' && THROTTLING_NAMES.has(name)) || status === 429) {
    return ApiError.throttled(THROTTLE_RETRY_AFTER_SECONDS, err);
  }
  switch (name) {
    case 'ResourceNotFoundException':
      return ApiError.notFound(what.notFound, err);
    case 'ServiceQuotaExceededException':
      return ApiError.quotaExceeded(err);
    case 'ValidationException': {
      // Our own validation runs first, so this is rare; IVS's message names the field and holds no secrets.
      const message = (err as { message?: unknown }).message;
      const detail = typeof message === 'string' ? message.slice(0, 300) : 'invalid input';
      return new ApiError(400, 'INVALID_REQUEST', `IVS rejected the request: ${detail}`, { cause: err });
    }
    default:
      // AccessDeniedException (our IAM), PendingVerification, InternalServerException, network errors...
      return ApiError.internal(err);
  }
}
