import { describe, expect, it } from '@jest/globals';
import { BENCH_PARTS, parseBenchArgs, parseLoadArgs, UsageError } from '../lib/cli.js';
import { fanOutText } from '../lib/fanout.js';

describe('bench flags', () => {
  it('defaults to every part and the 0/50/100/200 phases', () => {
    const a = parseBenchArgs([]);
    expect(a).toMatchObject({ quick: false, parts: [...BENCH_PARTS], subscribers: [0, 50, 100, 200], windowSeconds: 30, outDir: 'bench/results', name: null });
  });

  it('--quick shortens the run unless a flag says otherwise', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, subscribers: [0, 2], windowSeconds: 4 });
    expect(parseBenchArgs(['--quick', '--subscribers', '0,1', '--window', '2.5'])).toMatchObject({ subscribers: [0, 1], windowSeconds: 2.5 });
  });

  it('--render takes a results file and measures nothing', () => {
    expect(parseBenchArgs(['--render', 'bench/results/x.json']).render).toBe('bench/results/x.json');
    expect(parseBenchArgs([]).render).toBeNull();
  });

  it('--only keeps the canonical order and rejects unknown parts', () => {
    expect(parseBenchArgs(['--only', 'tokens, latency']).parts).toEqual(['latency', 'tokens']);
    expect(() => parseBenchArgs(['--only', 'latency,gpu'])).toThrow(/unknown part\(s\) gpu/);
    expect(() => parseBenchArgs(['--only', ','])).toThrow(UsageError);
  });

  it.each([
    [['--subscribers', '10,-1']],
    [['--subscribers', 'many']],
    [['--window', '0']],
    [['--window', 'x']],
    [['--name', '../escape']],
    [['--frobnicate']],
    [['positional']],
  ])('rejects %j with a UsageError', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
  });
});

describe('loadtest flags', () => {
  it('needs --viewers and parses durations and targets', () => {
    expect(() => parseLoadArgs([])).toThrow(/--viewers N is required/);
    const a = parseLoadArgs(['--viewers', '1000', '--ramp', '90s', '--hold', '500ms']);
    expect(a).toMatchObject({ viewers: 1000, rampMs: 90_000, holdMs: 500, target: { kind: 'sandbox' }, hosts: null, workers: 2, maxInFlight: 64, bitrateKbps: 300, fps: 30 });
    expect(parseLoadArgs(['--viewers', '1', '--fps', '15', '--bitrate', '100'])).toMatchObject({ fps: 15, bitrateKbps: 100 });
    expect(parseLoadArgs(['--viewers', '5', '--target', 'https://example.org/app/']).target).toEqual({ kind: 'url', url: 'https://example.org/app' });
  });

  it('--help needs nothing else', () => {
    expect(parseLoadArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--viewers', '0']],
    [['--viewers', '2.5']],
    [['--viewers', '10', '--ramp', 'soon']],
    [['--viewers', '10', '--target', 'ftp://x']],
    [['--viewers', '10', '--target', 'nowhere']],
    [['--viewers', '10', '--hosts', '0']],
    [['--viewers', '10', '--workers', '99']],
    [['--viewers', '10', '--bitrate', '1']],
    [['--viewers', '10', '--fps', '0']],
  ])('rejects %j with a UsageError', (argv) => {
    expect(() => parseLoadArgs(argv)).toThrow(UsageError);
  });

  it('fan-out splits the load evenly and keeps the target', () => {
    const text = fanOutText(parseLoadArgs(['--viewers', '1000', '--hosts', '3', '--ramp', '60s', '--target', 'https://d1.example.net']));
    expect(text).toContain('334 each (1002 in all)');
    expect(text).toContain('--viewers 334 --ramp 60s --target https://d1.example.net');
    expect(text).not.toContain('own sandbox');
    expect(fanOutText(parseLoadArgs(['--viewers', '10', '--hosts', '2']))).toContain('own sandbox');
  });
});
