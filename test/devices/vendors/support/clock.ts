/**
 * A manual clock for DriverIo.setTimer/now and engine timers: nothing fires until the test
 * advances it, so time-outs are deterministic and no real timer is ever left behind.
 */
export class FakeClock {
  private nowMs = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  get now(): bigint {
    return BigInt(this.nowMs) * 1_000_000n;
  }

  get pending(): number {
    return this.timers.size;
  }

  setTimer = (ms: number, fn: () => void): (() => void) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.nowMs + Math.max(0, ms), fn });
    return () => {
      this.timers.delete(id);
    };
  };

  /** Fires the earliest timer (advancing time to it); false when none is pending. */
  fireNext(): boolean {
    let best: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of this.timers) if (!best || entry[1].at < best[1].at) best = entry;
    if (!best) return false;
    this.timers.delete(best[0]);
    this.nowMs = Math.max(this.nowMs, best[1].at);
    best[1].fn();
    return true;
  }

  /** Advances time by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      let best: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= until && (!best || entry[1].at < best[1].at)) best = entry;
      if (!best) break;
      this.timers.delete(best[0]);
      this.nowMs = best[1].at;
      best[1].fn();
    }
    this.nowMs = until;
  }
}
