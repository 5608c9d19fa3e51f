/**
 * Remembers the digests of accepted requests so that a request sent again is refused. A request is
 * only accepted when its timestamp is within ±window of the clock, and a replay carries the same
 * timestamp (the digest covers it), so a digest only needs remembering until its *timestamp*
 * leaves the window. Digests are kept in buckets by request timestamp; whole buckets are dropped
 * once they are older than the window, so detection has no false negatives and memory is bounded
 * by the request rate times twice the window.
 *
 * Hard bound: at `maxEntries` the cache refuses new requests (`full`) rather than forget digests
 * still inside the window (fail closed; the caller answers "busy, retry").
 */
export type ReplayCheck = 'new' | 'replayed' | 'full';

export class ReplayCache {
  private readonly buckets = new Map<number, Set<string>>();
  private readonly bucketMs: number;
  private entries = 0;
  private expiredBelow = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {
    if (!(windowMs > 0) || !(maxEntries > 0)) throw new RangeError('window and maxEntries must be positive');
    this.bucketMs = Math.max(1000, Math.ceil(windowMs / 8));
  }

  /**
   * Records `digest` (of a request with timestamp `timestampMs`, already checked to be within the
   * window of `nowMs`) and says whether it was new. Case-insensitive on the hex digest.
   */
  check(digest: string, timestampMs: number, nowMs: number): ReplayCheck {
    this.expire(nowMs);
    const key = digest.toLowerCase();
    const b = Math.floor(timestampMs / this.bucketMs);
    let set = this.buckets.get(b);
    if (set?.has(key)) return 'replayed';
    if (this.entries >= this.maxEntries) return 'full';
    if (set === undefined) {
      set = new Set();
      this.buckets.set(b, set);
    }
    set.add(key);
    this.entries++;
    return 'new';
  }

  get size(): number {
    return this.entries;
  }

  private expire(nowMs: number): void {
    // A bucket whose newest possible timestamp is before now − window can only hold requests
    // that the timestamp check refuses anyway.
    const oldestLive = Math.floor((nowMs - this.windowMs) / this.bucketMs);
    if (oldestLive <= this.expiredBelow) return;
    this.expiredBelow = oldestLive;
    for (const [b, set] of this.buckets) {
      if (b < oldestLive) {
        this.entries -= set.size;
        this.buckets.delete(b);
      }
    }
  }
}
