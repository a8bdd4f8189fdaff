import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatsSample, StreamStatsSample } from '../../web/src/stage/stats-sample.js';
import { reduceNetworkQuality, reduceStats, sampleToJson, type StreamSnapshot } from '../../web/src/measure/stats.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/stats');

type RawStat = Record<string, unknown>;
interface RawStream {
  participantId: string;
  kind: 'audio' | 'video';
  direction: 'inbound' | 'outbound';
  rtc: Record<string, RawStat>;
}
interface RawSample {
  at: number;
  streams: RawStream[];
}

function loadRaw(name: string): RawSample[] {
  return (JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as { samples: RawSample[] }).samples;
}

/** A recorded sample back into the driver's shape: the report is a Map, as RTCStatsReport is map-like. */
function toSample(raw: RawSample): StatsSample {
  return {
    at: raw.at,
    streams: raw.streams.map(
      (s): StreamStatsSample => ({ participantId: s.participantId, kind: s.kind, direction: s.direction, rtc: new Map(Object.entries(s.rtc)) as unknown as RTCStatsReport }),
    ),
  };
}

function rawStat(raw: RawSample, key: string, type: string): RawStat {
  const stream = raw.streams.find((s) => `${s.participantId}:${s.kind}:${s.direction}` === key);
  const stat = Object.values(stream?.rtc ?? {}).find((v) => v['type'] === type);
  if (!stat) throw new Error(`fixture has no ${type} for ${key}`);
  return stat;
}

function stream(snapshot: { streams: readonly StreamSnapshot[] }, key: string): StreamSnapshot {
  const s = snapshot.streams.find((x) => x.key === key);
  if (!s) throw new Error(`no stream ${key}`);
  return s;
}

const OUT_V = 'local:video:outbound';
const IN_V = 'remote-1:video:inbound';
const IN_A = 'remote-1:audio:inbound';

describe('reduceStats on recorded Chromium loopback stats', () => {
  const raw = loadRaw('loopback-vp8');
  const [s0, s1] = raw.map(toSample) as [StatsSample, StatsSample];

  it('has one snapshot per stream with the recorded shape', () => {
    const snap = reduceStats(s1, s0);
    expect(snap.streams.map((s) => s.key).sort()).toEqual(['local:audio:outbound', OUT_V, IN_A, IN_V].sort());
    expect(snap.intervalMs).toBeCloseTo(s1.at - s0.at, 6);
  });

  it('computes bitrate from two samples over the stats timestamps', () => {
    const a = rawStat(raw[0] as RawSample, OUT_V, 'outbound-rtp');
    const b = rawStat(raw[1] as RawSample, OUT_V, 'outbound-rtp');
    const expected = (((b['bytesSent'] as number) - (a['bytesSent'] as number)) * 8) / ((b['timestamp'] as number) - (a['timestamp'] as number));
    const out = stream(reduceStats(s1, s0), OUT_V);
    expect(out.bitrateKbps).toBeCloseTo(expected, 9);
    expect(out.bitrateKbps).toBeGreaterThan(50);
    const inbound = stream(reduceStats(s1, s0), IN_V);
    expect(inbound.bitrateKbps).toBeGreaterThan(50);
  });

  it('has no bitrate on the first sample (one sample is not a rate)', () => {
    expect(stream(reduceStats(s0), OUT_V).bitrateKbps).toBeNull();
  });

  it('reads resolution, fps, codec, counters, RTT and quality limitation of the sent video', () => {
    const out = stream(reduceStats(s1, s0), OUT_V);
    const rtp = rawStat(raw[1] as RawSample, OUT_V, 'outbound-rtp');
    const remote = rawStat(raw[1] as RawSample, OUT_V, 'remote-inbound-rtp');
    expect(out).toMatchObject({
      codec: 'VP8',
      width: rtp['frameWidth'],
      height: rtp['frameHeight'],
      fps: rtp['framesPerSecond'],
      nackCount: rtp['nackCount'],
      pliCount: rtp['pliCount'],
      firCount: rtp['firCount'],
      qualityLimitationReason: 'none',
      packetLossPct: 0,
      freezeCount: null,
    });
    expect(out.rttMs).toBeCloseTo((remote['roundTripTime'] as number) * 1000, 9);
    expect(out.jitterMs).toBeCloseTo((remote['jitter'] as number) * 1000, 9);
  });

  it('reads freezes, drops and candidate-pair RTT of the received video', () => {
    const inbound = stream(reduceStats(s1, s0), IN_V);
    const rtp = rawStat(raw[1] as RawSample, IN_V, 'inbound-rtp');
    expect(inbound).toMatchObject({
      width: 640,
      height: 480,
      freezeCount: rtp['freezeCount'],
      freezeDurationS: rtp['totalFreezesDuration'],
      framesDropped: rtp['framesDropped'],
      qualityLimitationReason: null,
      packetLossPct: 0,
    });
    expect(inbound.rttMs).not.toBeNull();
    expect(inbound.rttMs as number).toBeGreaterThanOrEqual(0);
  });

  it('leaves video-only fields empty for audio', () => {
    const audio = stream(reduceStats(s1, s0), IN_A);
    expect(audio).toMatchObject({ codec: 'opus', fps: null, width: null, pliCount: null, freezeCount: null });
    expect(audio.bitrateKbps).toBeGreaterThan(0);
  });

  it('is JSON-serialisable through sampleToJson and back', () => {
    const json = JSON.parse(JSON.stringify(sampleToJson(s1))) as RawSample;
    const again = toSample(json);
    expect(reduceStats(again, s0)).toEqual(reduceStats(s1, s0));
  });
});

describe('reduceStats on a bandwidth-capped recording', () => {
  const capped = loadRaw('loopback-capped').map(toSample) as [StatsSample, StatsSample, StatsSample];
  const free = loadRaw('loopback-vp8').map(toSample) as [StatsSample, StatsSample, StatsSample];

  it('reports the bandwidth limitation and a lower bitrate than the uncapped run', () => {
    const c = stream(reduceStats(capped[2], capped[1]), OUT_V);
    const f = stream(reduceStats(free[2], free[1]), OUT_V);
    expect(c.qualityLimitationReason).toBe('bandwidth');
    expect(c.bitrateKbps as number).toBeLessThan(f.bitrateKbps as number);
    expect(c.bitrateKbps as number).toBeLessThan(200);
  });
});

describe('packet loss over the interval', () => {
  const raw = loadRaw('loopback-vp8');

  it('counts inbound loss as lost / (lost + received) between samples', () => {
    const later = structuredClone(raw[1]) as RawSample;
    const rtp = rawStat(later, IN_V, 'inbound-rtp');
    rtp['packetsLost'] = (rtp['packetsLost'] as number) + 10;
    const dReceived = (rtp['packetsReceived'] as number) - (rawStat(raw[0] as RawSample, IN_V, 'inbound-rtp')['packetsReceived'] as number);
    const inbound = stream(reduceStats(toSample(later), toSample(raw[0] as RawSample)), IN_V);
    expect(inbound.packetLossPct).toBeCloseTo((10 / (10 + dReceived)) * 100, 9);
  });

  it('counts outbound loss from the receiver report against packets sent', () => {
    const later = structuredClone(raw[1]) as RawSample;
    rawStat(later, OUT_V, 'remote-inbound-rtp')['packetsLost'] = 5;
    const dSent = (rawStat(later, OUT_V, 'outbound-rtp')['packetsSent'] as number) - (rawStat(raw[0] as RawSample, OUT_V, 'outbound-rtp')['packetsSent'] as number);
    const out = stream(reduceStats(toSample(later), toSample(raw[0] as RawSample)), OUT_V);
    expect(out.packetLossPct).toBeCloseTo((5 / dSent) * 100, 9);
  });

  it('never reports a negative bitrate when the SSRC changed (renegotiation)', () => {
    const later = structuredClone(raw[1]) as RawSample;
    const rtp = rawStat(later, OUT_V, 'outbound-rtp');
    rtp['id'] = 'OT01V-new';
    rtp['bytesSent'] = 10;
    expect(stream(reduceStats(toSample(later), toSample(raw[0] as RawSample)), OUT_V).bitrateKbps).toBeNull();
  });
});

describe('IVS network quality', () => {
  it('takes the worst entry of requestQualityStats and names it', () => {
    // Shape of LocalVideoStats[] from amazon-ivs-web-broadcast (NetworkQuality 4 = EXCELLENT … 0 = DOWN).
    expect(reduceNetworkQuality([{ networkQuality: 4, nackCount: 0 }, { networkQuality: 2 }])).toBe('normal');
    expect(reduceNetworkQuality([{ networkQuality: 0 }])).toBe('down');
    expect(reduceNetworkQuality({ networkQuality: 3 })).toBe('good');
  });

  it('ignores missing or foreign shapes', () => {
    expect(reduceNetworkQuality(undefined)).toBeNull();
    expect(reduceNetworkQuality([{ networkQuality: 'great' }, { networkQuality: 9 }, null])).toBeNull();
  });

  it('flows into the stream snapshot when the driver supplies quality', () => {
    const raw = loadRaw('loopback-vp8');
    const sample = toSample(raw[1] as RawSample);
    const withQuality: StatsSample = { ...sample, streams: sample.streams.map((s) => ({ ...s, quality: [{ networkQuality: 1 }] })) };
    expect(stream(reduceStats(withQuality), OUT_V).networkQuality).toBe('poor');
    expect(stream(reduceStats(sample), OUT_V).networkQuality).toBeNull();
  });
});
