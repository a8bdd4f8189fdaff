/**
 * The shape of bench/results/<date>.json (zod: the file is read back by the Markdown/SVG writers and by people's own
 * scripts, so it is validated on write and on read). Every section is optional because a run may skip a part (no
 * Chromium, a piece not built yet); a skipped part is listed in `skipped` with the reason, never silently absent.
 */
import { z } from 'zod';

const SummarySchema = z.object({
  count: z.number().int().nonnegative(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
});

const HistogramBinSchema = z.object({ from: z.number(), to: z.number(), count: z.number().int().nonnegative() });

/** Resource use of one process over a measurement window. */
const ProcessUsageSchema = z.object({
  /** CPU time used in the window over wall time, in % of one core (200 = both cores of this box). */
  cpuPercent: z.number().nonnegative(),
  cpuSeconds: z.number().nonnegative(),
  wallSeconds: z.number().positive(),
  rssMiB: z.number().nonnegative(),
  peakRssMiB: z.number().nonnegative().optional(),
});
export type ProcessUsage = z.infer<typeof ProcessUsageSchema>;

const LatencyPhaseSchema = z.object({
  /** Extra non-decoding subscribers requested for this phase. */
  extraSubscribers: z.number().int().nonnegative(),
  /** How many of them were receiving media during the window. */
  extraConnected: z.number().int().nonnegative(),
  windowSeconds: z.number().positive(),
  /** Glass-to-glass latency of the decoding viewer, ms. */
  latencyMs: SummarySchema.nullable(),
  latencyHistogram: z.array(HistogramBinSchema),
  framesDecoded: z.number().int().nonnegative(),
  /** Frames whose stamp failed its checksum (compression damage, partial frame). */
  stampErrors: z.number().int().nonnegative(),
  /** SFU (sandbox process) use during the window. */
  server: ProcessUsageSchema.nullable(),
  /** RTP packets the SFU forwarded per second in the window (sum over all subscribers, as received). */
  forwardedPacketsPerSec: z.number().nonnegative().nullable(),
  /** Sandbox CPU per forwarded packet in the window (all its CPU, idle included), µs. */
  cpuUsPerPacket: z.number().nonnegative().nullable(),
  /** Node subscriber process(es) use in the window, for reference (not the SFU). */
  clients: ProcessUsageSchema.nullable(),
  subscriberPacketLossPercent: z.number().nonnegative().nullable(),
  /** Whole-machine CPU busy in the window, % of all cores: on a shared machine, how much was not this run. */
  systemCpuBusyPercent: z.number().nonnegative().nullable().optional(),
});
export type LatencyPhase = z.infer<typeof LatencyPhaseSchema>;

const LatencySectionSchema = z.object({
  /** Which stamping code drew and read the frames (bench/harness or web/src/measure). */
  method: z.string(),
  codec: z.string(),
  resolution: z.string(),
  /** Publisher's target bitrate as observed by the viewer, kbit/s. */
  bitrateKbps: z.number().nonnegative().nullable(),
  phases: z.array(LatencyPhaseSchema),
  /** Viewer time-to-first-frame over several fresh joins (WHEP POST to first decoded frame), ms. */
  timeToFirstFrameMs: SummarySchema.nullable(),
});
export type LatencySection = z.infer<typeof LatencySectionSchema>;

/** One step of the synthetic-publisher run (bench/parts/sfu.ts SfuStep). */
const SfuStepSchema = z.object({
  subscribers: z.number(),
  connected: z.number(),
  windowSeconds: z.number(),
  cpuPercent: z.number(),
  rssMiB: z.number(),
  forwardedPerSec: z.number(),
  receivedPerSec: z.number(),
  usPerForwardedPacket: z.number().nullable(),
  lost: z.number(),
  /** Absent in results recorded before it was measured. */
  expectedPerSec: z.number().optional(),
});

/** The synthetic-publisher run's own figures (bench/parts/sfu.ts benchSfu / benchJanus). */
const SfuMicrobenchSchema = z.object({
  source: z.string().optional(),
  bitrateKbps: z.number().optional(),
  audio: z.boolean().optional(),
  /** Total CPU per forwarded packet at the largest step, µs. */
  usPerPacketAtMax: z.number().nullable().optional(),
  marginalCpuUsPerExpectedPacket: z.number().nullable().optional(),
  deliveredRatioAtMax: z.number().nullable().optional(),
  subscribersAtMax: z.number().optional(),
  cpuPercentAtMax: z.number().nullable().optional(),
  idleCpuPercent: z.number().nullable().optional(),
  /** The run's own slopes, kept here when the latency phases' fit is the SFU figure (bench/run.ts). */
  cpuPercentPerSubscriber: z.number().nullable().optional(),
  rssMiBPerSubscriber: z.number().nullable().optional(),
  marginalCpuUsPerPacket: z.number().nullable().optional(),
  steps: z.array(SfuStepSchema).optional(),
});

export const SfuSectionSchema = z.object({
  /** Slope of sandbox CPU % over subscriber count, % of one core per subscriber. */
  cpuPercentPerSubscriber: z.number().nullable(),
  /** Slope of sandbox RSS over subscriber count, MiB per subscriber. */
  rssMiBPerSubscriber: z.number().nullable(),
  /** Slope of sandbox CPU time over forwarded packet rate: the marginal cost of one forwarded packet, µs. */
  marginalCpuUsPerPacket: z.number().nullable(),
  /** The synthetic-publisher run (bench/parts/sfu.ts), when it ran. */
  microbench: SfuMicrobenchSchema.nullable(),
});

const TokenSectionSchema = z.object({
  selfSignedPerSec: z.number().nonnegative().nullable(),
  /** One core's share: self-signed minting runs on one thread. */
  selfSignedPerSecPerCore: z.number().nonnegative().nullable(),
  handlerP50Ms: z.number().nonnegative().nullable(),
  handlerP99Ms: z.number().nonnegative().nullable(),
  /** CreateParticipantToken through the real AWS SDK client against the sandbox's IVS emulator. */
  emulated: z
    .object({
      requests: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
      concurrency: z.number().int().positive(),
      perSec: z.number().nonnegative(),
      latencyMs: SummarySchema.nullable(),
    })
    .nullable(),
});

const WebPageSchema = z.object({
  page: z.string(),
  /** Bytes of the page's own JavaScript (entry and its chunks, IVS SDK chunk excluded), minified. */
  jsBytes: z.number().int().nonnegative(),
  gzipBytes: z.number().int().nonnegative(),
  /** gzip of what the page loads before any dynamic import() (static import graph only). */
  initialGzipBytes: z.number().int().nonnegative().optional(),
  files: z.array(z.string()),
});

const WebSectionSchema = z.object({
  pages: z.array(WebPageSchema),
  /** The IVS SDK chunk(s) left out of the per-page figures. */
  sdk: z.object({ files: z.array(z.string()), gzipBytes: z.number().int().nonnegative() }).nullable(),
});

const LambdaSectionSchema = z.object({
  bundleBytes: z.number().int().nonnegative(),
  gzipBytes: z.number().int().nonnegative(),
  /** Fresh `node` process: time to import the bundle (module init) with the env the function gets, ms. */
  coldInitMs: SummarySchema.nullable(),
});

const GoalSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** null when the figure could not be measured (see `note`). */
  value: z.number().nullable(),
  unit: z.string(),
  target: z.number(),
  comparator: z.enum(['<=', '>=']),
  /** null when not measured. */
  pass: z.boolean().nullable(),
  note: z.string().optional(),
});
export type Goal = z.infer<typeof GoalSchema>;

const MachineSchema = z.object({
  cpus: z.number().int().positive(),
  cpuModel: z.string(),
  memGiB: z.number().positive(),
  os: z.string(),
  node: z.string(),
  chromium: z.string().nullable(),
  gitCommit: z.string().nullable(),
});

export const BenchResultSchema = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationSeconds: z.number().nonnegative(),
  quick: z.boolean(),
  machine: MachineSchema,
  goals: z.array(GoalSchema),
  latency: LatencySectionSchema.nullable(),
  sfu: SfuSectionSchema.nullable(),
  tokens: TokenSectionSchema.nullable(),
  web: WebSectionSchema.nullable(),
  lambda: LambdaSectionSchema.nullable(),
  /** Janus (Debian) side by side, when installed. */
  reference: z.record(z.string(), z.unknown()).nullable(),
  skipped: z.array(z.object({ what: z.string(), why: z.string() })),
  notes: z.array(z.string()),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;

/** Builds a goal row, deciding pass/fail from the comparator (null value → not measured). */
export function goal(
  id: string,
  label: string,
  value: number | null,
  unit: string,
  comparator: '<=' | '>=',
  target: number,
  note?: string,
): Goal {
  const measured = value !== null && Number.isFinite(value);
  const pass = !measured ? null : comparator === '<=' ? (value as number) <= target : (value as number) >= target;
  return { id, label, value: measured ? value : null, unit, target, comparator, pass, ...(note ? { note } : {}) };
}

/* ---------------------------------------------------------------- load test ---------------------------------------- */

export const LoadSubscriberSchema = z.object({
  index: z.number().int().nonnegative(),
  ok: z.boolean(),
  /** Ramp start offset, ms since the run began. */
  startedAtMs: z.number().nonnegative(),
  /** WHEP POST → ICE+DTLS connected, ms. */
  joinMs: z.number().nonnegative().nullable(),
  /** WHEP POST → first RTP packet, ms. */
  firstPacketMs: z.number().nonnegative().nullable(),
  packets: z.number().int().nonnegative(),
  /** From RTP sequence gaps, after NACK recovery window. */
  lost: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type LoadSubscriber = z.infer<typeof LoadSubscriberSchema>;

export const LoadResultSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('loadtest'),
  startedAt: z.string(),
  finishedAt: z.string(),
  target: z.string(),
  mode: z.enum(['subscribers', 'tokens']),
  requested: z.number().int().nonnegative(),
  rampSeconds: z.number().nonnegative(),
  holdSeconds: z.number().nonnegative(),
  machine: MachineSchema,
  succeeded: z.number().int().nonnegative(),
  successRate: z.number().min(0).max(1),
  joinMs: SummarySchema.nullable(),
  firstPacketMs: SummarySchema.nullable(),
  lossPercent: SummarySchema.nullable(),
  packetsTotal: z.number().int().nonnegative(),
  errors: z.record(z.string(), z.number().int().nonnegative()),
  /** Token flash crowd (mode tokens): status counts, 429 retries honoured, latency. */
  tokens: z
    .object({
      statuses: z.record(z.string(), z.number().int().nonnegative()),
      retries429: z.number().int().nonnegative(),
      latencyMs: SummarySchema.nullable(),
    })
    .nullable(),
  /** What the box had and used: the evidence for what limited the run. */
  limits: z.object({
    ulimitNoFile: z.number().nullable(),
    ephemeralPorts: z.number().nullable(),
    serverPeak: ProcessUsageSchema.nullable(),
    clientsPeak: ProcessUsageSchema.nullable(),
    /** System-wide CPU busy %, 100 = every core busy, sampled during the hold. */
    systemCpuBusyPercent: z.number().nullable(),
    openFdsPeak: z.number().nullable(),
    udpSocketsPeak: z.number().nullable(),
    /** RTP packets all subscribers received per second during the hold (what the SFU forwarded). */
    forwardedPacketsPerSec: z.number().nonnegative().nullable().optional(),
    /** Hold-window CPU per forwarded packet: the SFU process, and the subscriber processes (SRTP + bookkeeping), µs. */
    serverCpuUsPerPacket: z.number().nonnegative().nullable().optional(),
    clientsCpuUsPerPacket: z.number().nonnegative().nullable().optional(),
    verdict: z.string(),
  }),
  samples: z.array(
    z.object({
      tMs: z.number(),
      joined: z.number().int(),
      failed: z.number().int(),
      serverCpuPercent: z.number().nullable(),
      serverRssMiB: z.number().nullable(),
      clientsCpuPercent: z.number().nullable(),
    }),
  ),
  subscribers: z.array(LoadSubscriberSchema),
});
export type LoadResult = z.infer<typeof LoadResultSchema>;
