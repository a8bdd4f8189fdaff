/**
 * Congestion feedback: what the SFU tells each publisher its path can take, sent as REMB (goog-remb,
 * draft-alvestrand-rmcat-remb-03).
 *
 * Each link (the publisher's uplink, and each subscriber's downlink) has a loss-based estimate, updated once per
 * report with the rules of GCC's loss-based controller (draft-ietf-rmcat-gcc-02 section 6): loss above 10 % cuts the
 * estimate to the rate actually sent times (1 - loss/2); loss under 2 % lets it grow by 8 % per second; in between it
 * holds. A link starts at `LINK_START_BPS` (a clean loopback is taken at its word until loss says otherwise).
 *
 * The publisher's target combines them: without simulcast one stream serves everyone, so the slowest subscriber sets
 * it (as a real SFU without simulcast must); with simulcast each subscriber gets the layer that fits it, so the
 * fastest one sets the top layer's budget and a slow subscriber does not drag the publisher down. The uplink's own
 * estimate always bounds it.
 *
 * Why REMB works for start-up: Chromium's send-side estimator trusts a receiver estimate outright during the first
 * 2 s when no loss was reported (its "start phase"), so an early REMB lifts the encoder to its preset's cap at once
 * instead of the loss-based 8 %/s climb that took ~30 s through the sandbox (docs/sfu.md, "Congestion feedback").
 */

/** What a clean link is assumed to carry before any loss is seen; above every preset's cap (720p: 2.5 Mbit/s). */
export const LINK_START_BPS = 8_000_000;
/** Never ask an encoder for less than this (Chromium's own floor for video is ~30 kbit/s). */
export const MIN_ESTIMATE_BPS = 50_000;
const MAX_ESTIMATE_BPS = LINK_START_BPS;
/**
 * The encoder start rate the SFU announces in a publisher's answer (`x-google-start-bitrate`, sdp.ts): IVS's highest
 * video bitrate, which Chromium clamps to the sender's own maxBitrate (so a 360p preset still starts at its cap).
 */
export const PUBLISHER_START_KBPS = 2500;
const HIGH_LOSS = 0.1;
const LOW_LOSS = 0.02;
const INCREASE_PER_SECOND = 1.08;

export interface LinkEstimate {
  readonly bps: number;
  readonly atMs: number;
}

export interface LinkReport {
  /** Fraction of packets lost since the previous report, 0–1. */
  readonly lossFraction: number;
  /** Rate actually sent on the link since the previous report (bit/s). */
  readonly sentBps: number;
  readonly atMs: number;
}

export function startEstimate(atMs: number, bps = LINK_START_BPS): LinkEstimate {
  return { bps, atMs };
}

function clampBps(bps: number): number {
  return Math.min(MAX_ESTIMATE_BPS, Math.max(MIN_ESTIMATE_BPS, Math.round(bps)));
}

/** The next loss-based estimate of a link given one report (GCC loss-based rules). */
export function updateLinkEstimate(previous: LinkEstimate, report: LinkReport): LinkEstimate {
  const loss = Math.min(1, Math.max(0, report.lossFraction));
  const elapsedS = Math.max(0, (report.atMs - previous.atMs) / 1000);
  let bps = previous.bps;
  if (loss > HIGH_LOSS) {
    // Cut from what was really sent: an estimate far above the sent rate says nothing about the link.
    const base = report.sentBps > 0 ? Math.min(previous.bps, report.sentBps) : previous.bps;
    bps = base * (1 - loss / 2);
  } else if (loss < LOW_LOSS) {
    bps = previous.bps * INCREASE_PER_SECOND ** Math.min(elapsedS, 2);
  }
  return { bps: clampBps(bps), atMs: report.atMs };
}

/** Loss fraction between two snapshots of a stream's counters (expected = sequence numbers spanned). */
export function lossBetween(expected: number, received: number): number {
  if (expected <= 0) return 0;
  return Math.min(1, Math.max(0, (expected - received) / expected));
}

/**
 * Loss a subscriber saw in one report interval, from the distinct sequence numbers it NACKed over the fresh packets
 * sent (retransmissions excluded), capped at 1. Receiver reports count retransmitted packets as received, so on a
 * congested link with NACK their fraction lost reads near 0 while most first transmissions are lost.
 */
export function nackLoss(distinctNacked: number, freshSent: number): number {
  if (freshSent <= 0) return 0;
  return Math.min(1, Math.max(0, distinctNacked / freshSent));
}

export interface TargetInput {
  /** Each connected subscriber's downlink estimate (bit/s). */
  readonly subscribers: readonly number[];
  readonly uplinkBps: number;
  /** Whether the publisher sends simulcast layers (each subscriber then takes the layer that fits it). */
  readonly simulcast: boolean;
}

/** The bitrate to announce to a publisher in REMB. */
export function publisherTarget(input: TargetInput): number {
  let bps = input.uplinkBps;
  if (input.subscribers.length > 0) {
    const downlink = input.simulcast ? Math.max(...input.subscribers) : Math.min(...input.subscribers);
    bps = Math.min(bps, downlink);
  }
  return clampBps(bps);
}

/** REMB's bitrate field: an 18-bit mantissa and a 6-bit exponent, rounded down (never announce more than meant). */
export function encodeRembBitrate(bps: number): { exponent: number; mantissa: number } {
  let mantissa = Math.max(0, Math.floor(bps));
  let exponent = 0;
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exponent++;
  }
  return { exponent, mantissa };
}

const PSFB = 206;
const REMB_FMT = 15;

/** One RTCP REMB packet (payload-specific feedback, FMT 15, "REMB" identifier) for the given media SSRCs. */
export function rembPacket(senderSsrc: number, ssrcs: readonly number[], bps: number): Buffer {
  const { exponent, mantissa } = encodeRembBitrate(bps);
  const length = 4 + ssrcs.length; // 32-bit words after the first
  const buf = Buffer.alloc(4 * (length + 1));
  buf[0] = 0x80 | REMB_FMT;
  buf[1] = PSFB;
  buf.writeUInt16BE(length, 2);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(0, 8); // media source SSRC: unused in REMB
  buf.write('REMB', 12, 'ascii');
  buf[16] = ssrcs.length;
  buf[17] = (exponent << 2) | (mantissa >>> 16);
  buf.writeUInt16BE(mantissa & 0xffff, 18);
  ssrcs.forEach((s, i) => buf.writeUInt32BE(s >>> 0, 20 + 4 * i));
  return buf;
}
