/**
 * An impaired link, as a pure model: random loss, added delay with jitter, and a bandwidth cap that behaves like a
 * real bottleneck (a token bucket feeding a bounded queue: above the cap packets first wait, then are dropped once
 * the queue is full). The SFU runs one per participant and direction (network.ts); nothing here touches a socket or
 * a timer, so it is tested with a fake clock and a seeded random source.
 */

export interface LinkImpairment {
  /** Random loss, percent of packets (0–100). */
  readonly lossPercent: number;
  /** Added one-way delay (ms). */
  readonly delayMs: number;
  /** Each packet's delay varies uniformly by ± this (ms); packets never overtake each other. */
  readonly jitterMs: number;
  /** Bandwidth cap (kbit/s); undefined = none. */
  readonly capKbps?: number | undefined;
  /** The most queueing delay the bottleneck holds before dropping (ms). */
  readonly queueMs: number;
}

export const NO_IMPAIRMENT: LinkImpairment = { lossPercent: 0, delayMs: 0, jitterMs: 0, queueMs: 200 };

/** Bytes the bucket lets through at line rate before the cap applies: about 10 ms at the cap, at least 2 packets. */
export function burstBytes(capKbps: number): number {
  return Math.max(3000, Math.round((capKbps * 1000) / 8 / 100));
}

export function isImpaired(l: LinkImpairment): boolean {
  return l.lossPercent > 0 || l.delayMs > 0 || l.jitterMs > 0 || l.capKbps !== undefined;
}

export type Verdict = { readonly drop: true; readonly reason: 'loss' | 'queue' } | { readonly drop: false; readonly deliverAtMs: number };

/** One direction of one participant's link. `random` returns [0, 1) (Math.random unless a test seeds it). */
export class ImpairedLink {
  /** When the bottleneck finishes sending what it has queued (virtual time, ms). */
  private busyUntilMs = Number.NEGATIVE_INFINITY;
  private lastDeliveryMs = Number.NEGATIVE_INFINITY;
  dropped = 0;
  droppedByQueue = 0;

  constructor(
    readonly config: LinkImpairment,
    private readonly random: () => number = Math.random,
  ) {}

  /** Decides one packet's fate: dropped, or the time it arrives on the far side. */
  admit(bytes: number, nowMs: number): Verdict {
    const c = this.config;
    if (c.lossPercent > 0 && this.random() * 100 < c.lossPercent) {
      this.dropped++;
      return { drop: true, reason: 'loss' };
    }
    let leaveMs = nowMs;
    if (c.capKbps !== undefined) {
      const bytesPerMs = (c.capKbps * 1000) / 8 / 1000;
      // A full bucket is credit for `burst` bytes sent at line rate: start no earlier than that much before now.
      const start = Math.max(this.busyUntilMs, nowMs - burstBytes(c.capKbps) / bytesPerMs);
      const finish = start + bytes / bytesPerMs;
      const queued = finish - nowMs;
      if (queued > c.queueMs) {
        this.dropped++;
        this.droppedByQueue++;
        return { drop: true, reason: 'queue' };
      }
      this.busyUntilMs = finish;
      leaveMs = Math.max(nowMs, finish);
    }
    let deliverAtMs = leaveMs + c.delayMs;
    if (c.jitterMs > 0) deliverAtMs += (this.random() * 2 - 1) * c.jitterMs;
    // In order (a bottleneck is FIFO) and never before it was sent.
    deliverAtMs = Math.max(deliverAtMs, nowMs, this.lastDeliveryMs);
    this.lastDeliveryMs = deliverAtMs;
    return { drop: false, deliverAtMs };
  }
}
