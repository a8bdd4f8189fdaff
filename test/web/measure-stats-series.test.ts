import { describe, expect, it } from '@jest/globals';
import { chartColumns, fmt, fmtFreezes, fmtNackPli, fmtResolution } from '../../web/src/measure/stats-series.js';
import type { StatsSnapshot, StreamSnapshot } from '../../web/src/measure/stats.js';

function stream(key: string, over: Partial<StreamSnapshot>): StreamSnapshot {
  const [participantId = '', kind = 'video', direction = 'inbound'] = key.split(':');
  return {
    key,
    participantId,
    kind: kind as StreamSnapshot['kind'],
    direction: direction as StreamSnapshot['direction'],
    codec: null,
    bitrateKbps: null,
    fps: null,
    width: null,
    height: null,
    packetLossPct: null,
    jitterMs: null,
    rttMs: null,
    nackCount: null,
    pliCount: null,
    firCount: null,
    qualityLimitationReason: null,
    freezeCount: null,
    freezeDurationS: null,
    framesDropped: null,
    networkQuality: null,
    ...over,
  };
}

const history: StatsSnapshot[] = [
  { at: 1000, intervalMs: null, streams: [stream('a:video:inbound', { fps: 30 }), stream('a:audio:inbound', {})] },
  { at: 2000, intervalMs: 1000, streams: [stream('a:video:inbound', { fps: 29, bitrateKbps: 500 }), stream('a:audio:inbound', { bitrateKbps: 32 })] },
  { at: 3500, intervalMs: 1500, streams: [stream('b:video:inbound', { fps: 15, bitrateKbps: 200 })] },
];

describe('chart columns', () => {
  it('has one x column in seconds from the first snapshot and one column per stream', () => {
    const c = chartColumns(history, 'bitrate');
    expect(c.keys).toEqual(['a:video:inbound', 'a:audio:inbound', 'b:video:inbound']);
    expect(c.data[0]).toEqual([0, 1, 2.5]);
    expect(c.data[1]).toEqual([null, 500, null]);
    expect(c.data[2]).toEqual([null, 32, null]);
    expect(c.data[3]).toEqual([null, null, 200]);
  });

  it('plots frame rate for video streams only', () => {
    const c = chartColumns(history, 'fps');
    expect(c.keys).toEqual(['a:video:inbound', 'b:video:inbound']);
    expect(c.data.slice(1)).toEqual([
      [30, 29, null],
      [null, null, 15],
    ]);
  });

  it('is empty for no history', () => {
    expect(chartColumns([], 'rtt')).toEqual({ keys: [], data: [[]] });
  });
});

describe('table formatting', () => {
  it('shows a dash for unknown values and rounds known ones', () => {
    expect(fmt(null)).toBe('–');
    expect(fmt(12.345, 1)).toBe('12.3');
    expect(fmtResolution({ width: 640, height: 480 })).toBe('640×480');
    expect(fmtResolution({ width: null, height: 480 })).toBe('–');
    expect(fmtNackPli({ nackCount: 3, pliCount: null })).toBe('3 / –');
    expect(fmtFreezes({ freezeCount: 2, freezeDurationS: 0.42 })).toBe('2 (0.4)');
    expect(fmtFreezes({ freezeCount: null, freezeDurationS: null })).toBe('–');
  });
});
