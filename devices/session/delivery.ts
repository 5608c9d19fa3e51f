/**
 * Delivery of scans to a session's `scan` listeners: queued (bounded), emitted asynchronously and
 * in order, only while someone listens. A listener that throws is reported; delivery goes on.
 */
import type { ScanEvent } from '../types.js';
import { ScanQueue } from './scan-queue.js';

export interface ScanTarget {
  listenerCount(event: 'scan'): number;
  emit(event: 'scan', scan: ScanEvent): boolean;
}

export class ScanDelivery {
  readonly #queue: ScanQueue;
  readonly #target: ScanTarget;
  readonly #onListenerError: (error: unknown) => void;
  #scheduled = false;
  #delivered = 0;

  constructor(target: ScanTarget, limit: number | undefined, onListenerError: (error: unknown) => void) {
    this.#target = target;
    this.#queue = new ScanQueue(limit);
    this.#onListenerError = onListenerError;
  }

  get delivered(): number {
    return this.#delivered;
  }
  get queued(): number {
    return this.#queue.length;
  }
  get dropped(): number {
    return this.#queue.dropped;
  }

  push(scan: ScanEvent): void {
    this.#queue.push(scan);
    this.schedule();
  }

  /** Delivers what is queued on the next turn of the event loop, if anyone listens. */
  schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#target.listenerCount('scan') === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#target.listenerCount('scan') > 0) {
        const scan = this.#queue.shift()!;
        this.#delivered++;
        try {
          this.#target.emit('scan', scan);
        } catch (e) {
          this.#onListenerError(e);
        }
      }
    });
  }
}
