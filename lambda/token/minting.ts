/**
 * The two ways to mint a participant token:
 *  - `api`: IVS CreateParticipantToken (IVS signs; capped at 50 TPS per account);
 *  - `self-signed`: an ES384 JWT signed here with the private half of an IVS public key (no IVS call per token, so
 *    a flash crowd of viewers is limited only by CPU).
 */
import { CreateParticipantTokenCommand, GetStageCommand, type IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { SignJWT, importPKCS8, type CryptoKey } from 'jose';
import { z } from 'zod';
import type { Capability, MintingMode } from '../../contracts/token-api.js';
import { claimsFor, randomId, type TokenPlan } from './core.js';
import { ApiError } from './errors.js';
import { IVS_TOKEN_ALG, type IvsTokenClaims } from '../../contracts/ivs-token.js';

export interface MintedToken {
  readonly token: string;
  readonly participantId: string;
  readonly userId: string;
  readonly capabilities: Capability[];
  readonly expiresAt: Date;
}

export interface Minter {
  readonly mode: MintingMode;
  mint(plan: TokenPlan): Promise<MintedToken>;
}

// ---------------------------------------------------------------------------------------------------------------
// api mode

const CAPABILITIES = new Set<string>(['PUBLISH', 'SUBSCRIBE']);

export function createApiMinter(ivs: IVSRealTimeClient, stageArn: string, now: () => number): Minter {
  return {
    mode: 'api',
    async mint(plan) {
      const out = await ivs.send(
        new CreateParticipantTokenCommand({
          stageArn,
          userId: plan.userId,
          attributes: plan.attributes,
          capabilities: plan.capabilities,
          duration: plan.durationMinutes,
        }),
      );
      const t = out.participantToken;
      if (t?.token === undefined || t.participantId === undefined) {
        throw ApiError.internal(new Error('CreateParticipantToken returned no token or participantId'));
      }
      const capabilities = (t.capabilities ?? plan.capabilities).filter((c): c is Capability => CAPABILITIES.has(c));
      const expiresAt =
        t.expirationTime instanceof Date && !Number.isNaN(t.expirationTime.getTime())
          ? t.expirationTime
          : new Date(now() + (t.duration ?? plan.durationMinutes) * 60_000);
      return { token: t.token, participantId: t.participantId, userId: t.userId ?? plan.userId, capabilities, expiresAt };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// self-signed mode

export interface StageEndpoints {
  readonly whipUrl: string;
  readonly eventsUrl: string;
}

/**
 * The stage's WHIP and events endpoints, which self-signed tokens must carry. Configured values win; otherwise one
 * GetStage per container (a failure is not cached, so the next request retries).
 */
export function createEndpointResolver(
  ivs: IVSRealTimeClient,
  stageArn: string,
  configured: { whipUrl?: string | undefined; eventsUrl?: string | undefined },
): () => Promise<StageEndpoints> {
  const { whipUrl, eventsUrl } = configured;
  if (whipUrl !== undefined && eventsUrl !== undefined) {
    const fixed = Promise.resolve({ whipUrl, eventsUrl });
    return () => fixed;
  }
  const fetchEndpoints = async (): Promise<StageEndpoints> => {
    const out = await ivs.send(new GetStageCommand({ arn: stageArn }));
    const whip = whipUrl ?? out.stage?.endpoints?.whip;
    const events = eventsUrl ?? out.stage?.endpoints?.events;
    if (whip === undefined || events === undefined) {
      throw ApiError.internal(new Error('GetStage returned no whip/events endpoints; set STAGE_WHIP_URL and STAGE_EVENTS_URL'));
    }
    return { whipUrl: whip, eventsUrl: events };
  };
  let pending: Promise<StageEndpoints> | undefined;
  return () => {
    pending ??= fetchEndpoints().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** PKCS#8 PEM → signing key, checked to be a P-384 EC key (ES384) so a wrong secret fails loudly at first use. */
async function importSigningKey(pem: string): Promise<CryptoKey> {
  return importPKCS8(pem, IVS_TOKEN_ALG);
}

/** Sign IVS token claims with exactly the header IVS documents for key-pair tokens. */
async function signIvsToken(key: CryptoKey, claims: IvsTokenClaims, publicKeyArn: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: IVS_TOKEN_ALG, typ: 'JWT', kid: publicKeyArn }).sign(key);
}

/** A secret holds the PEM itself, or JSON with a `privateKey`/`privateKeyPem` field. */
export function pemFromSecret(value: unknown): string {
  const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
  if (typeof text === 'string') {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) return trimmed;
    if (trimmed.startsWith('{')) {
      try {
        return pemFromSecret(JSON.parse(trimmed) as unknown);
      } catch {
        // Fall through to the error below without echoing the secret.
      }
    }
  } else if (text !== null && typeof text === 'object') {
    const parsed = z.object({ privateKey: z.string() }).or(z.object({ privateKeyPem: z.string() })).safeParse(text);
    if (parsed.success) return pemFromSecret('privateKey' in parsed.data ? parsed.data.privateKey : parsed.data.privateKeyPem);
  }
  throw new Error('the private-key secret holds neither a PEM nor JSON with a privateKey field');
}

export interface SelfSignedOptions {
  readonly stageArn: string;
  readonly publicKeyArn: string;
  readonly loadPrivateKeyPem: () => Promise<string>;
  readonly endpoints: () => Promise<StageEndpoints>;
  readonly now: () => number;
}

export function createSelfSignedMinter(opts: SelfSignedOptions): Minter {
  // Import once per container; a failed load is forgotten so the next request retries (e.g. after a secret fix).
  let key: Promise<CryptoKey> | undefined;
  const signingKey = (): Promise<CryptoKey> => {
    key ??= opts
      .loadPrivateKeyPem()
      .then(importSigningKey)
      .catch((err: unknown) => {
        key = undefined;
        throw ApiError.internal(err);
      });
    return key;
  };
  return {
    mode: 'self-signed',
    async mint(plan) {
      const [k, endpoints] = await Promise.all([signingKey(), opts.endpoints()]);
      const participantId = randomId(12);
      const claims = claimsFor(plan, { stageArn: opts.stageArn, ...endpoints }, participantId, opts.now());
      const token = await signIvsToken(k, claims, opts.publicKeyArn);
      return {
        token,
        participantId,
        userId: plan.userId,
        capabilities: plan.capabilities,
        expiresAt: new Date(claims.exp * 1000),
      };
    },
  };
}
