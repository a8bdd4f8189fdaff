/**
 * The sandbox's media and event protocol, shared by the sandbox server (local/) and its page driver (web/).
 *
 * A sandbox participant token (same claims as IVS) carries `whip_url` = `<origin>/whip` and
 * `events_url` = `ws(s)://<origin>/events`. The media URLs follow IVS's layout (docs/ivs-wire.md): `whip_url` is a
 * base. With the token as `Authorization: Bearer`:
 *  - publish:   POST  <whip_url>/publish/<jti>              SDP offer -> 201 SDP answer, Location: <origin>/whip/sessions/<id>
 *               POST  <whip_url>                            the same (OBS-style global WHIP endpoint)
 *  - subscribe: POST  <whip_url>/subscribe/<publisherId>    SDP offer -> 201 SDP answer, Location: <origin>/whep/sessions/<id>
 *  - stop:      DELETE the Location URL
 * Any POST may be answered 307 with a Location to POST the same offer to again (`--media-redirect`; IVS's global
 * endpoint does it too).
 * Offers are non-trickle (gathering complete); the server is ICE-lite on loopback/LAN addresses only.
 * Errors are `{error:{code,message}}` with a 4xx status (see SandboxErrorCode).
 *
 * Events: open a WebSocket to events_url and send `{"type":"hello","token":"..."}` first (never in the URL, so it
 * stays out of access logs); the server answers `welcome` then pushes ServerEvent messages.
 */
import * as z from './zod.js';

export const SANDBOX_PATHS = {
  whip: '/whip',
  publish: '/whip/publish/:participantId',
  subscribe: '/whip/subscribe/:participantId',
  whipSession: '/whip/sessions/:sessionId',
  whepSession: '/whep/sessions/:sessionId',
  /** `--media-redirect` answers every media POST with 307 to the same path under this prefix. */
  redirected: '/edge',
  events: '/events',
  /** The token API (lambda/ handler) is mounted here; config.json apiUrl points at it. */
  api: '/api',
  config: '/config.json',
  /** Sandbox-only network lab: GET/PUT one participant's simulated link (see NetworkProfile). */
  participantNetwork: '/sandbox/participants/:participantId/network',
  /** GET/PUT a subscription's simulcast layer (LayerRequest). */
  whepSessionLayer: '/whep/sessions/:sessionId/layer',
} as const;

export const SANDBOX_ERROR_CODES = [
  'TOKEN_MISSING',
  'TOKEN_MALFORMED',
  'TOKEN_INVALID_SIGNATURE',
  'TOKEN_EXPIRED',
  'TOKEN_WRONG_STAGE',
  'TOKEN_IN_USE',
  'CAPABILITY_MISSING',
  'STAGE_NOT_FOUND',
  'STAGE_FULL',
  'PUBLISHER_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'BAD_SDP',
  'UNSUPPORTED_CODEC',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  /** DisconnectParticipant revokes the participant (as IVS does): its token can't rejoin the stage. */
  'TOKEN_REVOKED',
  /** `POST <whip_url>/publish/<jti>` with another participant's id in the path. */
  'TOKEN_WRONG_PARTICIPANT',
  'PARTICIPANT_NOT_FOUND',
  'BAD_REQUEST',
] as const;
function mediaUrl(whipUrl: string, operation: 'publish' | 'subscribe', participantId: string): string {
  const url = new URL(whipUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${operation}/${encodeURIComponent(participantId)}`;
  url.search = '';
  return url.href;
}

/** `<whip_url>/publish/<jti>`: where a token publishes (IVS layout; the jti is the participant id). */
export const publishUrl = (whipUrl: string, jti: string): string => mediaUrl(whipUrl, 'publish', jti);
/** `<whip_url>/subscribe/<publisherParticipantId>`. */
export const subscribeUrl = (whipUrl: string, publisherId: string): string => mediaUrl(whipUrl, 'subscribe', publisherId);

export const SandboxErrorCode = z.enum(SANDBOX_ERROR_CODES);
export type SandboxErrorCode = z.infer<typeof SandboxErrorCode>;

export const ParticipantInfo = z.object({
  participantId: z.string(),
  userId: z.string(),
  attributes: z.record(z.string(), z.string()),
  published: z.boolean(),
  audioMuted: z.boolean(),
  videoMuted: z.boolean(),
  /** ISO-8601 */
  joinedAt: z.string(),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

export const Counts = z.object({
  publishers: z.number().check(z.int(), z.nonnegative()),
  subscribers: z.number().check(z.int(), z.nonnegative()),
});
export type Counts = z.infer<typeof Counts>;

/** Why the server ended a participant's connection. */
export const DisconnectReason = z.enum(['disconnectedByApi', 'stageDeleted', 'tokenExpired', 'replaced', 'serverShutdown']);
export type DisconnectReason = z.infer<typeof DisconnectReason>;

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string() }),
  z.object({ type: z.literal('mute'), audio: z.boolean(), video: z.boolean() }),
  z.object({ type: z.literal('ping'), t: z.number() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    participantId: z.string(),
    userId: z.string(),
    stageArn: z.string(),
    sessionId: z.string(),
    participants: z.array(ParticipantInfo),
    counts: Counts,
  }),
  z.object({ type: z.literal('participantJoined'), participant: ParticipantInfo }),
  z.object({ type: z.literal('participantLeft'), participantId: z.string() }),
  z.object({ type: z.literal('participantPublished'), participant: ParticipantInfo }),
  z.object({ type: z.literal('participantUnpublished'), participantId: z.string() }),
  z.object({ type: z.literal('participantUpdated'), participant: ParticipantInfo }),
  z.object({ type: z.literal('counts'), counts: Counts }),
  z.object({ type: z.literal('disconnected'), reason: DisconnectReason, message: z.string() }),
  z.object({ type: z.literal('error'), code: SandboxErrorCode, message: z.string() }),
  z.object({ type: z.literal('pong'), t: z.number(), serverMs: z.number() }),
]);
export type ServerEvent = z.infer<typeof ServerEvent>;

/** WebSocket close codes the server uses (4000-4999 are application-defined). */
export const WS_CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tokenInUse: 4409,
  disconnected: 4410,
  helloTimeout: 4408,
} as const;

/** One direction of a simulated link (local/src/media/impairment.ts). */
export const LinkImpairmentSpec = z.strictObject({
  lossPercent: z.number().check(z.gte(0), z.lte(100)),
  delayMs: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
  jitterMs: z.number().check(z.int(), z.gte(0), z.lte(5_000)),
  /** kbit/s; null = no cap. */
  capKbps: z.nullable(z.number().check(z.int(), z.gte(16), z.lte(1_000_000))),
  /** The most queueing delay a capped link holds before it drops (ms). */
  queueMs: z.number().check(z.int(), z.gte(10), z.lte(5_000)),
});
export type LinkImpairmentSpec = z.infer<typeof LinkImpairmentSpec>;

/**
 * A participant's simulated network: `up` is what it sends to the SFU, `down` what the SFU sends to it.
 * `PUT /sandbox/participants/{id}/network` takes any subset of the fields of each direction (the rest keep their value).
 */
export const NetworkProfile = z.strictObject({ up: LinkImpairmentSpec, down: LinkImpairmentSpec });
export type NetworkProfile = z.infer<typeof NetworkProfile>;
export const NetworkProfileUpdate = z.strictObject({
  up: z.optional(z.partial(LinkImpairmentSpec)),
  down: z.optional(z.partial(LinkImpairmentSpec)),
});
export type NetworkProfileUpdate = z.infer<typeof NetworkProfileUpdate>;

/** A viewer's simulcast layer choice for one WHEP session (`auto` follows the SFU's estimate of its link). */
export const LayerPreference = z.enum(['auto', 'high', 'medium', 'low']);
export type LayerPreference = z.infer<typeof LayerPreference>;
export const LayerRequest = z.strictObject({ layer: LayerPreference });
