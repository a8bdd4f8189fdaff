/** Identifiers shaped like the ones IVS hands out (stage ids, participant ids, session ids). */
import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` random letters and digits (rejection sampling keeps the distribution uniform). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 62 * 4: bytes at or above it would bias the first characters.
      if (byte < 248 && out.length < length) out += ALNUM[byte % 62];
    }
  }
  return out;
}

/** Stage ids and participant ids are 12 letters/digits, as IVS issues them. */
export const newResourceId = (): string => randomAlnum(12);

/** Stage session ids: `st-` + 13 letters/digits = 16 characters (IVS: StageSessionId, length 16). */
export const newSessionId = (): string => `st-${randomAlnum(13)}`;

export const newRequestId = (): string => randomUUID();
