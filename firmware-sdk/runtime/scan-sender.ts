import type { ScanMessage } from '../../protocol/device/messages.js';
import type { HalClock } from '../hal/types.js';
import type { RuntimeLink } from './link.js';
import { ScanQueue } from './scan-queue.js';

/**
 * Sends scans and re-sends them until acknowledged: every queued scan goes out when it is
 * reported, on link-up and on Hello, and again each time `ackTimeoutMs` passes without its
 * acknowledgement. One timer, on the HAL clock, armed for the earliest due re-send while the link
 * is up.
 */
export class ScanSender {
  readonly queue: ScanQueue;
  sent = 0;
  resends = 0;
  readonly #link: RuntimeLink;
  readonly #clock: HalClock;
  readonly #ackTimeoutMs: () => number;
  #cancel: (() => void) | undefined;

  constructor(link: RuntimeLink, clock: HalClock, capacity: number, ackTimeoutMs: () => number) {
    this.#link = link;
    this.#clock = clock;
    this.queue = new ScanQueue(capacity);
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  /** Queues a new scan and sends what is due; returns true when the queue dropped its oldest. */
  report(scan: Omit<ScanMessage, 'attempt'>): boolean {
    const dropped = this.queue.push(scan) !== undefined;
    this.flush();
    return dropped;
  }

  /** The host acknowledged a scan; false when nothing queued matched. */
  ack(scanSeq: number, bootId: number): boolean {
    const hit = this.queue.ack(scanSeq, bootId);
    this.schedule();
    return hit;
  }

  /** A new link or host session: everything queued is sent again now. */
  resendAll(): void {
    this.queue.markUnsent();
    this.flush();
  }

  flush(): void {
    if (!this.#link.up) return;
    const now = this.#clock.nowMs();
    for (const q of this.queue.due(now, this.#ackTimeoutMs())) {
      const seq = this.#link.send({ case: 'scan', value: { ...q.scan, attempt: q.attempts + 1 } });
      if (seq === undefined) break;
      q.attempts++;
      q.lastSentMs = now;
      this.sent++;
      if (q.attempts > 1) this.resends++;
    }
    this.schedule();
  }

  schedule(): void {
    this.stop();
    const next = this.queue.nextDueMs(this.#ackTimeoutMs());
    if (next === undefined || !this.#link.up) return;
    const delay = Math.max(1, next - this.#clock.nowMs());
    this.#cancel = this.#clock.setTimer(delay, () => {
      this.#cancel = undefined;
      this.flush();
    });
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
