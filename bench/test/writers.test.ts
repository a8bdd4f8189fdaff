import { describe, expect, it } from '@jest/globals';
import { BenchResultSchema, LoadResultSchema, goal, type BenchResult, type LoadResult } from '../lib/schema.js';
import { benchMarkdown, fmtNumber, goalsTable, loadMarkdown } from '../lib/markdown.js';
import { escapeXml, histogramSvg, lineChartSvg } from '../lib/svg.js';
import { histogram, summarize } from '../../web/src/measure/percentiles.js';
import { parseStat } from '../lib/proc.js';

const machine = { cpus: 2, cpuModel: 'Test CPU', memGiB: 24, os: 'Debian 12', node: '20.20.2', chromium: 'Chromium 1', gitCommit: 'abc123' };

function sampleResult(): BenchResult {
  const latencies = [40, 42, 45, 50, 61, 70, 95];
  return {
    schemaVersion: 1,
    startedAt: '2026-11-24T12:00:00.000Z',
    finishedAt: '2026-11-24T12:10:00.000Z',
    durationSeconds: 600,
    quick: false,
    machine,
    goals: [
      goal('latency-alone-p95', 'latency p95, viewer alone', 66, 'ms', '<=', 80),
      goal('latency-100-p95', 'latency p95, 100 subscribers', 120, 'ms', '<=', 100),
      goal('tokens', 'self-signed tokens per core', null, 'tokens/s', '>=', 2000, 'token bench not built'),
    ],
    latency: {
      method: 'bench/harness drawn blocks',
      codec: 'VP8',
      resolution: '640x480',
      bitrateKbps: 520,
      phases: [
        {
          extraSubscribers: 0,
          extraConnected: 0,
          windowSeconds: 20,
          latencyMs: summarize(latencies),
          latencyHistogram: histogram(latencies, { binWidth: 10 }),
          framesDecoded: 7,
          stampErrors: 1,
          server: { cpuPercent: 6, cpuSeconds: 1.2, wallSeconds: 20, rssMiB: 90 },
          forwardedPacketsPerSec: 60,
          cpuUsPerPacket: 1000,
          clients: null,
          subscriberPacketLossPercent: null,
        },
      ],
      timeToFirstFrameMs: summarize([300, 350, 420]),
    },
    sfu: { cpuPercentPerSubscriber: 0.35, rssMiBPerSubscriber: 1.2, marginalCpuUsPerPacket: 18, microbench: { usPerPacketAtMax: 12.5 } },
    tokens: { selfSignedPerSec: 4000, selfSignedPerSecPerCore: 4000, handlerP50Ms: 0.4, handlerP99Ms: 2.1, emulated: null },
    web: { pages: [{ page: 'viewer', jsBytes: 40_000, gzipBytes: 12_000, files: ['viewer.js'] }], sdk: { files: ['ivs.js'], gzipBytes: 204_000 } },
    lambda: { bundleBytes: 300_000, gzipBytes: 90_000, coldInitMs: summarize([120, 130, 140]) },
    reference: null,
    skipped: [{ what: 'Janus', why: 'not installed' }],
    notes: ['a note'],
  };
}

describe('result schema', () => {
  it('accepts a complete result and round-trips through JSON', () => {
    const r = sampleResult();
    expect(BenchResultSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('rejects a result with a wrong type or missing section key', () => {
    const bad = { ...sampleResult(), durationSeconds: 'ten' };
    expect(BenchResultSchema.safeParse(bad).success).toBe(false);
    const { skipped: _skipped, ...missing } = sampleResult();
    expect(BenchResultSchema.safeParse(missing).success).toBe(false);
  });

  it('decides pass/fail from the comparator, and null when unmeasured', () => {
    expect(goal('a', 'a', 80, 'ms', '<=', 80).pass).toBe(true);
    expect(goal('a', 'a', 80.1, 'ms', '<=', 80).pass).toBe(false);
    expect(goal('b', 'b', 1999, '/s', '>=', 2000).pass).toBe(false);
    expect(goal('c', 'c', Number.NaN, '/s', '>=', 2000)).toMatchObject({ value: null, pass: null });
  });

  it('validates load results', () => {
    const r: LoadResult = {
      schemaVersion: 1,
      kind: 'loadtest',
      startedAt: '2026-11-24T12:00:00.000Z',
      finishedAt: '2026-11-24T12:02:00.000Z',
      target: 'sandbox',
      mode: 'subscribers',
      requested: 2,
      rampSeconds: 1,
      holdSeconds: 5,
      machine,
      succeeded: 1,
      successRate: 0.5,
      joinMs: summarize([100]),
      firstPacketMs: summarize([120]),
      lossPercent: summarize([0]),
      packetsTotal: 500,
      errors: { 'ICE timeout': 1 },
      tokens: null,
      limits: { ulimitNoFile: 1024, ephemeralPorts: 28232, serverPeak: null, clientsPeak: null, systemCpuBusyPercent: 40, openFdsPeak: 30, udpSocketsPeak: 10, verdict: 'ok' },
      samples: [],
      subscribers: [
        { index: 0, ok: true, startedAtMs: 0, joinMs: 100, firstPacketMs: 120, packets: 500, lost: 0, error: null },
        { index: 1, ok: false, startedAtMs: 1000, joinMs: null, firstPacketMs: null, packets: 0, lost: 0, error: 'ICE timeout' },
      ],
    };
    expect(LoadResultSchema.parse(r)).toEqual(r);
    expect(LoadResultSchema.safeParse({ ...r, successRate: 1.5 }).success).toBe(false);
    const md = loadMarkdown(r);
    expect(md).toContain('❌ **1 of 2 succeeded (50.00 %)**');
    expect(md).toContain('1 × ICE timeout');
    expect(md).toContain('| join (offer → ICE+DTLS connected), ms | 100 | 100 | 100 | 1 |');
    expect(md).toContain('| ephemeral port range size | 28,232 |');

    // The token flash crowd reports request latency and statuses, and no subscriber-only rows or limits table.
    const t: LoadResult = {
      ...r,
      mode: 'tokens',
      succeeded: 2,
      successRate: 1,
      errors: {},
      subscribers: [],
      tokens: { statuses: { '201': 2, '429': 1 }, retries429: 1, latencyMs: summarize([20, 1030]) },
    };
    const tmd = loadMarkdown(t);
    expect(tmd).toContain('token request, incl. any 429 waits, ms | 525');
    expect(tmd).toContain('Token statuses: 201 × 2, 429 × 1; 429 retries honoured: 1.');
    expect(tmd).not.toContain('first media packet');
    expect(tmd).not.toContain('ephemeral port range');
  });
});

describe('markdown', () => {
  it('puts each figure beside its goal with a mark', () => {
    const md = goalsTable(sampleResult().goals);
    const lines = md.split('\n');
    expect(lines[2]).toBe('| ✅ | latency p95, viewer alone | 66.0 ms | ≤ 80.0 ms |  |');
    expect(lines[3]).toBe('| ❌ | latency p95, 100 subscribers | 120 ms | ≤ 100 ms |  |');
    expect(lines[4]).toBe('| ⚪ | self-signed tokens per core | not measured | ≥ 2000 tokens/s | token bench not built |');
  });

  it('writes the whole summary with sections, charts, skipped parts and notes', () => {
    const md = benchMarkdown(sampleResult(), [{ file: 'x-hist.svg', alt: 'latency histogram' }]);
    expect(md).toContain('## Goals — 1 met, 1 missed, 1 not measured');
    expect(md).toMatch(/\| 0 \(0\) \| 50\.0 \| 87\.5 \| 93\.5 \| 7 \| 1 \|/);
    expect(md).toContain('time-to-first-frame over 3 fresh joins: p50 350 ms');
    expect(md).toContain('![latency histogram](x-hist.svg)');
    expect(md).toContain('- **Janus**: not installed');
    expect(md).toContain('| viewer | 39.1 KiB | 11.7 KiB | — | viewer.js |');
  });

  it('formats numbers readably', () => {
    expect(fmtNumber(null)).toBe('—');
    expect(fmtNumber(12.345)).toBe('12.3');
    expect(fmtNumber(123.4)).toBe('123');
    expect(fmtNumber(123456)).toBe('123,456');
  });
});

describe('svg', () => {
  it('draws one bar per non-empty bin and labelled markers', () => {
    const svg = histogramSvg(
      [
        { from: 0, to: 10, count: 3 },
        { from: 10, to: 20, count: 0 },
        { from: 20, to: 30, count: 1 },
      ],
      { title: 'Latency <alone>', xLabel: 'ms', markers: [{ value: 25, label: 'p95 25 ms' }] },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('Latency &lt;alone&gt;');
    expect(svg).toContain('p95 25 ms');
    expect(svg).toContain('<title>0–10: 3</title>');
  });

  it('draws series with a break at unmeasured points and a goal line', () => {
    const svg = lineChartSvg(
      [
        { name: 'p95', points: [{ x: 0, y: 60 }, { x: 50, y: 70 }, { x: 100, y: null }, { x: 200, y: 110 }] },
        { name: 'p50', points: [{ x: 0, y: 40 }, { x: 200, y: 55 }] },
      ],
      { title: 'Latency vs subscribers', xLabel: 'subscribers', yLabel: 'ms', hLines: [{ value: 100, label: 'goal 100 ms' }] },
    );
    expect(svg.match(/<circle /g)).toHaveLength(5);
    // p95 breaks at the null: one polyline for its first two points, none for the lone last point; one for p50.
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('goal 100 ms');
  });

  it('says "no data" rather than drawing nothing', () => {
    expect(histogramSvg([], { title: 't', xLabel: 'x' })).toContain('no data');
    expect(lineChartSvg([{ name: 'a', points: [{ x: 1, y: null }] }], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('no data');
  });

  it('escapes XML', () => {
    expect(escapeXml(`a<b & "c"`)).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});

describe('proc stat parsing', () => {
  it('reads cpu and rss even when the command name has spaces and parentheses', () => {
    const fields = ['S', '42', '1', '1', '0', '-1', '4194304', '100', '0', '0', '0', '250', '50', '0', '0', '20', '0', '5', '0', '123', '1000000', '2560'];
    const s = parseStat(`1234 (node (x) y) ${fields.join(' ')}`);
    expect(s).toEqual({ pid: 1234, ppid: 42, cpuSeconds: 3, rssKiB: 2560 * 4 });
  });
  it('is null for garbage', () => {
    expect(parseStat('garbage')).toBeNull();
  });
});
