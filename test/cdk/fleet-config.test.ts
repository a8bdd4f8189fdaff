/** The fleet's context keys: defaults, coercion of `-c` strings, and the Fargate size pairs that are refused. */
import { describe, expect, it } from '@jest/globals';
import { ContextError, settingsFromContext, type ContextKey } from '../../lib/config.js';

const from = (ctx: Partial<Record<ContextKey, unknown>>) => () => settingsFromContext((key) => ctx[key]);

describe('fleetTaskCpu / fleetTaskMemory', () => {
  it('default to 1 vCPU and 2 GiB, and take the strings `cdk -c` passes', () => {
    expect(from({})().fleetTask).toEqual({ cpu: 1024, memoryMiB: 2048 });
    expect(from({ fleetTaskCpu: '4096', fleetTaskMemory: '30720' })().fleetTask).toEqual({ cpu: 4096, memoryMiB: 30720 });
    expect(from({ fleetTaskCpu: 256, fleetTaskMemory: 1024 })().fleetTask).toEqual({ cpu: 256, memoryMiB: 1024 });
  });

  it.each([
    [{ fleetTaskCpu: 1000 }, /context "fleetTaskCpu": must be one of Fargate's CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384/],
    [{ fleetTaskCpu: 'big' }, /context "fleetTaskCpu": must be a number/],
    [{ fleetTaskMemory: 1024 }, /context "fleetTaskMemory": 1024 MiB does not go with fleetTaskCpu 1024 on Fargate; use 2048 to 8192 in steps of 1024/],
    [{ fleetTaskMemory: 2500 }, /context "fleetTaskMemory": 2500 MiB does not go with fleetTaskCpu 1024/],
    [{ fleetTaskCpu: 256, fleetTaskMemory: 1536 }, /use 512, 1024 or 2048/],
    [{ fleetTaskCpu: 8192, fleetTaskMemory: 20000 }, /use 16384 to 61440 in steps of 4096/],
    [{ fleetTaskMemory: 2048.5 }, /context "fleetTaskMemory": must be a whole number of MiB/],
  ])('refuses %j with a message naming the key', (ctx, message) => {
    expect(from(ctx)).toThrow(ContextError);
    expect(from(ctx)).toThrow(message);
  });
});
