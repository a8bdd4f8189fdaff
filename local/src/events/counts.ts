/** Counts pushes, coalesced: stages marked dirty are flushed together, at most once per interval. */
export class CountsCoalescer {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly nowMs: () => number,
    private readonly flushStage: (stageArn: string) => void,
  ) {}

  markDirty(stageArn: string): void {
    if (this.closed) return;
    this.dirty.add(stageArn);
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.nowMs());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  forget(stageArn: string): void {
    this.dirty.delete(stageArn);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = this.nowMs();
    for (const stageArn of this.dirty) this.flushStage(stageArn);
    this.dirty.clear();
  }
}
