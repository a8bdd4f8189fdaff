/**
 * Subscribe-only tokens for a load run: signed here with an imported key pair (`--key` + `--key-arn`: no API call,
 * IVS self-signed tokens), or minted one by one through the deployed token API, which calls CreateParticipantToken
 * (50 TPS per account and region, not adjustable: docs/ivs-wire.md), so 1,000 tokens take at least 20 s; 429 answers
 * are retried after Retry-After (or an exponential back-off). Tokens are bearer secrets: never logged or stored.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateTokenResponse } from '../../contracts/token-api.js';
import { buildIvsTokenClaims } from '../../contracts/ivs-token.js';
import { signIvsToken } from '../../local/src/tokens/mint.js';

/** CreateParticipantToken's quota (lib/constructs/token-api.ts has the same; importing it would load aws-cdk-lib). */
const CREATE_PARTICIPANT_TOKEN_TPS = 50;

export interface MintedToken {
  readonly token: string;
  readonly participantId: string;
  readonly userId: string;
}

export type Minter = (index: number) => Promise<MintedToken>;

export function minimumMintSeconds(count: number): number {
  return count / CREATE_PARTICIPANT_TOKEN_TPS;
}

export function selfSignedMinter(o: {
  readonly keyPem: string;
  readonly publicKeyArn: string;
  readonly stageArn: string;
  readonly whipUrl: string;
  readonly eventsUrl: string;
  readonly userIdPrefix: string;
  readonly durationMinutes: number;
}): Minter {
  const key = createPrivateKey(o.keyPem);
  return async (index) => {
    const participantId = randomBytes(6).toString('hex');
    const userId = `${o.userIdPrefix}${index}`;
    const claims = buildIvsTokenClaims({
      stageArn: o.stageArn,
      participantId,
      userId,
      whipUrl: o.whipUrl,
      eventsUrl: o.eventsUrl,
      capabilities: ['SUBSCRIBE'],
      durationMinutes: o.durationMinutes,
      nowMs: Date.now(),
    });
    return { token: await signIvsToken(claims, key, o.publicKeyArn), participantId, userId };
  };
}

export function readKeyFile(path: string): string {
  return readFileSync(path, 'utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in seconds or an HTTP date, as ms; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export function apiMinter(o: {
  readonly apiUrl: string;
  readonly userIdPrefix: string;
  readonly durationMinutes: number;
  readonly maxRetries?: number;
  /** Counts 429 answers (what limited minting). */
  readonly on429?: () => void;
}): Minter {
  const maxRetries = o.maxRetries ?? 8;
  return async (index) => {
    const userId = `${o.userIdPrefix}${index}`;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${o.apiUrl}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'viewer', userId, durationMinutes: o.durationMinutes }),
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status === 429 && attempt < maxRetries) {
        o.on429?.();
        await res.body?.cancel();
        await sleep(retryAfterMs(res.headers.get('retry-after')) ?? Math.min(10_000, 200 * 2 ** attempt) * (0.5 + Math.random()));
        continue;
      }
      const text = await res.text();
      if (res.status !== 200 && res.status !== 201) throw new Error(`token API: HTTP ${res.status}${res.status === 429 ? ' (throttled after retries)' : ''}`);
      const body = CreateTokenResponse.parse(JSON.parse(text));
      if (!body.capabilities.includes('SUBSCRIBE')) throw new Error('token API: the viewer token cannot SUBSCRIBE');
      return { token: body.token, participantId: body.participantId, userId: body.userId };
    }
  };
}
