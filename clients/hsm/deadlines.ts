/** Something with a deadline: a call. */
export interface Expirable {
  readonly settled: boolean;
  expire(): void;
}

/**
 * Call deadlines without a timer per call. Calls with the same timeout form a lane whose deadlines
 * only grow, so one timer per lane, armed for its oldest unsettled call, serves them all; calls
 * that settle early are dropped from the front as new calls arrive or when the timer fires.
 */
class Lane {
  private readonly calls: (Expirable | undefined)[] = [];
  private readonly due: number[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly fireBound = (): void => this.fire();

  constructor(
    private readonly ms: number,
    private readonly onEmpty: () => void,
  ) {}

  add(c: Expirable, now: number): void {
    // Calls mostly settle in the order they were issued: drop the settled ones at the front now,
    // so they do not stay reachable (and survive garbage collection) until their deadline.
    const { calls } = this;
    while (this.head < calls.length && calls[this.head]!.settled) calls[this.head++] = undefined;
    if (this.head === calls.length) {
      calls.length = 0;
      this.due.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > calls.length) {
      calls.splice(0, this.head);
      this.due.splice(0, this.head);
      this.head = 0;
    }
    calls.push(c);
    this.due.push(now + this.ms);
    if (this.timer === undefined) this.arm(now);
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.calls.length = 0;
    this.due.length = 0;
    this.head = 0;
  }

  private arm(now: number): void {
    this.timer = setTimeout(this.fireBound, Math.max(1, Math.ceil(this.due[this.head]! - now)));
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    const { calls, due } = this;
    while (this.head < calls.length) {
      const c = calls[this.head]!;
      if (!c.settled && due[this.head]! > now) break;
      calls[this.head] = undefined;
      this.head++;
      if (!c.settled) c.expire();
    }
    if (this.head === calls.length) {
      this.clear();
      this.onEmpty();
      return;
    }
    if (this.head > 1024 && this.head * 2 > calls.length) {
      calls.splice(0, this.head);
      due.splice(0, this.head);
      this.head = 0;
    }
    this.arm(now);
  }
}

export class Deadlines {
  private readonly lanes = new Map<number, Lane>();

  /** `c.expire()` is called once `ms` have passed, unless `c` has settled by then. */
  add(c: Expirable, ms: number): void {
    let lane = this.lanes.get(ms);
    if (lane === undefined) {
      lane = new Lane(ms, () => this.lanes.delete(ms));
      this.lanes.set(ms, lane);
    }
    lane.add(c, performance.now());
  }

  /** Drops every deadline and timer (the calls are settled by their owner). */
  clear(): void {
    for (const l of this.lanes.values()) l.clear();
    this.lanes.clear();
  }
}
