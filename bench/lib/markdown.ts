/**
 * Markdown summaries of bench and load-test results: each figure beside its goal with ✅ (met), ❌ (missed) or
 * ⚪ (not measured, with the reason), then the detail tables the figures came from.
 */
import type { BenchResult, Goal, LoadResult } from './schema.js';
import type { Summary } from '../../web/src/measure/percentiles.js';

export function fmtNumber(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 10_000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  return v.toFixed(digits);
}

export function mark(pass: boolean | null): string {
  return pass === null ? '⚪' : pass ? '✅' : '❌';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

export function goalsTable(goals: readonly Goal[]): string {
  return table(
    ['', 'figure', 'measured', 'goal', 'note'],
    goals.map((g) => [
      mark(g.pass),
      g.label,
      g.value === null ? 'not measured' : `${fmtNumber(g.value)} ${g.unit}`,
      `${g.comparator === '<=' ? '≤' : '≥'} ${fmtNumber(g.target)} ${g.unit}`,
      g.note ?? '',
    ]),
  );
}

function summaryCells(s: Summary | null | undefined): string[] {
  return s ? [fmtNumber(s.p50), fmtNumber(s.p95), fmtNumber(s.p99), String(s.count)] : ['—', '—', '—', '0'];
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function benchMarkdown(r: BenchResult, charts: readonly { file: string; alt: string }[] = []): string {
  const out: string[] = [];
  const met = r.goals.filter((g) => g.pass === true).length;
  const missed = r.goals.filter((g) => g.pass === false).length;
  const unmeasured = r.goals.filter((g) => g.pass === null).length;
  out.push(`# Benchmark results — ${r.startedAt.slice(0, 10)}${r.quick ? ' (quick run: figures are not representative)' : ''}`);
  out.push('');
  out.push(
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${fmtNumber(r.machine.memGiB)} GiB, ${r.machine.os}, Node ${r.machine.node}` +
      `${r.machine.chromium ? `, ${r.machine.chromium}` : ''}${r.machine.gitCommit ? `, commit ${r.machine.gitCommit.slice(0, 10)}` : ''}. ` +
      `Run took ${fmtNumber(r.durationSeconds / 60)} min.`,
  );
  out.push('');
  out.push(`## Goals — ${met} met, ${missed} missed, ${unmeasured} not measured`);
  out.push('');
  out.push(goalsTable(r.goals));
  out.push('');

  if (r.latency) {
    const l = r.latency;
    const decoded = l.phases.some((p) => p.latencyMs !== null);
    if (decoded) {
      out.push('## Glass-to-glass latency (sandbox)');
      out.push('');
      out.push(
        `One decoding Chromium viewer reads a timestamp code drawn into each frame by a Chromium publisher (${cell(l.method)}); ` +
          `${l.codec} ${l.resolution}${l.bitrateKbps !== null ? ` at ~${fmtNumber(l.bitrateKbps, 0)} kbit/s` : ''}. ` +
          'Extra subscribers are non-decoding Node WebRTC clients in a separate process.',
      );
    } else {
      out.push('## SFU phases (no browser: latency not measured)');
      out.push('');
      out.push(
        `The publisher was the synthetic werift publisher (${l.codec}, ~${fmtNumber(l.bitrateKbps, 0)} kbit/s) and no Chromium viewer ran (see Skipped); ` +
          'the extra subscribers are non-decoding Node WebRTC clients in a separate process, and the SFU figures come from /proc of the sandbox process.',
      );
    }
    out.push('');
    out.push(
      table(
        ['extra subscribers (connected)', 'p50 ms', 'p95 ms', 'p99 ms', 'frames', 'stamp errors', 'SFU CPU % of a core', 'SFU RSS MiB', 'forwarded pkt/s', 'SFU µs/pkt', 'subscriber loss %', 'machine CPU busy %'],
        l.phases.map((p) => [
          `${p.extraSubscribers} (${p.extraConnected})`,
          ...summaryCells(p.latencyMs).slice(0, 3),
          String(p.framesDecoded),
          String(p.stampErrors),
          fmtNumber(p.server?.cpuPercent),
          fmtNumber(p.server?.rssMiB),
          fmtNumber(p.forwardedPacketsPerSec, 0),
          fmtNumber(p.cpuUsPerPacket),
          fmtNumber(p.subscriberPacketLossPercent, 2),
          fmtNumber(p.systemCpuBusyPercent ?? null, 0),
        ]),
      ),
    );
    out.push('');
    if (l.timeToFirstFrameMs) {
      const t = l.timeToFirstFrameMs;
      out.push(`Viewer time-to-first-frame over ${t.count} fresh joins: p50 ${fmtNumber(t.p50)} ms, p95 ${fmtNumber(t.p95)} ms, max ${fmtNumber(t.max)} ms.`);
      out.push('');
    }
  }

  if (r.sfu) {
    out.push('## SFU cost per subscriber');
    out.push('');
    out.push(
      table(
        ['figure', 'value'],
        [
          ['CPU per subscriber (slope)', `${fmtNumber(r.sfu.cpuPercentPerSubscriber, 3)} % of a core`],
          ['RSS per subscriber (slope)', `${fmtNumber(r.sfu.rssMiBPerSubscriber, 3)} MiB`],
          ['marginal CPU per forwarded packet (slope)', `${fmtNumber(r.sfu.marginalCpuUsPerPacket)} µs`],
        ],
      ),
    );
    if (r.sfu.microbench) {
      const { steps, ...figures } = r.sfu.microbench;
      const source = typeof figures['source'] === 'string' ? figures['source'] : 'bench/parts/sfu.ts';
      delete figures['source'];
      out.push('');
      out.push(`Measured by ${source}:`);
      out.push('');
      out.push(table(['key', 'value'], Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? fmtNumber(v, 2) : JSON.stringify(v)])));
      if (steps && steps.length > 0) {
        const rows: Record<string, number | null | undefined>[] = steps.map((x) => ({ ...x }));
        const keys = [...new Set(rows.flatMap((x) => Object.keys(x)))];
        const cell = (v: number | null | undefined): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : fmtNumber(v, 1)) : '—');
        out.push('');
        out.push(table(keys, rows.map((x) => keys.map((k) => cell(x[k])))));
      }
    }
    out.push('');
  }

  if (r.tokens) {
    const t = r.tokens;
    out.push('## Token issuance');
    out.push('');
    const rows: string[][] = [
      ['self-signed minting (ES384), one core', `${fmtNumber(t.selfSignedPerSecPerCore, 0)} tokens/s`],
      ['token handler latency p50 / p99', `${fmtNumber(t.handlerP50Ms, 2)} / ${fmtNumber(t.handlerP99Ms, 2)} ms`],
    ];
    if (t.emulated) {
      rows.push([
        `CreateParticipantToken via AWS SDK → sandbox emulator (${t.emulated.concurrency} concurrent)`,
        `${fmtNumber(t.emulated.perSec, 0)} req/s, p50 ${fmtNumber(t.emulated.latencyMs?.p50, 2)} ms, p99 ${fmtNumber(t.emulated.latencyMs?.p99, 2)} ms, ${t.emulated.errors} errors of ${t.emulated.requests}`,
      ]);
    }
    out.push(table(['figure', 'value'], rows));
    out.push('');
  }

  if (r.web) {
    out.push('## Page weight (JavaScript, minified)');
    out.push('');
    out.push(
      'Everything each page can load beyond the IVS SDK chunk, lazily imported chunks included (what the goal is judged on), and the part loaded before any dynamic import.',
      '',
    );
    out.push(
      table(
        ['page', 'JS', 'gzip', 'gzip before lazy imports', 'files'],
        r.web.pages.map((p) => [p.page, kib(p.jsBytes), kib(p.gzipBytes), p.initialGzipBytes !== undefined ? kib(p.initialGzipBytes) : '—', p.files.join(', ')]),
      ),
    );
    if (r.web.sdk) out.push('', `IVS SDK chunk, excluded above: ${kib(r.web.sdk.gzipBytes)} gzip (${r.web.sdk.files.join(', ')}).`);
    out.push('');
  }

  if (r.lambda) {
    out.push('## Token Lambda');
    out.push('');
    out.push(
      table(
        ['figure', 'value'],
        [
          ['bundle (esbuild, minified, SDK bundled)', `${kib(r.lambda.bundleBytes)} (${kib(r.lambda.gzipBytes)} gzip)`],
          ['cold init (fresh node, import bundle) p50 / p95', `${fmtNumber(r.lambda.coldInitMs?.p50)} / ${fmtNumber(r.lambda.coldInitMs?.p95)} ms`],
        ],
      ),
    );
    out.push('');
  }

  if (r.reference) {
    out.push('## Reference SFU');
    out.push('');
    out.push('```json', JSON.stringify(r.reference, null, 2), '```', '');
  }

  if (charts.length > 0) {
    out.push('## Charts');
    out.push('');
    for (const c of charts) out.push(`![${c.alt}](${c.file})`, '');
  }
  if (r.skipped.length > 0) {
    out.push('## Skipped');
    out.push('');
    for (const s of r.skipped) out.push(`- **${s.what}**: ${s.why}`);
    out.push('');
  }
  if (r.notes.length > 0) {
    out.push('## Notes');
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}

export function loadMarkdown(r: LoadResult): string {
  const out: string[] = [];
  const pct = (r.successRate * 100).toFixed(2);
  const goalMet = r.mode === 'subscribers' ? r.successRate >= 0.99 : null;
  out.push(`# Load test — ${r.requested} ${r.mode === 'subscribers' ? 'subscribers' : 'token requests'}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(`Target ${r.target}; ramp ${fmtNumber(r.rampSeconds, 0)} s, hold ${fmtNumber(r.holdSeconds, 0)} s; ${r.machine.cpus} cores, ${fmtNumber(r.machine.memGiB)} GiB.`);
  out.push('');
  out.push(`${goalMet === null ? '' : `${mark(goalMet)} `}**${r.succeeded} of ${r.requested} succeeded (${pct} %)**${goalMet === null ? '' : ' — goal ≥ 99 %'}.`);
  out.push('');
  const rows: string[][] =
    r.mode === 'tokens'
      ? [['token request, incl. any 429 waits, ms', ...summaryCells(r.tokens?.latencyMs ?? r.joinMs)]]
      : [
          ['join (offer → ICE+DTLS connected), ms', ...summaryCells(r.joinMs)],
          ['first media packet (from offer), ms', ...summaryCells(r.firstPacketMs)],
          ['packet loss per subscriber, %', ...summaryCells(r.lossPercent)],
        ];
  out.push(table(['figure', 'p50', 'p95', 'p99', 'n'], rows));
  out.push('');
  if (r.mode === 'subscribers') {
    out.push(`Packets received by all subscribers: ${r.packetsTotal.toLocaleString('en-US')}.`);
    out.push('');
  }
  if (r.tokens) {
    out.push(`Token statuses: ${Object.entries(r.tokens.statuses).map(([k, v]) => `${k} × ${v}`).join(', ')}; 429 retries honoured: ${r.tokens.retries429}.`);
    out.push('');
  }
  if (Object.keys(r.errors).length > 0) {
    out.push('Errors:');
    out.push('');
    for (const [k, v] of Object.entries(r.errors)) out.push(`- ${v} × ${k}`);
    out.push('');
  }
  const l = r.limits;
  out.push('## Limits');
  out.push('');
  if (r.mode === 'subscribers') {
    out.push(
      table(
        ['resource (measured during the hold)', 'value'],
        [
          ['ulimit -n (open files)', fmtNumber(l.ulimitNoFile, 0)],
          ['ephemeral port range size', fmtNumber(l.ephemeralPorts, 0)],
          ['SFU (sandbox process) CPU % of one core / peak RSS MiB', l.serverPeak ? `${fmtNumber(l.serverPeak.cpuPercent)} / ${fmtNumber(l.serverPeak.peakRssMiB ?? l.serverPeak.rssMiB)}` : '—'],
          ['subscriber processes CPU % of one core / peak RSS MiB', l.clientsPeak ? `${fmtNumber(l.clientsPeak.cpuPercent)} / ${fmtNumber(l.clientsPeak.peakRssMiB ?? l.clientsPeak.rssMiB)}` : '—'],
          ['machine CPU busy, % of all cores', fmtNumber(l.systemCpuBusyPercent)],
          ['peak open fds (SFU)', fmtNumber(l.openFdsPeak, 0)],
          ['peak UDP sockets (whole machine)', fmtNumber(l.udpSocketsPeak, 0)],
          ['packets forwarded per second (all subscribers)', fmtNumber(l.forwardedPacketsPerSec ?? null, 0)],
          ['CPU per forwarded packet: SFU / subscribers, µs', `${fmtNumber(l.serverCpuUsPerPacket ?? null)} / ${fmtNumber(l.clientsCpuUsPerPacket ?? null)}`],
        ],
      ),
    );
    out.push('');
  }
  out.push(`Verdict: ${l.verdict}`);
  out.push('');
  return out.join('\n');
}
