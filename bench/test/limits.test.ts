import { describe, expect, it } from '@jest/globals';
import { limitVerdict, parseMeminfo, retryAfterMs, type LimitEvidence } from '../lib/limits.js';

const base: LimitEvidence = {
  requested: 1000,
  succeeded: 1000,
  cpus: 2,
  systemCpuBusyPercent: 40,
  serverCpuPercent: 50,
  clientsCpuPercent: 60,
  clientWorkers: 2,
  openFdsPeak: 2100,
  ulimitNoFile: 1_048_576,
  udpSocketsPeak: 2050,
  ephemeralPorts: 28_232,
  memAvailableMinMiB: 20_000,
  memTotalMiB: 24_000,
  errors: {},
};

describe('limitVerdict', () => {
  it('meets the goal with no limit named when nothing is near its ceiling', () => {
    const v = limitVerdict(base);
    expect(v.met).toBe(true);
    expect(v.limits).toEqual([]);
    expect(v.text).toMatch(/1000 of 1000 \(100\.00 %\) met/);
  });

  it('names the saturated machine and the single-threaded SFU', () => {
    const v = limitVerdict({ ...base, succeeded: 900, systemCpuBusyPercent: 97, serverCpuPercent: 99, errors: { 'ICE/DTLS did not connect in time': 100 } });
    expect(v.met).toBe(false);
    expect(v.limits).toHaveLength(2);
    expect(v.text).toContain('97 % busy across its 2 cores, 80 % of it this run');
    expect(v.text).not.toContain('other processes');
    expect(v.text).toContain('one JavaScript thread');
    expect(v.text).toContain('100 × ICE/DTLS did not connect in time');
  });

  it('says when most of a busy machine was other processes', () => {
    const v = limitVerdict({ ...base, succeeded: 791, systemCpuBusyPercent: 97, serverCpuPercent: 29, clientsCpuPercent: 51 });
    expect(v.text).toContain('40 % of it this run');
    expect(v.text).toContain('most of it other processes on the machine');
  });

  it('names file descriptors, ports and memory near their ceilings', () => {
    const v = limitVerdict({ ...base, succeeded: 500, openFdsPeak: 1020, ulimitNoFile: 1024, udpSocketsPeak: 27_000, memAvailableMinMiB: 1000 });
    expect(v.limits.map((l) => l.split(':')[0])).toEqual(['open files', 'ports', 'memory']);
  });

  it('counts subscriber CPU against the cores the workers can use', () => {
    expect(limitVerdict({ ...base, clientsCpuPercent: 185 }).limits).toHaveLength(1);
    expect(limitVerdict({ ...base, clientsCpuPercent: 120 }).limits).toHaveLength(0);
  });

  it('says failures without saturation are not capacity', () => {
    const v = limitVerdict({ ...base, succeeded: 10, errors: { 'HTTP 403': 990 } });
    expect(v.met).toBe(false);
    expect(v.text).toContain('not capacity');
    expect(v.text).toContain('990 × HTTP 403');
  });

  it('treats 99 % as met and just under as missed', () => {
    expect(limitVerdict({ ...base, succeeded: 990 }).met).toBe(true);
    expect(limitVerdict({ ...base, succeeded: 989 }).met).toBe(false);
  });
});

describe('parseMeminfo', () => {
  it('reads MemAvailable and MemTotal in MiB', () => {
    expect(parseMeminfo('MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   12288000 kB\n')).toEqual({ totalMiB: 24_000, availableMiB: 12_000 });
    expect(parseMeminfo('MemTotal: 1 kB\n')).toBeNull();
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(retryAfterMs(new Date(now - 3000).toUTCString(), now)).toBe(0);
  });
  it('is null when absent or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('  ', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
