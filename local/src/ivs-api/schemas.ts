/**
 * Request shapes of the emulated IVS real-time operations, with the constraints of the IVS API model (lengths,
 * patterns, ranges), so bad input fails here the way it fails in AWS: 400 ValidationException naming the member.
 */
import { z } from 'zod';
import { LIMITS } from '../../../contracts/token-api.js';
import { PUBLIC_KEY_ARN_PATTERN, STAGE_ARN_PATTERN } from '../../../contracts/ids.js';
import { IvsApiError } from './errors.js';

const pattern = (re: RegExp) => `Member must satisfy regular expression pattern: ${re.source.replace(/^\^|\$$/g, '')}`;
const maxLen = (n: number) => `Member must have length less than or equal to ${n}`;
const minLen = (n: number) => `Member must have length greater than or equal to ${n}`;

const StageArn = z.string().min(1, minLen(1)).max(128, maxLen(128)).regex(STAGE_ARN_PATTERN, pattern(STAGE_ARN_PATTERN));
const PublicKeyArn = z
  .string()
  .min(1, minLen(1))
  .max(128, maxLen(128))
  .regex(PUBLIC_KEY_ARN_PATTERN, pattern(PUBLIC_KEY_ARN_PATTERN));
const RESOURCE_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]+\/[a-zA-Z0-9-]+$/;
const ResourceArn = z.string().min(1, minLen(1)).max(128, maxLen(128)).regex(RESOURCE_ARN_PATTERN, pattern(RESOURCE_ARN_PATTERN));

const NAME_PATTERN = /^[a-zA-Z0-9-_]*$/;
const Name = z.string().max(128, maxLen(128)).regex(NAME_PATTERN, pattern(NAME_PATTERN));

const SESSION_ID_PATTERN = /^st-[a-zA-Z0-9]+$/;
const StageSessionId = z
  .string()
  .length(16, 'Member must have length 16')
  .regex(SESSION_ID_PATTERN, pattern(SESSION_ID_PATTERN));

const PARTICIPANT_ID_PATTERN = /^[a-zA-Z0-9-]*$/;
const ParticipantId = z.string().max(64, maxLen(64)).regex(PARTICIPANT_ID_PATTERN, pattern(PARTICIPANT_ID_PATTERN));
// DisconnectParticipant's participantId is a ParticipantTokenId in the IVS model, whose pattern allows `_`.
const PARTICIPANT_TOKEN_ID_PATTERN = /^[a-zA-Z0-9-_]*$/;
const ParticipantTokenId = z.string().max(64, maxLen(64)).regex(PARTICIPANT_TOKEN_ID_PATTERN, pattern(PARTICIPANT_TOKEN_ID_PATTERN));

const PAGINATION_TOKEN_PATTERN = /^[a-zA-Z0-9+/=_-]*$/;
const NextToken = z.string().max(1024, maxLen(1024)).regex(PAGINATION_TOKEN_PATTERN, pattern(PAGINATION_TOKEN_PATTERN));
const MaxResults = z
  .number()
  .int('Member must be an integer')
  .min(1, 'Member must have value greater than or equal to 1')
  .max(100, 'Member must have value less than or equal to 100');

/**
 * A JSON object of strings as a null-prototype record: zod's own record drops a `__proto__` key and a plain object
 * would answer `constructor` from its prototype, so user-chosen keys (tag keys, token attributes) are plain data here.
 */
function safeRecord(key: z.ZodType<string>, value: z.ZodType<string>, what: string) {
  return z
    .preprocess(
      (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? new Map(Object.entries(v)) : v),
      z.map(key, value, { error: `Member must be a map of strings to strings (${what})` }),
    )
    .transform((entries): Record<string, string> => {
      const out = Object.create(null) as Record<string, string>;
      for (const [k, v] of entries) out[k] = v;
      return out;
    });
}

// Tagging AWS Resources, "Tag naming limits and requirements": keys 1-128 characters, values up to 256, at most 50
// per resource, and the `aws:` prefix (any case) is reserved for AWS (docs/sandbox.md cites the pages).
const RESERVED_TAG_PREFIX = /^aws:/i;
const TagKey = z
  .string()
  .min(1, 'tag keys must have length greater than or equal to 1')
  .max(128, 'tag keys must have length less than or equal to 128')
  .refine((k) => !RESERVED_TAG_PREFIX.test(k), 'tag keys must not begin with the reserved prefix aws:');
const Tags = safeRecord(TagKey, z.string().max(256, 'tag values must have length less than or equal to 256'), 'tags').refine(
  (t) => Object.keys(t).length <= 50,
  'Member must have at most 50 entries',
);

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const TokenAttributes = safeRecord(z.string(), z.string(), 'attributes').refine(
    (attrs) => Object.entries(attrs).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0) <= LIMITS.attributesMaxBytes,
    `attributes must total at most ${LIMITS.attributesMaxBytes} bytes (1 KB) of keys and values`,
  );
const TokenUserId = z.string().max(LIMITS.userIdMaxLength, maxLen(LIMITS.userIdMaxLength));
const TokenDuration = z
  .number()
  .int('Member must be an integer')
  .min(LIMITS.durationMinutes.min, `Member must have value greater than or equal to ${LIMITS.durationMinutes.min}`)
  .max(LIMITS.durationMinutes.max, `Member must have value less than or equal to ${LIMITS.durationMinutes.max}`);
const Capabilities = z.array(z.enum(['PUBLISH', 'SUBSCRIBE'])).max(2, 'Member must have length less than or equal to 2');

const ParticipantTokenConfiguration = z.object({
  duration: TokenDuration.optional(),
  userId: TokenUserId.optional(),
  attributes: TokenAttributes.optional(),
  capabilities: Capabilities.optional(),
});

/**
 * Recording needs S3 and a storage configuration, which the sandbox does not emulate. `storageConfigurationArn: ""` is
 * IVS's documented way to say "no individual participant recording", so that (and only that) is accepted.
 */
const NoRecording = z
  .object({
    storageConfigurationArn: z.literal('', {
      error: 'the sandbox does not emulate recording (no S3): storageConfigurationArn must be "" (recording off)',
    }),
    mediaTypes: z.array(z.enum(['AUDIO_VIDEO', 'AUDIO_ONLY', 'NONE'])).max(1, maxLen(1)).optional(),
    thumbnailConfiguration: z
      .object({
        targetIntervalSeconds: z.number().int().min(1).max(86400).optional(),
        storage: z.array(z.enum(['SEQUENTIAL', 'LATEST'])).max(2).optional(),
        recordingMode: z.enum(['INTERVAL', 'DISABLED']).optional(),
      })
      .optional(),
    recordingReconnectWindowSeconds: z.number().int().min(0).max(300).optional(),
    hlsConfiguration: z.object({ targetSegmentDurationSeconds: z.number().int().min(2).max(10).optional() }).optional(),
    recordParticipantReplicas: z.boolean().optional(),
  })
  .optional();

export const CreateStageInput = z.object({
  name: Name.optional(),
  participantTokenConfigurations: z.array(ParticipantTokenConfiguration).max(12, 'Member must have length less than or equal to 12').optional(),
  tags: Tags.optional(),
  autoParticipantRecordingConfiguration: NoRecording,
});
export const ArnInput = z.object({ arn: StageArn });
export const UpdateStageInput = z.object({ arn: StageArn, name: Name.optional(), autoParticipantRecordingConfiguration: NoRecording });
export const ListInput = z.object({ nextToken: NextToken.optional(), maxResults: MaxResults.optional() });
export const CreateParticipantTokenInput = z.object({
  stageArn: StageArn,
  duration: TokenDuration.optional(),
  userId: TokenUserId.optional(),
  attributes: TokenAttributes.optional(),
  capabilities: Capabilities.optional(),
});
export const ListParticipantsInput = z
  .object({
    stageArn: StageArn,
    sessionId: StageSessionId,
    filterByUserId: TokenUserId.optional(),
    filterByPublished: z.boolean().optional(),
    filterByState: z.enum(['CONNECTED', 'DISCONNECTED']).optional(),
    filterByRecordingState: z.enum(['STARTING', 'ACTIVE', 'STOPPING', 'STOPPED', 'FAILED']).optional(),
    nextToken: NextToken.optional(),
    maxResults: MaxResults.optional(),
  })
  .refine(
    (i) => [i.filterByUserId, i.filterByPublished, i.filterByState, i.filterByRecordingState].filter((f) => f !== undefined).length <= 1,
    'Only one of filterByUserId, filterByPublished, filterByState, or filterByRecordingState can be provided per request',
  );
export const GetParticipantInput = z.object({ stageArn: StageArn, sessionId: StageSessionId, participantId: ParticipantId });
export const ListParticipantEventsInput = z.object({
  stageArn: StageArn,
  sessionId: StageSessionId,
  participantId: ParticipantId,
  nextToken: NextToken.optional(),
  maxResults: MaxResults.optional(),
});
export const DisconnectParticipantInput = z.object({
  stageArn: StageArn,
  participantId: ParticipantTokenId,
  reason: z.string().max(LIMITS.disconnectReasonMaxLength, maxLen(LIMITS.disconnectReasonMaxLength)).optional(),
});
export const ListStageSessionsInput = z.object({ stageArn: StageArn, nextToken: NextToken.optional(), maxResults: MaxResults.optional() });
export const GetStageSessionInput = z.object({ stageArn: StageArn, sessionId: StageSessionId });

const PEM_PATTERN = /-----BEGIN PUBLIC KEY-----\r?\n([a-zA-Z0-9+/=\r\n]+)\r?\n-----END PUBLIC KEY-----(\r?\n)?/;
export const ImportPublicKeyInput = z.object({
  publicKeyMaterial: z.string().regex(PEM_PATTERN, 'Member must be a PEM public key (-----BEGIN PUBLIC KEY----- ...)'),
  name: Name.optional(),
  tags: Tags.optional(),
});
export const PublicKeyArnInput = z.object({ arn: PublicKeyArn });

export const TagResourceInput = z.object({ resourceArn: ResourceArn, tags: Tags });
export const UntagResourceInput = z.object({
  resourceArn: ResourceArn,
  tagKeys: z.array(TagKey).min(1, minLen(1)).max(50, maxLen(50)),
});
export const ListTagsInput = z.object({ resourceArn: ResourceArn });

/** AWS treats an explicit JSON null like an absent member. */
function dropNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

/** Parses an operation's input or throws a ValidationException worded like AWS's ("Value at 'x' failed to ..."). */
export function parseInput<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(dropNulls(body));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const constraint = missing ? 'Member must not be null' : issue.message;
    return path ? `Value at '${path}' failed to satisfy constraint: ${constraint}` : constraint;
  });
  const n = parsed.error.issues.length;
  throw IvsApiError.validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${issues.join('; ')}`);
}
