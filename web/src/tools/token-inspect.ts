/**
 * The token inspector's pure part: a pasted token's header and claims as JSON for display, what web/src/token/
 * participant-token.ts makes of it (role, capabilities, stage, driver) and the reason it cannot be used, if any.
 * Decoding only: the signature is the server's business, and the token never leaves the page.
 */
import type { Capability } from '../../../contracts/token-api.js';
import type { SiteConfig } from '../../../contracts/site-config.js';
import { decodeJwtHeader, decodeJwtPayload, type JwtPart } from '../../../contracts/jwt.js';
import { StageError } from '../stage/errors.js';
import { checkToken, decodeToken, normalizeTokenInput, type TokenInfo } from '../token/participant-token.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export type Inspection =
  | {
      readonly ok: true;
      readonly header: JsonObject;
      readonly claims: JsonObject;
      readonly info: TokenInfo;
      /** What the token is good for: PUBLISH tokens on the broadcaster, SUBSCRIBE tokens on the viewer. */
      readonly pages: readonly ('broadcaster' | 'viewer')[];
      /** Why it cannot be used on this site now (expired, not yet valid, another stage, no capability); null = usable. */
      readonly problem: StageError | null;
    }
  | {
      readonly ok: false;
      /** Whatever parts decoded, so a person sees how far it got. */
      readonly header: JsonObject | null;
      readonly claims: JsonObject | null;
      readonly problem: StageError;
    };

/** One part as JSON, or null when it does not decode (so the inspector shows whatever part still does). */
function decodePart(token: string, part: JwtPart): JsonObject | null {
  try {
    return part === 'header' ? decodeJwtHeader(token) : decodeJwtPayload(token);
  } catch {
    return null;
  }
}

export interface InspectContext {
  readonly nowMs: number;
  /** config.json, when the site has one: its stage is insisted on for tokens of its kind of backend. */
  readonly config: Pick<SiteConfig, 'backend' | 'stageArn'> | null;
}

/** The stage ARN to insist on, by the token panel's rule: only for tokens of the configured kind of backend. */
export function expectedStageFor(info: Pick<TokenInfo, 'driver'>, config: InspectContext['config']): string | undefined {
  if (!config?.stageArn) return undefined;
  const backendDriver = config.backend === 'aws' ? 'ivs' : 'sandbox';
  return info.driver === backendDriver ? config.stageArn : undefined;
}

export function inspectToken(text: string, ctx: InspectContext): Inspection {
  const raw = normalizeTokenInput(text);
  const header = decodePart(raw, 'header');
  const claims = decodePart(raw, 'payload');
  let info: TokenInfo;
  try {
    info = decodeToken(text).info;
  } catch (err: unknown) {
    return { ok: false, header, claims, problem: StageError.from(err) };
  }
  const pages: ('broadcaster' | 'viewer')[] = [];
  if (info.capabilities.includes('PUBLISH')) pages.push('broadcaster');
  if (info.capabilities.includes('SUBSCRIBE')) pages.push('viewer');
  // A token with no capability is checked as if for publishing, so it is refused with "cannot publish".
  const need: Capability = info.capabilities.includes('PUBLISH') || !info.capabilities.includes('SUBSCRIBE') ? 'PUBLISH' : 'SUBSCRIBE';
  const stageArn = expectedStageFor(info, ctx.config);
  const problem = checkToken(info, { nowMs: ctx.nowMs, need, ...(stageArn !== undefined ? { stageArn } : {}) });
  return { ok: true, header: header ?? {}, claims: claims ?? {}, info, pages, problem };
}
