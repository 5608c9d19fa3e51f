/**
 * Drops a repeat of the same text from the same device within a window (a scanner that reads the
 * phone screen twice while the patient holds it there). Bounded: at most `maxEntries` remembered;
 * the oldest are forgotten first. O(1) per scan.
 */
export class RepeatFilter {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** True if this scan should be processed; false if it repeats one seen within the window. */
  admit(deviceId: string, text: string, nowMs: number): boolean {
    if (this.windowMs <= 0) return true;
    const key = `${deviceId}\u0000${text}`;
    const last = this.seen.get(key);
    if (last !== undefined && nowMs - last < this.windowMs) return false;
    // Re-insert so Map order is last-seen order, then evict the oldest past the bound.
    this.seen.delete(key);
    this.seen.set(key, nowMs);
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
