/**
 * Identifiers shaped like the ones IVS hands out (stage ids, participant ids, session ids) and the ARN patterns of
 * the IVS real-time API model (StageArn, PublicKeyArn: `arn:aws:ivs:REGION:ACCOUNT:stage/ID`).
 * Web Crypto only, so the pages could use it as well as Node.
 */

export const STAGE_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage\/[a-zA-Z0-9-]+$/;
export const PUBLIC_KEY_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key\/[a-zA-Z0-9-]+$/;

/** Stage id = the resource id at the end of an IVS stage ARN. */
export function stageIdFromArn(stageArn: string): string {
  const id = stageArn.split('/').pop();
  if (!id) throw new Error(`not a stage ARN: ${stageArn}`);
  return id;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` random letters and digits (rejection sampling keeps the distribution uniform). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
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
