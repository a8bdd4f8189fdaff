import { describe, expect, it } from '@jest/globals';
import { benchCharts } from '../lib/charts.js';
import { goalsFor, janusRatio } from '../lib/goals.js';
import { histogram, summarize } from '../../web/src/measure/percentiles.js';
import { BenchResultSchema, type BenchResult, type LatencyPhase } from '../lib/schema.js';

function phase(extra: number, latencies: number[], cpuUsPerPacket: number | null): LatencyPhase {
  return {
    extraSubscribers: extra,
    extraConnected: extra,
    windowSeconds: 30,
    latencyMs: summarize(latencies),
    latencyHistogram: histogram(latencies, { binWidth: 5 }),
    framesDecoded: latencies.length,
    stampErrors: 0,
    server: { cpuPercent: 5 + extra * 0.3, cpuSeconds: 1, wallSeconds: 30, rssMiB: 80 + extra * 0.5 },
    forwardedPacketsPerSec: 60 * (extra + 1),
    cpuUsPerPacket,
    clients: null,
    subscriberPacketLossPercent: null,
  };
}

const latency: NonNullable<BenchResult['latency']> = {
  method: 'test',
  codec: 'VP8',
  resolution: '640x480',
  bitrateKbps: 500,
  phases: [phase(0, [40, 50, 60, 70], 90), phase(100, [60, 80, 100, 140], 25), phase(200, [90, 100, 120, 160], 18)],
  timeToFirstFrameMs: summarize([300, 400, 500]),
};

describe('goalsFor', () => {
  it('judges each figure against its goal from the phases it belongs to', () => {
    const goals = goalsFor({
      latency,
      sfu: { cpuPercentPerSubscriber: 0.25, rssMiBPerSubscriber: 0.5, marginalCpuUsPerPacket: 15, microbench: null },
      tokens: { selfSignedPerSec: 2500, selfSignedPerSecPerCore: 2500, handlerP50Ms: 0.3, handlerP99Ms: 1.2, emulated: null },
      web: { pages: [{ page: 'a.html', jsBytes: 1, gzipBytes: 20_000, files: [] }, { page: 'b.html', jsBytes: 1, gzipBytes: 61_000, files: [] }], sdk: null },
    });
    const byId = Object.fromEntries(goals.map((g) => [g.id, g]));
    expect(byId['latency-alone-p95']).toMatchObject({ value: summarize([40, 50, 60, 70])?.p95, pass: true });
    expect(byId['latency-100-p95']).toMatchObject({ value: summarize([60, 80, 100, 140])?.p95, pass: false });
    expect(byId['ttff-p95']?.pass).toBe(true);
    // The largest phase is the one judged: fixed costs are spread over the most packets there.
    expect(byId['sfu-us-per-packet']).toMatchObject({ value: 18, pass: true });
    expect(byId['sfu-subscribers-per-core']).toMatchObject({ value: 400, pass: true });
    expect(byId['tokens-per-core']).toMatchObject({ value: 2500, pass: true });
    expect(byId['page-js-gzip']).toMatchObject({ value: 61, pass: false });
    expect(byId['page-js-gzip']?.note).toContain('b.html');
  });

  it('leaves every figure unmeasured, with a reason, when nothing ran', () => {
    const goals = goalsFor({ latency: null, sfu: null, tokens: null, web: null });
    expect(goals.length).toBeGreaterThanOrEqual(7);
    for (const g of goals) {
      expect(g.value).toBeNull();
      expect(g.pass).toBeNull();
      expect(g.note).toMatch(/not run|needs/);
    }
  });

  it('says the 100-subscriber phase is missing on a quick run', () => {
    const quick = { ...latency, phases: [phase(0, [40, 50], null), phase(2, [41, 52], null)] };
    const g = goalsFor({ latency: quick, sfu: null, tokens: null, web: null }).find((x) => x.id === 'latency-100-p95');
    expect(g).toMatchObject({ value: null, pass: null });
    expect(g?.note).toContain('no phase with 100');
  });
});

describe('benchCharts', () => {
  const result = (l: BenchResult['latency']): BenchResult =>
    BenchResultSchema.parse({
      schemaVersion: 1,
      startedAt: '2026-11-24T12:00:00.000Z',
      finishedAt: '2026-11-24T12:05:00.000Z',
      durationSeconds: 300,
      quick: false,
      machine: { cpus: 2, cpuModel: 'x', memGiB: 8, os: 'Debian', node: '20', chromium: null, gitCommit: null },
      goals: [],
      latency: l,
      sfu: null,
      tokens: null,
      web: null,
      lambda: null,
      reference: null,
      skipped: [],
      notes: [],
    });

  it('draws the histograms, latency against subscribers and SFU use', () => {
    const charts = benchCharts(result(latency));
    expect(charts.map((c) => c.suffix)).toEqual(['latency-histogram.svg', 'latency-histogram-200.svg', 'latency-vs-subscribers.svg', 'sfu-cpu-vs-subscribers.svg']);
    for (const c of charts) expect(c.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const vs = charts[2]?.svg ?? '';
    expect(vs).toContain('p95 @ 200');
    expect(vs).toContain('goal p95 alone 80 ms');
  });

  it('draws only the SFU chart when no frame was decoded', () => {
    const synthetic = { ...latency, timeToFirstFrameMs: null, phases: latency.phases.map((p) => ({ ...p, latencyMs: null, latencyHistogram: [] })) };
    expect(benchCharts(result(synthetic)).map((c) => c.suffix)).toEqual(['sfu-cpu-vs-subscribers.svg']);
  });

  it('draws nothing without latency phases', () => {
    expect(benchCharts(result(null))).toEqual([]);
  });
});

describe('the Janus side-by-side', () => {
  const sfu = (usPerPacketAtMax: number | null): NonNullable<BenchResult['sfu']> => ({
    cpuPercentPerSubscriber: 0.2,
    rssMiBPerSubscriber: 0.5,
    marginalCpuUsPerPacket: 15,
    microbench: { usPerPacketAtMax },
  });
  const janus = (usPerPacketAtMax: number | null): BenchResult['reference'] => ({ janus: { ...sfu(usPerPacketAtMax) } });

  it('divides the sandbox µs per packet by Janus µs per packet at the largest step', () => {
    expect(janusRatio({ sfu: sfu(30), reference: janus(12) })).toEqual({ sandbox: 30, janus: 12, ratio: 2.5 });
  });

  it('has no ratio when either side was not measured', () => {
    expect(janusRatio({ sfu: sfu(30), reference: null })).toBeNull();
    expect(janusRatio({ sfu: null, reference: janus(12) })).toBeNull();
    expect(janusRatio({ sfu: sfu(30), reference: janus(null) })).toBeNull();
  });

  it('puts the ratio beside the SFU per-packet goal', () => {
    const row = goalsFor({ latency: null, sfu: sfu(30), tokens: null, web: null, reference: janus(12) }).find((g) => g.id === 'sfu-us-per-packet');
    expect(row?.note).toContain('2.50× Janus');
    const without = goalsFor({ latency: null, sfu: sfu(30), tokens: null, web: null }).find((g) => g.id === 'sfu-us-per-packet');
    expect(without?.note).not.toContain('Janus');
  });
});
