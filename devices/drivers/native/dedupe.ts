/**
 * Remembers which scans were delivered, by (boot id, scan seq), so a scan the device re-sends
 * (its acknowledgement was lost, or the link dropped first) is delivered once. Bounded: the most
 * recent `window` scans per boot, for the `boots` most recent boot ids.
 */
export class ScanDedupe {
  readonly window: number;
  readonly boots: number;
  readonly #seen = new Map<number, { set: Set<number>; order: number[] }>();

  constructor(window = 4096, boots = 8) {
    this.window = window;
    this.boots = boots;
  }

  /** True the first time a (bootId, scanSeq) pair is offered; false for a duplicate. */
  accept(bootId: number, scanSeq: number): boolean {
    let b = this.#seen.get(bootId);
    if (!b) {
      b = { set: new Set(), order: [] };
      this.#seen.set(bootId, b);
      while (this.#seen.size > this.boots) {
        const oldest = this.#seen.keys().next().value;
        if (oldest === undefined) break;
        this.#seen.delete(oldest);
      }
    }
    if (b.set.has(scanSeq)) return false;
    b.set.add(scanSeq);
    b.order.push(scanSeq);
    if (b.order.length > this.window) {
      const old = b.order.shift();
      if (old !== undefined) b.set.delete(old);
    }
    return true;
  }
}
