/**
 * A `Clock` that only moves when the test says so: `advance(ms)` fires due timers in time order.
 * Nothing real is scheduled, so tests cannot leak timers or depend on machine speed.
 */
import type { Clock } from '../../../devices/transports/clock.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class ManualClock implements Clock {
  #nowMs = 0;
  #seq = 0;
  #timers: Pending[] = [];

  get nowMs(): number {
    return this.#nowMs;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  nowNs(): bigint {
    return BigInt(this.#nowMs) * 1_000_000n;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const t: Pending = { at: this.#nowMs + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(t);
    return () => {
      this.#timers = this.#timers.filter((x) => x !== t);
    };
  }

  /** Moves time forward, firing every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const end = this.#nowMs + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#nowMs = due.at;
      due.fn();
    }
    this.#nowMs = end;
  }
}
