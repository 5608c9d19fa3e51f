import type { Logger } from 'pino';
import type { OutboxStore } from './outbox-store.js';
import type { UseRecordSink } from './types.js';

export interface SenderOptions {
  readonly batchSize?: number; // default 50
  readonly baseBackoffMs?: number; // default 1000
  readonly maxBackoffMs?: number; // default 300000
  /** After a new record, wait this long for more before sending, so they go in one batch (default 100). */
  readonly lingerMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly logger?: Logger;
}

/**
 * Drains the outbox to the monitoring platform: one batch in flight at a time, in order; on
 * failure, exponential backoff with jitter (full jitter, capped); on a permanent rejection the
 * batch is parked. Wakes on `kick()` (a new record) and on the next due retry.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private failures = 0;
  private readonly batchSize: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly lingerMs: number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: OutboxStore,
    private readonly sink: UseRecordSink,
    private readonly opts: SenderOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 50;
    this.baseBackoffMs = opts.baseBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 300_000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.lingerMs = opts.lingerMs ?? 100;
  }

  /** Starts (or resumes after a restart) delivering whatever is pending. */
  start(): void {
    this.stopped = false;
    if (!this.running) this.schedule(0);
  }

  /** A record was enqueued: send after the linger time (records arriving meanwhile share the batch). */
  kick(): void {
    if (this.stopped || this.running || this.timer) return;
    this.schedule(this.lingerMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Resolves when nothing is due right now and no batch is in flight (for tests and shutdown). */
  async drained(): Promise<void> {
    while (this.running || this.store.due(this.now(), 1, this.maxBackoffMs).length > 0) {
      if (!this.running) await this.runOnce();
      else await new Promise<void>((r) => this.idleWaiters.push(r));
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce();
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let storeFailed = false;
    try {
      for (;;) {
        const batch = this.store.due(this.now(), this.batchSize, this.maxBackoffMs);
        if (batch.length === 0) break;
        const ids = batch.map((r) => r.recordId);
        let result: Awaited<ReturnType<UseRecordSink['send']>>;
        try {
          result = await this.sink.send(batch);
        } catch (e) {
          result = { status: 'unavailable', reason: e instanceof Error ? e.message : 'send failed' };
        }
        if (result.status === 'ok') {
          this.store.markDelivered(ids, this.now());
          this.failures = 0;
          // A full batch means a backlog: keep draining. Otherwise records that arrived during the
          // send wait for the next linger, so a steady stream goes in batches, not one by one.
          if (batch.length === this.batchSize) continue;
          break;
        }
        if (result.status === 'rejected') {
          this.store.markParked(ids, this.now(), result.reason);
          this.opts.logger?.warn(
            { records: ids.length, reason: result.reason },
            'card-use batch rejected; parked',
          );
          continue;
        }
        this.failures++;
        const cap = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.min(this.failures - 1, 20));
        const delay = Math.max(this.baseBackoffMs / 2, Math.floor(this.random() * cap));
        this.store.markRetry(ids, this.now() + delay, result.reason);
        this.opts.logger?.info(
          { records: ids.length, retryInMs: delay, reason: result.reason },
          'card-use delivery deferred',
        );
        break;
      }
    } catch (e) {
      // The store itself failed (SQLITE_FULL: the disk is full; I/O errors). Nothing may escape
      // into the timer that ran us (an unhandled rejection ends the agent). A batch the platform
      // took but that could not be marked delivered stays pending and is sent again later; its
      // record ids make that idempotent at the platform.
      storeFailed = true;
      this.failures++;
      this.opts.logger?.error({ err: e }, 'outbox store failed; delivery retried later');
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      if (!this.stopped && storeFailed) {
        this.schedule(Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.min(this.failures - 1, 20)));
      } else if (!this.stopped) {
        const next = this.store.nextDueAt();
        // never longer than the longest backoff: a clock that stepped back must not hold the retry
        if (next !== undefined)
          this.schedule(Math.min(this.maxBackoffMs, Math.max(this.lingerMs, next - this.now())));
      }
    }
  }
}
