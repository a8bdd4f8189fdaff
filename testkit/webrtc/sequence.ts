/**
 * Loss from RTP sequence numbers, for the Node subscriber: cheap per packet (no set of seen numbers), so one core holds
 * many subscribers.
 */

/** Received-sequence bookkeeping for one SSRC: extended highest sequence against packets counted. */
export class SeqTracker {
  private first: number | null = null;
  private highest = 0;
  private cycles = 0;
  private lastSeq = 0;
  received = 0;

  push(seq: number): void {
    this.received++;
    if (this.first === null) {
      this.first = seq;
      this.highest = seq;
      this.lastSeq = seq;
      return;
    }
    // A wrap: the sequence jumped back by more than half the space.
    if (seq < this.lastSeq && this.lastSeq - seq > 0x8000) this.cycles += 0x10000;
    const ext = this.cycles + seq;
    if (ext > this.highest) this.highest = ext;
    this.lastSeq = seq;
  }

  lost(): number {
    if (this.first === null) return 0;
    return Math.max(0, this.highest - this.first + 1 - this.received);
  }
}
