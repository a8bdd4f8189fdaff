/** Sandbox configuration, validated once at boot (zod); everything else reads the parsed value. */
import { z } from 'zod';
import { MintingMode, ViewerAccess, browserOriginProblem } from '../../contracts/token-api.js';

export const DEFAULT_REGION = 'us-east-1';
/** A documentation account id: obviously fake, and never a real account. */
const DEFAULT_ACCOUNT_ID = '123456789012';
const DEFAULT_STAGE_NAME = 'sandbox-stage';

export const SandboxOptions = z.object({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like an AWS region, e.g. us-east-1')
    .default(DEFAULT_REGION),
  accountId: z.string().regex(/^\d{12}$/, 'accountId must be 12 digits').default(DEFAULT_ACCOUNT_ID),
  /** How the mounted token API mints tokens: through CreateParticipantToken, or signed with an imported key pair. */
  minting: MintingMode.default('api'),
  /** PKCS#8 PEM of the P-384 key that signs the emulator's tokens; a fresh key is made when absent. */
  signingKeyPem: z.string().optional(),
  /** Directory served at / (the built pages); nothing is served statically when absent. */
  webRoot: z.string().optional(),
  defaultStageName: z.string().regex(/^[a-zA-Z0-9-_]{0,128}$/).default(DEFAULT_STAGE_NAME),
  viewerAccess: ViewerAccess.default('public'),
  /** Browser origins besides the sandbox's own that may call the token API (`--allow-origin`; the stack's rule). */
  allowedOrigins: z
    .array(
      z.string().superRefine((value, ctx) => {
        const problem = browserOriginProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .default([]),
  /**
   * Require an `Authorization: AWS4-HMAC-SHA256 ...` header on emulator calls, as AWS does. The signature itself is
   * never verified (any credentials work).
   */
  requireSigV4: z.boolean().default(true),
  /**
   * When set, the IVS API verifies SigV4 signatures against this key pair (as AWS does) instead of checking only the
   * header's shape. startServer sets a fresh pair off loopback (local/src/ivs-api/sigv4.ts).
   */
  sigV4Credentials: z.object({ accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/), secretAccessKey: z.string().min(16) }).optional(),
  /**
   * The bearer the dev identity (the sandbox's signed-in user) needs on the token API's authorizer routes. `dev` is the
   * loopback default and the only value config.json hands to pages; off loopback startServer makes a random one.
   */
  devBearer: z.string().min(1).regex(/^\S+$/, 'devBearer must not contain spaces').default('dev'),
  /** Host names (besides loopback names and the bound address) that requests may name in Host (DNS-rebinding guard). */
  allowedHosts: z.array(z.string().min(1)).default([]),
  quotas: z
    .object({
      /** IVS default: 100 stages per account and region. */
      stages: z.number().int().positive().default(100),
      /** The sandbox's own bound on imported public keys (keeps memory bounded). */
      publicKeys: z.number().int().positive().default(20),
      /** IVS: at most 12 participants publish to a stage at once. */
      publishersPerStage: z.number().int().positive().default(12),
    })
    .prefault({}),
  events: z
    .object({
      /** A client must send `hello` within this time after the WebSocket opens. */
      helloTimeoutMs: z.number().int().positive().default(10_000),
      /** Counts are pushed at most once per interval per stage (bursts coalesce). */
      countsIntervalMs: z.number().int().nonnegative().default(100),
      /** WebSocket ping interval; a connection that misses a pong is dropped, which ends a stale join. */
      heartbeatMs: z.number().int().positive().default(15_000),
    })
    .prefault({}),
  /** Register the media plane (WHIP/WHEP, local/src/media/plugin.ts). Off only for tests of the control plane alone. */
  media: z.boolean().default(true),
  /** Answer every media POST with a 307 to a second path first, as IVS's global WHIP endpoint does (`--media-redirect`). */
  mediaRedirect: z.boolean().default(false),
  /** ICE host addresses the SFU offers; default: its own choice (loopback and LAN interfaces). */
  iceAddresses: z.array(z.string()).optional(),
  /** Simulated links at start, e.g. `viewer:loss=5,delay=80;publisher:cap=800` (local/src/media/network.ts). */
  network: z.string().max(4096).optional(),
});
export type SandboxOptionsInput = z.input<typeof SandboxOptions>;
export type SandboxConfig = z.output<typeof SandboxOptions>;

export function parseSandboxOptions(input: SandboxOptionsInput): SandboxConfig {
  const parsed = SandboxOptions.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`invalid sandbox options: ${detail}`);
  }
  return parsed.data;
}
