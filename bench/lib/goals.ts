/** The goals issues 4 and 7 set, each beside the figure measured for it (null, with the reason, when not measured). */
import { fmtNumber } from './markdown.js';
import { goal, type BenchResult, type Goal } from './schema.js';

/** A finite number at `record[key]`, else null (the reference sections are read from untyped records). */
const numberAt = (record: Record<string, unknown> | null | undefined, key: string): number | null => {
  const v = record?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * Sandbox µs per packet ÷ Janus µs per packet, both at the largest step of the same synthetic-publisher run
 * (bench/parts/sfu.ts benchSfu and benchJanus), when both were measured.
 */
export function janusRatio(r: Pick<BenchResult, 'sfu' | 'reference'>): { sandbox: number; janus: number; ratio: number } | null {
  const sandbox = numberAt(r.sfu?.microbench, 'usPerPacketAtMax');
  const janusSection = r.reference?.['janus'];
  const janusMicro = typeof janusSection === 'object' && janusSection !== null ? (janusSection as { microbench?: Record<string, unknown> | null }).microbench : null;
  const janus = numberAt(janusMicro, 'usPerPacketAtMax');
  if (sandbox === null || janus === null || janus <= 0) return null;
  return { sandbox, janus, ratio: sandbox / janus };
}

export function goalsFor(r: Pick<BenchResult, 'latency' | 'sfu' | 'tokens' | 'web'> & Partial<Pick<BenchResult, 'reference'>>): Goal[] {
  const phases = r.latency?.phases ?? [];
  const at = (n: number) => phases.find((p) => p.extraSubscribers === n);
  const notRun = !r.latency ? 'latency part not run or failed (see Skipped)' : r.latency.timeToFirstFrameMs === null && phases.every((p) => p.latencyMs === null) ? 'no decoded frames: see Skipped' : undefined;
  const alone = at(0);
  const hundred = at(100);
  const largest = [...phases].filter((p) => p.cpuUsPerPacket !== null).sort((a, b) => b.extraSubscribers - a.extraSubscribers)[0];
  const heaviest = [...(r.web?.pages ?? [])].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
  const perSub = r.sfu?.cpuPercentPerSubscriber ?? null;
  const micro = r.sfu?.microbench?.['usPerPacketAtMax'];
  const microAtMax = typeof micro === 'number' && Number.isFinite(micro) ? micro : null;
  const vsJanus = janusRatio({ sfu: r.sfu, reference: r.reference ?? null });
  const janusNote = vsJanus
    ? `; beside Janus (same steps): ${fmtNumber(vsJanus.sandbox)} ÷ ${fmtNumber(vsJanus.janus)} µs = ${fmtNumber(vsJanus.ratio, 2)}× Janus's CPU per packet`
    : '';
  return [
    goal('latency-alone-p95', 'sandbox glass-to-glass latency p95, viewer alone', alone?.latencyMs?.p95 ?? null, 'ms', '<=', 80, notRun ?? (alone ? undefined : 'no phase with 0 extra subscribers')),
    goal(
      'latency-100-p95',
      'sandbox glass-to-glass latency p95 with 100 extra subscribers',
      hundred?.latencyMs?.p95 ?? null,
      'ms',
      '<=',
      100,
      notRun ?? (hundred ? `${hundred.extraConnected} of 100 connected` : 'no phase with 100 extra subscribers (quick run?)'),
    ),
    goal('ttff-p95', 'viewer time-to-first-frame p95', r.latency?.timeToFirstFrameMs?.p95 ?? null, 'ms', '<=', 1000, notRun),
    goal(
      'sfu-us-per-packet',
      'SFU CPU per forwarded packet',
      largest?.cpuUsPerPacket ?? microAtMax,
      'µs',
      '<=',
      20,
      (largest
        ? `all sandbox CPU / packets forwarded with ${largest.extraSubscribers} extra subscribers; marginal (slope over phases) ${fmtNumber(r.sfu?.marginalCpuUsPerPacket ?? null)} µs`
        : microAtMax !== null
          ? `bench/parts/sfu.ts, largest step; marginal ${fmtNumber(r.sfu?.marginalCpuUsPerPacket ?? null)} µs`
          : r.latency
            ? 'no phase measured the SFU'
            : 'latency part not run or failed (see Skipped)') + janusNote,
    ),
    goal(
      'sfu-subscribers-per-core',
      'subscribers one core can forward to (~0.5 Mbit/s each)',
      perSub !== null && perSub > 0 ? 100 / perSub : null,
      'subscribers',
      '>=',
      300,
      perSub !== null ? `slope ${fmtNumber(perSub, 3)} % of a core per subscriber` : r.latency ? 'needs two or more phases' : 'latency part not run or failed (see Skipped)',
    ),
    goal(
      'tokens-per-core',
      'self-signed tokens per second per core (token handler)',
      r.tokens?.selfSignedPerSecPerCore ?? null,
      'tokens/s',
      '>=',
      2000,
      r.tokens?.handlerP99Ms != null ? `handler p99 ${fmtNumber(r.tokens.handlerP99Ms, 2)} ms` : r.tokens ? undefined : 'tokens part not run or failed (see Skipped)',
    ),
    goal(
      'page-js-gzip',
      'heaviest page JavaScript beyond the IVS SDK, gzip',
      heaviest ? heaviest.gzipBytes / 1000 : null,
      'KB',
      '<=',
      60,
      heaviest ? `${heaviest.page} (1 KB = 1,000 bytes)` : r.web ? 'no page' : 'web part not run or failed (see Skipped)',
    ),
  ];
}

