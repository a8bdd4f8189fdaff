/** Signs IVS-layout participant tokens (ES384 JWT; claims from contracts/ivs-token.ts) with the sandbox's key. */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { newResourceId } from '../../../contracts/ids.js';
import { IVS_TOKEN_ALG, buildIvsTokenClaims, type ClaimsInput, type IvsTokenClaims } from '../../../contracts/ivs-token.js';
import type { SigningKey } from './keys.js';

export async function signIvsToken(claims: IvsTokenClaims, privateKey: KeyObject, kid: string): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: IVS_TOKEN_ALG, typ: 'JWT', kid }).sign(privateKey);
}

export interface MintedToken {
  readonly participantId: string;
  readonly token: string;
  readonly claims: IvsTokenClaims;
}

/** Issues a token for a new participant id, as CreateParticipantToken does. */
export type TokenMinter = (input: Omit<ClaimsInput, 'participantId'>) => Promise<MintedToken>;

export function createTokenMinter(key: SigningKey): TokenMinter {
  return async (input) => {
    const participantId = newResourceId();
    const claims = buildIvsTokenClaims({ ...input, participantId });
    return { participantId, token: await signIvsToken(claims, key.privateKey, key.kid), claims };
  };
}
