/**
 * Simulcast: the publisher sends up to three layers of one video track (one RTP stream per `rid`), and each
 * subscriber gets exactly one of them, chosen by `selectLayer` from its estimated downlink (feedback.ts), its loss,
 * and the layer its viewer asked for. A switch happens only at a keyframe of the new layer (the SFU sends a PLI for
 * one); sequence numbers and timestamps are rewritten so the subscriber sees one continuous stream.
 */
import type { LayerPreference } from '../../../contracts/sandbox-protocol.js';
import type { ForwardedCodec } from './codecs.js';
import type { ForwardPacket, PacketSink, TrackForwarder } from './forwarder.js';
import { RolloverTracker } from './srtp.js';

export type { LayerPreference };

export interface LayerInfo {
  readonly rid: string;
  /** Measured incoming bitrate (bit/s). */
  readonly bps: number;
  /** Whether packets arrived recently (the encoder may pause a layer it cannot afford). */
  readonly active: boolean;
}

export interface SelectionInput {
  /** Lowest first. */
  readonly layers: readonly LayerInfo[];
  readonly current: string | undefined;
  readonly estimateBps: number;
  /** Loss the subscriber reported in its last receiver report, 0–1. */
  readonly lossFraction: number;
  readonly preference: LayerPreference;
  /** Time since the last switch (ms). */
  readonly sinceSwitchMs: number;
}

/** Headroom a layer must leave in the estimate: to stay on it, and (more) to move up to it. */
const STAY_HEADROOM = 1.0;
const UP_HEADROOM = 1.25;
/** Loss above this means the current layer does not fit, whatever the estimate says. */
const HIGH_LOSS = 0.1;
/** Moving up is tried at most this often, so a link at its limit does not flap. */
export const UP_SWITCH_HOLD_MS = 4000;

/**
 * The layer a subscriber should receive. A viewer's explicit choice wins (the nearest active layer at or below it);
 * in `auto` the highest layer that fits the estimate, moving down at once and up only after a hold time.
 */
export function selectLayer(input: SelectionInput): string | undefined {
  const active = input.layers.filter((l) => l.active);
  if (active.length === 0) return input.current;
  if (input.preference !== 'auto') {
    // Three layers map to low/medium/high; with two, medium is the lower one; with one there is no choice.
    const index = input.preference === 'high' ? active.length - 1 : input.preference === 'medium' && active.length >= 3 ? 1 : 0;
    return active[index]?.rid;
  }
  const currentIndex = active.findIndex((l) => l.rid === input.current);
  let fit = 0;
  for (let i = 0; i < active.length; i++) {
    const layer = active[i];
    if (!layer) continue;
    const headroom = currentIndex >= 0 && i <= currentIndex ? STAY_HEADROOM : UP_HEADROOM;
    if (layer.bps * headroom <= input.estimateBps) fit = i;
  }
  if (currentIndex < 0) return active[fit]?.rid;
  if (input.lossFraction > HIGH_LOSS && currentIndex > 0) fit = Math.min(fit, currentIndex - 1);
  if (fit > currentIndex) {
    if (input.sinceSwitchMs < UP_SWITCH_HOLD_MS || input.lossFraction > 0.02) return input.current;
    return active[currentIndex + 1]?.rid; // one step at a time
  }
  return active[fit]?.rid;
}

/** Whether an RTP payload starts a keyframe (VP8: RFC 7741 section 4; H.264: RFC 6184 IDR / SPS). */
export function isKeyframeStart(codec: ForwardedCodec, payload: Buffer): boolean {
  const name = codec.mimeType.toLowerCase();
  if (name.endsWith('/vp8')) {
    if (payload.length < 2) return false;
    const b0 = payload[0] ?? 0;
    const start = (b0 & 0x10) !== 0 && (b0 & 0x07) === 0; // S bit, partition 0
    if (!start) return false;
    let i = 1;
    if (b0 & 0x80) {
      const x = payload[i++] ?? 0;
      if (x & 0x80) i += (payload[i] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
      if (x & 0x40) i++; // TL0PICIDX
      if (x & 0x30) i++; // TID/KEYIDX
    }
    const header = payload[i];
    return header !== undefined && (header & 0x01) === 0; // P bit clear: key frame
  }
  if (name.endsWith('/h264')) {
    const nal = (payload[0] ?? 0) & 0x1f;
    if (nal === 5 || nal === 7) return true;
    if (nal === 24) {
      // STAP-A: first aggregated NAL after its 2-byte size
      const inner = (payload[3] ?? 0) & 0x1f;
      return inner === 5 || inner === 7;
    }
    if (nal === 28) {
      const fu = payload[1] ?? 0;
      return (fu & 0x80) !== 0 && (fu & 0x1f) === 5;
    }
  }
  return false;
}

const HISTORY = 1024;
const VIDEO_CLOCK_PER_MS = 90;

/**
 * One subscriber's view of a simulcast track: forwards the current layer, and when told to switch, waits for a
 * keyframe on the new layer (asking for one), then continues with rewritten sequence numbers and timestamps.
 * Keeps its own NACK history (the subscriber NACKs the rewritten sequence numbers).
 */
export class LayerSwitcher {
  current: string | undefined;
  private pending: string | undefined;
  private readonly taps = new Map<string, PacketSink>();
  private seqOffset = 0;
  private tsOffset = 0;
  private lastOutSeq = -1;
  private lastOutTs = 0;
  private lastOutWallMs = 0;
  private lastSwitchMs = Number.NEGATIVE_INFINITY;
  /** First (rewritten) sequence number of the current layer: packets before it are of a layer no longer decoded. */
  private switchSeq = -1;
  private readonly rollover = new RolloverTracker();
  private readonly history = new Array<ForwardPacket | undefined>(HISTORY);
  switches = 0;

  constructor(
    private readonly layers: ReadonlyMap<string, TrackForwarder>,
    private readonly output: PacketSink,
    private readonly onSwitched: (from: string | undefined, to: string) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get sinceSwitchMs(): number {
    return this.now() - this.lastSwitchMs;
  }

  get target(): string | undefined {
    return this.pending ?? this.current;
  }

  /** Starts moving to `rid` (no-op when already there or on the way). */
  switchTo(rid: string): void {
    if (rid === this.target || !this.layers.has(rid)) return;
    if (this.pending !== undefined && this.pending !== this.current) this.untap(this.pending);
    if (rid === this.current) {
      this.pending = undefined;
      return;
    }
    this.pending = rid;
    this.tap(rid);
    this.layers.get(rid)?.requestKeyframe();
  }

  /**
   * Re-sends what the subscriber reported lost, from this subscriber's own (rewritten) history; never packets from
   * before the last switch (the new layer started on a keyframe, so they are useless and would only crowd a link
   * that is probably why the switch happened).
   */
  retransmit(lost: readonly number[]): void {
    for (const seq of lost) {
      if (this.switchSeq >= 0 && ((seq - this.switchSeq) & 0xffff) >= 0x8000) continue;
      const p = this.history[seq & (HISTORY - 1)];
      if (p && p.seq === seq) this.output.send(p);
    }
  }

  close(): void {
    for (const rid of [...this.taps.keys()]) this.untap(rid);
    this.history.fill(undefined);
  }

  private tap(rid: string): void {
    if (this.taps.has(rid)) return;
    const sink: PacketSink = { send: (p) => this.onPacket(rid, p) };
    this.taps.set(rid, sink);
    this.layers.get(rid)?.add(sink);
  }

  private untap(rid: string): void {
    const sink = this.taps.get(rid);
    if (!sink) return;
    this.taps.delete(rid);
    this.layers.get(rid)?.remove(sink);
  }

  private onPacket(rid: string, p: ForwardPacket): void {
    if (rid === this.pending) {
      const layer = this.layers.get(rid);
      if (!layer || !isKeyframeStart(layer.codec, p.payload)) return;
      const from = this.current;
      if (from !== undefined) this.untap(from);
      this.current = rid;
      this.pending = undefined;
      this.lastSwitchMs = this.now();
      this.switches++;
      // Continue the subscriber's sequence and clock from where the old layer left it.
      const timestamp = p.header.readUInt32BE(4);
      this.seqOffset = this.lastOutSeq < 0 ? 0 : (this.lastOutSeq + 1 - p.seq) & 0xffff;
      const gap = this.lastOutSeq < 0 ? 0 : Math.max(1, Math.round((this.now() - this.lastOutWallMs) * VIDEO_CLOCK_PER_MS));
      this.tsOffset = this.lastOutSeq < 0 ? 0 : (this.lastOutTs + gap - timestamp) >>> 0;
      this.switchSeq = (p.seq + this.seqOffset) & 0xffff;
      this.onSwitched(from, rid);
    } else if (rid !== this.current) {
      return;
    }
    const seq = (p.seq + this.seqOffset) & 0xffff;
    const ts = (p.header.readUInt32BE(4) + this.tsOffset) >>> 0;
    let out: ForwardPacket;
    if (this.seqOffset === 0 && this.tsOffset === 0) {
      out = { header: p.header, payload: p.payload, seq, roc: this.rollover.update(seq) };
    } else {
      const header = Buffer.from(p.header);
      header.writeUInt16BE(seq, 2);
      header.writeUInt32BE(ts, 4);
      out = { header, payload: p.payload, seq, roc: this.rollover.update(seq) };
    }
    if (((seq - this.lastOutSeq) & 0xffff) < 0x8000 || this.lastOutSeq < 0) {
      this.lastOutSeq = seq;
      this.lastOutTs = ts;
      this.lastOutWallMs = this.now();
    }
    this.history[seq & (HISTORY - 1)] = out;
    this.output.send(out);
  }
}
