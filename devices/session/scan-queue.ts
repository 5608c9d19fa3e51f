/**
 * The bounded queue between a driver and the session's `scan` listeners. Past the bound the
 * oldest scan is dropped and counted (a stale scan is worth less than the newest one at a
 * hospital window).
 */
import type { ScanEvent } from '../types.js';

export const DEFAULT_QUEUE_LIMIT = 256;

export class ScanQueue {
  readonly limit: number;
  #items: ScanEvent[] = [];
  #dropped = 0;

  constructor(limit: number = DEFAULT_QUEUE_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('"queueLimit" must be a positive integer');
    this.limit = limit;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Scans dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds a scan; returns false when the oldest one had to be dropped to make room. */
  push(scan: ScanEvent): boolean {
    let kept = true;
    if (this.#items.length >= this.limit) {
      this.#items.shift();
      this.#dropped++;
      kept = false;
    }
    this.#items.push(scan);
    return kept;
  }

  shift(): ScanEvent | undefined {
    return this.#items.shift();
  }

  clear(): number {
    const n = this.#items.length;
    this.#items = [];
    return n;
  }
}
