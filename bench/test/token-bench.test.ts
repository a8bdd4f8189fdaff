import { describe, expect, it } from '@jest/globals';
import { benchTokens } from '../token-bench.js';

describe('benchTokens (token handler loop)', () => {
  it('mints through the real handler and reports rate, percentiles and the signing ceiling', async () => {
    const r = await benchTokens({ seconds: 0.3 });
    expect(r.requests).toBeGreaterThan(0);
    expect(r.selfSignedPerSec).toBeGreaterThan(0);
    expect(r.handlerP50Ms).toBeGreaterThan(0);
    expect(r.handlerP99Ms).toBeGreaterThanOrEqual(r.handlerP50Ms);
    expect(r.rawSignPerSec).toBeGreaterThan(0);
  }, 30_000);
});
