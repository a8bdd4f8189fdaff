/**
 * closeOnSignals: one close per stop request. A group signal arrives twice (from the terminal or CI runner, and
 * relayed by npm a few milliseconds later); that copy must not turn a clean close (exit 0) into a forced exit 1,
 * while a person's second Ctrl-C later still exits at once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { RELAYED_SIGNAL_WINDOW_MS, closeOnSignals } from '../../local/src/server.js';

let remove: (() => void) | undefined;
afterEach(() => remove?.());

function fakeApp(): { app: FastifyInstance; finishClose: () => void } {
  let finishClose = (): void => undefined;
  const closed = new Promise<void>((resolve) => (finishClose = resolve));
  const app = { log: { info: () => undefined, error: () => undefined }, close: () => closed } as unknown as FastifyInstance;
  return { app, finishClose };
}

describe('closeOnSignals', () => {
  it('treats a relayed copy of the signal as the same request and exits 0 once closed', async () => {
    const { app, finishClose } = fakeApp();
    let now = 1000;
    const codes: number[] = [];
    remove = closeOnSignals(app, (code) => codes.push(code), () => now);
    process.emit('SIGTERM', 'SIGTERM');
    now += 5;
    process.emit('SIGTERM', 'SIGTERM');
    expect(codes).toEqual([]);
    finishClose();
    await new Promise((resolve) => setImmediate(resolve));
    expect(codes).toEqual([0]);
  });

  it('exits 1 at once on a second signal after the relay window (a person insisting)', () => {
    const { app } = fakeApp();
    let now = 1000;
    const codes: number[] = [];
    remove = closeOnSignals(app, (code) => codes.push(code), () => now);
    process.emit('SIGINT', 'SIGINT');
    now += RELAYED_SIGNAL_WINDOW_MS + 1;
    process.emit('SIGINT', 'SIGINT');
    expect(codes).toEqual([1]);
  });
});
