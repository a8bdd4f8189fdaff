/** The token inspector: header and claims shown, role/driver/pages read, and the one problem named. */
import { describe, expect, it } from '@jest/globals';
import { expectedStageFor, inspectToken } from '../../web/src/tools/token-inspect.js';
import { IVS_EVENTS, IVS_WHIP, OTHER_STAGE_ARN, STAGE_ARN, b64url, claims, jwt } from './helpers/tokens.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const LATER = NOW + 10 * 60_000;
const SANDBOX_SITE = { backend: 'sandbox', stageArn: STAGE_ARN } as const;

describe('inspectToken', () => {
  it('a valid sandbox publisher token: header and claims as decoded, role, both pages, sandbox driver, no problem', () => {
    const c = claims();
    const r = inspectToken(`Bearer ${jwt(c)}\n`, { nowMs: LATER, config: SANDBOX_SITE });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.header).toEqual({ alg: 'ES384', typ: 'JWT', kid: 'k' });
    expect(r.claims).toEqual(JSON.parse(JSON.stringify(c)));
    expect(r.info.role).toBe('publisher');
    expect(r.info.driver).toBe('sandbox');
    expect(r.pages).toEqual(['broadcaster', 'viewer']);
    expect(r.problem).toBeNull();
  });

  it('a viewer token works on the viewer page only', () => {
    const r = inspectToken(jwt(claims({ capabilities: ['SUBSCRIBE'] })), { nowMs: LATER, config: null });
    expect(r.ok && r.pages).toEqual(['viewer']);
    expect(r.problem).toBeNull();
  });

  it('an expired token says so', () => {
    const r = inspectToken(jwt(claims()), { nowMs: NOW + 61 * 60_000, config: null });
    expect(r.ok).toBe(true);
    expect(r.problem?.reason).toBe('tokenExpired');
  });

  it('a token with no capability is refused as unable to publish', () => {
    const r = inspectToken(jwt(claims({ capabilities: [] })), { nowMs: LATER, config: null });
    expect(r.ok && r.pages).toEqual([]);
    expect(r.problem?.reason).toBe('tokenCannotPublish');
  });

  it('insists on the configured stage only for tokens of the configured kind of backend', () => {
    const other = jwt(claims({ stageArn: OTHER_STAGE_ARN }));
    expect(inspectToken(other, { nowMs: LATER, config: SANDBOX_SITE }).problem?.reason).toBe('tokenWrongStage');
    // A real IVS token on the sandbox site is not held to the sandbox's stage.
    const ivs = inspectToken(jwt(claims({ stageArn: OTHER_STAGE_ARN, whipUrl: IVS_WHIP, eventsUrl: IVS_EVENTS })), { nowMs: LATER, config: SANDBOX_SITE });
    expect(ivs.ok && ivs.info.driver).toBe('ivs');
    expect(ivs.problem).toBeNull();
    expect(expectedStageFor({ driver: 'ivs' }, { backend: 'aws', stageArn: STAGE_ARN })).toBe(STAGE_ARN);
    expect(expectedStageFor({ driver: 'sandbox' }, { backend: 'aws', stageArn: STAGE_ARN })).toBeUndefined();
  });

  it('a malformed token: the reason, and whatever part still decodes', () => {
    const badPayload = `${b64url({ alg: 'ES384', typ: 'JWT' })}.${b64url({ hello: 'world' })}.c2ln`;
    const r = inspectToken(badPayload, { nowMs: LATER, config: null });
    expect(r.ok).toBe(false);
    expect(r.problem?.reason).toBe('tokenMalformed');
    expect(r.header).toEqual({ alg: 'ES384', typ: 'JWT' });
    expect(r.claims).toEqual({ hello: 'world' });
    const junk = inspectToken('not a token', { nowMs: LATER, config: null });
    expect(junk).toMatchObject({ ok: false, header: null, claims: null });
    expect(junk.problem?.reason).toBe('tokenMalformed');
  });
});
