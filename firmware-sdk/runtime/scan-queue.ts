import type { ScanMessage } from '../../protocol/device/messages.js';

/** A scan waiting for the host's acknowledgement. */
export interface QueuedScan {
  /** The report as first built; `attempt` is filled in on each send. */
  readonly scan: Omit<ScanMessage, 'attempt'>;
  /** Sends so far. */
  attempts: number;
  /** Clock time of the last send; undefined while never sent on the current link. */
  lastSentMs: number | undefined;
}

/**
 * The device-side queue of unacknowledged scans: bounded (the oldest is dropped and counted when
 * full), in decode order, removed only by the matching acknowledgement.
 */
export class ScanQueue {
  readonly capacity: number;
  readonly #items: QueuedScan[] = [];
  /** Scans dropped because the queue was full. */
  lost = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Adds a scan; returns the dropped oldest one when the queue was full. */
  push(scan: Omit<ScanMessage, 'attempt'>): QueuedScan | undefined {
    let dropped: QueuedScan | undefined;
    if (this.#items.length >= this.capacity) {
      dropped = this.#items.shift();
      this.lost++;
    }
    this.#items.push({ scan, attempts: 0, lastSentMs: undefined });
    return dropped;
  }

  /** Removes the acknowledged scan; false when no queued scan matches (late or duplicate ack). */
  ack(scanSeq: number, bootId: number): boolean {
    const i = this.#items.findIndex((q) => q.scan.scanSeq === scanSeq && q.scan.bootId === bootId);
    if (i < 0) return false;
    this.#items.splice(i, 1);
    return true;
  }

  /** Scans to send now: never sent on this link, or sent at least `ackTimeoutMs` ago. */
  due(nowMs: number, ackTimeoutMs: number): QueuedScan[] {
    return this.#items.filter((q) => q.lastSentMs === undefined || nowMs - q.lastSentMs >= ackTimeoutMs);
  }

  /** When the next re-send falls due, or undefined when nothing waits. */
  nextDueMs(ackTimeoutMs: number): number | undefined {
    let next: number | undefined;
    for (const q of this.#items) {
      const at = q.lastSentMs === undefined ? Number.NEGATIVE_INFINITY : q.lastSentMs + ackTimeoutMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** The link changed: everything counts as not yet sent on it. */
  markUnsent(): void {
    for (const q of this.#items) q.lastSentMs = undefined;
  }

  clear(): void {
    this.#items.length = 0;
  }
}
