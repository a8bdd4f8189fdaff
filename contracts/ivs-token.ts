/**
 * The IVS participant-token layout (ES384 JWT), as IVS documents it for key-pair ("self-signed") tokens.
 * Used to mint (lambda/ self-signed mode, the sandbox), to verify (the sandbox SFU) and to decode for display (web/).
 */
import { stageIdFromArn } from './ids.js';
import type { Capability } from './token-api.js';
import * as z from './zod.js';

export const IVS_TOKEN_ALG = 'ES384';
export const IVS_TOKEN_VERSION = '1.0';

export const IvsTokenHeader = z.object({
  alg: z.literal(IVS_TOKEN_ALG),
  typ: z.optional(z.literal('JWT')),
  /** ARN of the IVS public key that verifies the signature. */
  kid: z.optional(z.string()),
});
export type IvsTokenHeader = z.infer<typeof IvsTokenHeader>;

export const IvsTokenClaims = z.object({
  exp: z.number().check(z.int()),
  iat: z.number().check(z.int()),
  jti: z.string().check(z.minLength(1)),
  /** Stage ARN. */
  resource: z.string(),
  /** Stage id (last segment of the ARN). */
  topic: z.string(),
  events_url: z.string(),
  whip_url: z.string(),
  user_id: z.optional(z.string()),
  attributes: z.optional(z.record(z.string(), z.string())),
  capabilities: z.object({
    allow_publish: z.optional(z.boolean()),
    allow_subscribe: z.optional(z.boolean()),
  }),
  version: z.string(),
});
export type IvsTokenClaims = z.infer<typeof IvsTokenClaims>;

export interface ClaimsInput {
  readonly stageArn: string;
  readonly eventsUrl: string;
  readonly whipUrl: string;
  readonly capabilities: readonly Capability[];
  readonly userId?: string;
  readonly attributes?: Record<string, string>;
  readonly durationMinutes: number;
  /** Participant id; becomes the jti, as in tokens IVS issues. */
  readonly participantId: string;
  readonly nowMs: number;
}

export function buildIvsTokenClaims(input: ClaimsInput): IvsTokenClaims {
  const iat = Math.floor(input.nowMs / 1000);
  return {
    exp: iat + input.durationMinutes * 60,
    iat,
    jti: input.participantId,
    resource: input.stageArn,
    topic: stageIdFromArn(input.stageArn),
    events_url: input.eventsUrl,
    whip_url: input.whipUrl,
    user_id: input.userId ?? '',
    attributes: input.attributes ?? {},
    capabilities: {
      allow_publish: input.capabilities.includes('PUBLISH'),
      allow_subscribe: input.capabilities.includes('SUBSCRIBE'),
    },
    version: IVS_TOKEN_VERSION,
  };
}

export function capabilitiesOf(claims: IvsTokenClaims): Capability[] {
  const caps: Capability[] = [];
  if (claims.capabilities.allow_publish) caps.push('PUBLISH');
  if (claims.capabilities.allow_subscribe) caps.push('SUBSCRIBE');
  return caps;
}
