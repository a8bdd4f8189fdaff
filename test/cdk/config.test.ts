/** Context validation: every key the app reads, its defaults, and the messages a person sees for bad values. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CONTEXT_DEFAULTS, ContextError, settingsFromContext, type ContextKey } from '../../lib/config.js';
import { repoPath } from '../../lib/defaults.js';

const from = (ctx: Partial<Record<ContextKey, unknown>>) => () => settingsFromContext((key) => ctx[key]);

describe('settingsFromContext', () => {
  it('accepts the context shipped in cdk.json and knows every key in it', () => {
    const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> };
    const settings = settingsFromContext((key) => cdkJson.context[key]);
    expect(settings.stageName).toBe(cdkJson.context.stageName);
    expect(settings.logRetention).toBe(cdkJson.context.logRetentionDays);
    expect(Object.keys(cdkJson.context).sort()).toEqual(Object.keys(CONTEXT_DEFAULTS).sort());
  });

  it('fills absent keys with the defaults', () => {
    expect(from({})()).toEqual({
      stageName: 'ivs-test-stage',
      allowedOrigins: [],
      viewerAccess: 'public',
      tokenMinting: 'api',
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      tokensPerMinuteAlarmThreshold: 3000,
      logRetention: RetentionDays.TWO_WEEKS,
      fleetTask: { cpu: 1024, memoryMiB: 2048 },
    });
  });

  it('coerces the strings that `cdk -c key=value` passes', () => {
    const settings = from({
      throttleRateLimit: '7',
      throttleBurstLimit: '9',
      tokensPerMinuteAlarmThreshold: '120',
      logRetentionDays: '30',
      allowedOrigins: 'https://a.github.io, https://b.example.com',
      tokenMinting: 'self-signed',
      viewerAccess: 'signed-in',
    })();
    expect(settings).toMatchObject({
      throttleRateLimit: 7,
      throttleBurstLimit: 9,
      tokensPerMinuteAlarmThreshold: 120,
      logRetention: RetentionDays.ONE_MONTH,
      allowedOrigins: ['https://a.github.io', 'https://b.example.com'],
      tokenMinting: 'self-signed',
      viewerAccess: 'signed-in',
    });
  });

  it('accepts allowedOrigins as a JSON array string and drops duplicates', () => {
    expect(from({ allowedOrigins: '["https://a.github.io","https://a.github.io"]' })().allowedOrigins).toEqual([
      'https://a.github.io',
    ]);
  });

  it.each([
    ['tokenMinting', 'jwt', /context "tokenMinting": must be one of: api, self-signed/],
    ['viewerAccess', 'private', /context "viewerAccess": must be one of: public, signed-in/],
    ['throttleRateLimit', 'fast', /context "throttleRateLimit": must be a number/],
    ['throttleRateLimit', 0, /context "throttleRateLimit": must be greater than 0/],
    ['throttleBurstLimit', 1.5, /context "throttleBurstLimit": must be a whole number/],
    ['logRetentionDays', 10, /context "logRetentionDays": must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14/],
    ['stageName', 'has space', /context "stageName": must be 1-128 letters/],
    ['allowedOrigins', ['https://a.github.io/repo/'], /"https:\/\/a.github.io\/repo\/" is not a bare origin; use "https:\/\/a.github.io"/],
    ['allowedOrigins', ['http://a.github.io'], /must use https \(http is allowed only for localhost\)/],
    ['allowedOrigins', ['github.io'], /"github.io" is not a URL/],
    ['allowedOrigins', 42, /context "allowedOrigins": expected a list of origins/],
    ['allowedOrigins', '["https://a.github.io"', /context "allowedOrigins": not valid JSON; expected a list of origins/],
    ['alarmEmail', 'ops-at-example', /context "alarmEmail": must be an e-mail address/],
    ['monthlyBudgetUsd', -5, /context "monthlyBudgetUsd": must be 0 \(no budget\) or more/],
    ['monthlyBudgetUsd', 'lots', /context "monthlyBudgetUsd": must be a number/],
    ['monthlyBudgetUsd', '25', /context "monthlyBudgetUsd": needs alarmEmail too/],
  ])('rejects %s=%j with a message naming the key', (key, value, message) => {
    const run = from({ [key]: value });
    expect(run).toThrow(ContextError);
    expect(run).toThrow(message);
    expect(run).toThrow(/Fix it in cdk.json/);
  });

  it('alarmEmail and monthlyBudgetUsd: off by default (empty, 0), on when given (strings from -c coerced)', () => {
    const off = from({})();
    expect(off.alarmEmail).toBeUndefined();
    expect(off.monthlyBudgetUsd).toBeUndefined();
    expect(from({ alarmEmail: 'ops@example.com', monthlyBudgetUsd: '25.5' })()).toMatchObject({ alarmEmail: 'ops@example.com', monthlyBudgetUsd: 25.5 });
    expect(from({ alarmEmail: 'ops@example.com' })()).not.toHaveProperty('monthlyBudgetUsd');
  });

  it('allows plain http only for localhost origins', () => {
    expect(from({ allowedOrigins: ['http://localhost:8080'] })().allowedOrigins).toEqual(['http://localhost:8080']);
  });

  it('reports every bad key at once', () => {
    const run = from({ tokenMinting: 'x', viewerAccess: 'y' });
    expect(run).toThrow(/context "tokenMinting"/);
    expect(run).toThrow(/context "viewerAccess"/);
  });
});
