/**
 * Pure reducers from raw driver statistics (StatsSample: RTCStatsReport per stream, plus IVS quality stats) to one
 * typed StatsSnapshot per sample, the same for the IVS and the sandbox driver. Rates (bitrate, loss over the interval)
 * come from two samples, as in livekit's client: cumulative counters differenced over their own stats timestamps.
 */
import type { StatsSample, StreamDirection, StreamKind, StreamStatsSample } from '../stage/stats-sample.js';

/** IVS NetworkQuality (SDK const enum: 4 EXCELLENT … 0 DOWN) as names. */
export const NETWORK_QUALITY = ['down', 'poor', 'normal', 'good', 'excellent'] as const;
export type NetworkQualityName = (typeof NETWORK_QUALITY)[number];

export interface StreamSnapshot {
  /** participantId:kind:direction, stable across samples. */
  readonly key: string;
  readonly participantId: string;
  readonly kind: StreamKind;
  readonly direction: StreamDirection;
  readonly codec: string | null;
  /** Payload bitrate over the interval since the previous sample (kbit/s); null on the first sample. */
  readonly bitrateKbps: number | null;
  readonly fps: number | null;
  readonly width: number | null;
  readonly height: number | null;
  /**
   * Packets lost as % of packets expected: over the interval when a previous sample exists, else since the start.
   * Outbound: as the receiver reported it back (remote-inbound-rtp).
   */
  readonly packetLossPct: number | null;
  readonly jitterMs: number | null;
  readonly rttMs: number | null;
  readonly nackCount: number | null;
  readonly pliCount: number | null;
  readonly firCount: number | null;
  /** Outbound video: why the encoder lowers quality ('none', 'bandwidth', 'cpu', 'other'). */
  readonly qualityLimitationReason: string | null;
  /** Inbound video: freezes since the start and their total duration. */
  readonly freezeCount: number | null;
  readonly freezeDurationS: number | null;
  readonly framesDropped: number | null;
  /** IVS SDK network quality (worst of the stream's entries), when the driver supplies quality stats. */
  readonly networkQuality: NetworkQualityName | null;
}

export interface StatsSnapshot {
  /** performance.now() of the sample. */
  readonly at: number;
  /** ms since the previous sample, null for the first. */
  readonly intervalMs: number | null;
  readonly streams: readonly StreamSnapshot[];
}

type Stat = Record<string, unknown>;

function num(s: Stat | undefined, field: string): number | null {
  const v = s?.[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(s: Stat | undefined, field: string): string | null {
  const v = s?.[field];
  return typeof v === 'string' ? v : null;
}

function statsOfType(report: RTCStatsReport | undefined, type: string, kind: StreamKind): Stat[] {
  const out: Stat[] = [];
  report?.forEach((value: unknown) => {
    if (typeof value !== 'object' || value === null) return;
    const s = value as Stat;
    if (s['type'] === type && (s['kind'] === kind || s['mediaType'] === kind)) out.push(s);
  });
  return out;
}

function getStat(report: RTCStatsReport | undefined, id: unknown): Stat | undefined {
  if (!report || typeof id !== 'string') return undefined;
  const v: unknown = report.get(id);
  return typeof v === 'object' && v !== null ? (v as Stat) : undefined;
}

function sum(stats: readonly Stat[], field: string): number | null {
  let total: number | null = null;
  for (const s of stats) {
    const v = num(s, field);
    if (v !== null) total = (total ?? 0) + v;
  }
  return total;
}

/** The largest active layer: what a viewer would see at best (simulcast sends several outbound-rtp). */
function topLayer(stats: readonly Stat[]): Stat | undefined {
  let best: Stat | undefined;
  for (const s of stats) {
    if (s['active'] === false) continue;
    const area = (num(s, 'frameWidth') ?? 0) * (num(s, 'frameHeight') ?? 0);
    const bestArea = best ? (num(best, 'frameWidth') ?? 0) * (num(best, 'frameHeight') ?? 0) : -1;
    if (area > bestArea) best = s;
  }
  return best ?? stats[0];
}

/** Latest timestamp among stats (ms); stats carry their own clock, more precise than when the sample was taken. */
function latestTimestamp(stats: readonly Stat[]): number | null {
  let t: number | null = null;
  for (const s of stats) {
    const v = num(s, 'timestamp');
    if (v !== null && (t === null || v > t)) t = v;
  }
  return t;
}

/** RTT in ms of the transport's selected candidate pair (the inbound side has no remote-inbound-rtp). */
function candidatePairRttMs(report: RTCStatsReport | undefined, rtp: Stat | undefined): number | null {
  const transport = getStat(report, rtp?.['transportId']);
  let pair = getStat(report, transport?.['selectedCandidatePairId']);
  if (!pair) {
    report?.forEach((value: unknown) => {
      const s = value as Stat;
      if (!pair && s['type'] === 'candidate-pair' && (s['nominated'] === true || s['selected'] === true) && s['state'] === 'succeeded') pair = s;
    });
  }
  const rtt = num(pair, 'currentRoundTripTime');
  return rtt === null ? null : rtt * 1000;
}

function codecName(report: RTCStatsReport | undefined, rtp: Stat | undefined): string | null {
  const mime = str(getStat(report, rtp?.['codecId']), 'mimeType');
  return mime ? (mime.split('/')[1] ?? mime) : null;
}

/** Worst networkQuality among the IVS SDK's quality entries for this stream; null when absent or unrecognised. */
export function reduceNetworkQuality(quality: unknown): NetworkQualityName | null {
  const entries = Array.isArray(quality) ? quality : quality === undefined || quality === null ? [] : [quality];
  let worst: number | null = null;
  for (const e of entries) {
    if (typeof e !== 'object' || e === null) continue;
    const q = (e as Stat)['networkQuality'];
    if (typeof q === 'number' && Number.isInteger(q) && q >= 0 && q < NETWORK_QUALITY.length) worst = worst === null ? q : Math.min(worst, q);
  }
  return worst === null ? null : (NETWORK_QUALITY[worst] ?? null);
}

function lossPct(lost: number | null, expected: number | null): number | null {
  if (lost === null || expected === null || expected <= 0) return null;
  return Math.min(100, Math.max(0, (lost / expected) * 100));
}

function delta(cur: number | null, prev: number | null): number | null {
  return cur === null || prev === null ? null : cur - prev;
}

function streamKey(s: Pick<StreamStatsSample, 'participantId' | 'kind' | 'direction'>): string {
  return `${s.participantId}:${s.kind}:${s.direction}`;
}

/** One stream's snapshot from its current sample and (optionally) its previous one. */
function reduceStream(cur: StreamStatsSample, prev?: StreamStatsSample): StreamSnapshot {
  const outbound = cur.direction === 'outbound';
  const rtpType = outbound ? 'outbound-rtp' : 'inbound-rtp';
  const bytesField = outbound ? 'bytesSent' : 'bytesReceived';
  const rtp = statsOfType(cur.rtc, rtpType, cur.kind);
  const prevRtp = prev ? statsOfType(prev.rtc, rtpType, cur.kind) : [];
  const top = topLayer(rtp);

  // Difference only the SSRCs present in both samples, so a layer appearing or a renegotiation never yields a negative rate.
  const prevById = new Map(prevRtp.map((s) => [s['id'], s]));
  const common = rtp.filter((s) => prevById.has(s['id']));
  const commonPrev = common.map((s) => prevById.get(s['id']) as Stat);
  const dtMs = delta(latestTimestamp(common), latestTimestamp(commonPrev));
  const dBytes = delta(sum(common, bytesField), sum(commonPrev, bytesField));
  const bitrateKbps = dtMs !== null && dtMs > 0 && dBytes !== null && dBytes >= 0 ? (dBytes * 8) / dtMs : null;

  let packetLossPct: number | null;
  let jitterMs: number | null;
  let rttMs: number | null;
  if (outbound) {
    const remoteOf = (report: RTCStatsReport | undefined, list: readonly Stat[]) =>
      list.map((s) => getStat(report, s['remoteId'])).filter((s): s is Stat => s !== undefined);
    const remoteNow = remoteOf(cur.rtc, common);
    const remoteBefore = remoteOf(prev?.rtc, commonPrev);
    // RTCP receiver reports arrive about once a second, so the interval figure trails the media by up to that much.
    const dLost = remoteNow.length && remoteNow.length === remoteBefore.length ? delta(sum(remoteNow, 'packetsLost'), sum(remoteBefore, 'packetsLost')) : null;
    const dSent = delta(sum(common, 'packetsSent'), sum(commonPrev, 'packetsSent'));
    packetLossPct =
      dLost !== null && dSent !== null && dSent > 0 ? lossPct(dLost, dSent) : lossPct(sum(remoteOf(cur.rtc, rtp), 'packetsLost'), sum(rtp, 'packetsSent'));
    const remote = remoteOf(cur.rtc, rtp);
    const topRemote = getStat(cur.rtc, top?.['remoteId']) ?? remote[0];
    const jitter = num(topRemote, 'jitter');
    jitterMs = jitter === null ? null : jitter * 1000;
    const rtt = num(topRemote, 'roundTripTime');
    rttMs = rtt === null ? candidatePairRttMs(cur.rtc, top) : rtt * 1000;
  } else {
    const lost = sum(rtp, 'packetsLost');
    const received = sum(rtp, 'packetsReceived');
    const dLost = delta(sum(common, 'packetsLost'), sum(commonPrev, 'packetsLost'));
    const dReceived = delta(sum(common, 'packetsReceived'), sum(commonPrev, 'packetsReceived'));
    packetLossPct =
      prev && dLost !== null && dReceived !== null && dLost + dReceived > 0
        ? lossPct(dLost, dLost + dReceived)
        : lost !== null && received !== null
          ? lossPct(lost, lost + received)
          : null;
    const jitter = num(top, 'jitter');
    jitterMs = jitter === null ? null : jitter * 1000;
    rttMs = candidatePairRttMs(cur.rtc, top);
  }

  const video = cur.kind === 'video';
  return {
    key: streamKey(cur),
    participantId: cur.participantId,
    kind: cur.kind,
    direction: cur.direction,
    codec: codecName(cur.rtc, top),
    bitrateKbps,
    fps: video ? num(top, 'framesPerSecond') : null,
    width: video ? num(top, 'frameWidth') : null,
    height: video ? num(top, 'frameHeight') : null,
    packetLossPct,
    jitterMs,
    rttMs,
    nackCount: sum(rtp, 'nackCount'),
    pliCount: video ? sum(rtp, 'pliCount') : null,
    firCount: video ? sum(rtp, 'firCount') : null,
    qualityLimitationReason: video && outbound ? str(top, 'qualityLimitationReason') : null,
    freezeCount: video && !outbound ? num(top, 'freezeCount') : null,
    freezeDurationS: video && !outbound ? num(top, 'totalFreezesDuration') : null,
    framesDropped: video && !outbound ? num(top, 'framesDropped') : null,
    networkQuality: reduceNetworkQuality(cur.quality),
  };
}

/** The snapshot of `cur`, with rates from `prev` (the previous sample of the same client) when given. */
export function reduceStats(cur: StatsSample, prev?: StatsSample | null): StatsSnapshot {
  const prevByKey = new Map((prev?.streams ?? []).map((s) => [streamKey(s), s]));
  return {
    at: cur.at,
    intervalMs: prev ? cur.at - prev.at : null,
    streams: cur.streams.map((s) => reduceStream(s, prevByKey.get(streamKey(s)))),
  };
}

/** A StatsSample as plain JSON (RTCStatsReport is a Map and does not serialise), for "download raw stats". */
export function sampleToJson(sample: StatsSample): unknown {
  return {
    at: sample.at,
    streams: sample.streams.map((s) => {
      const rtc: Record<string, unknown> = {};
      s.rtc?.forEach((value: unknown, id: string) => {
        rtc[id] = value;
      });
      return { participantId: s.participantId, kind: s.kind, direction: s.direction, rtc, ...(s.quality === undefined ? {} : { quality: s.quality }) };
    }),
  };
}
