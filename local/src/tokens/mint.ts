/** Signs IVS-layout participant tokens (ES384 JWT; claims from contracts/ivs-token.ts). */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { IVS_TOKEN_ALG, type IvsTokenClaims } from '../../../contracts/ivs-token.js';

export async function signIvsToken(claims: IvsTokenClaims, privateKey: KeyObject, kid: string): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: IVS_TOKEN_ALG, typ: 'JWT', kid }).sign(privateKey);
}
