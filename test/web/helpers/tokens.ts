/**
 * Participant tokens for web/ tests: real IVS claim layout (contracts/ivs-token.ts), base64url JSON segments.
 * The signature is a placeholder: the pages decode and never verify (the server does), so these tests need no key.
 */
import { buildIvsTokenClaims, type ClaimsInput, type IvsTokenClaims } from '../../../contracts/ivs-token.js';

export const STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456';
export const OTHER_STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/Other9876543';
const SANDBOX_WHIP = 'http://127.0.0.1:8080/whip';
const SANDBOX_EVENTS = 'ws://127.0.0.1:8080/events';
export const IVS_WHIP = 'https://abcdef123456.global-bm.whip.live-video.net';
export const IVS_EVENTS = 'wss://global.events.live-video.net';

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

export function claims(overrides: Partial<ClaimsInput> = {}): IvsTokenClaims {
  return buildIvsTokenClaims({
    stageArn: STAGE_ARN,
    eventsUrl: SANDBOX_EVENTS,
    whipUrl: SANDBOX_WHIP,
    capabilities: ['PUBLISH', 'SUBSCRIBE'],
    userId: 'alice',
    attributes: { role: 'host' },
    durationMinutes: 60,
    participantId: 'pArTiCiPaNt1',
    nowMs: Date.UTC(2026, 0, 1, 12, 0, 0),
    ...overrides,
  });
}

/** header.payload.signature with an ES384 header; `payload` may be any JSON (to build malformed tokens). */
export function jwt(payload: unknown, header: unknown = { alg: 'ES384', typ: 'JWT', kid: 'k' }, signature = 'c2ln'): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}
