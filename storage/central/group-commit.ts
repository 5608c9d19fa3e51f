import type { Statement } from 'better-sqlite3';
import type { Db } from '../sqlite.js';

interface Pending {
  readonly write: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit on one SQLite connection: the writes asked for during one turn of the event loop
 * (the requests whose bytes arrived in the same poll phase) run together in one transaction at
 * the end of the turn (`setImmediate`), instead of one commit — one WAL append and one round of
 * the write lock — each. Measured on the 2-core development machine (WAL, synchronous=NORMAL):
 * a one-row insert costs about 40 µs as its own transaction and about 7 µs in a batch of 30.
 *
 * Each write is still its own statement, run in the order asked, so the conditional inserts and
 * updates that decide single use and idempotency decide exactly as they do alone (of two claims
 * of a single-use code, in one batch or not, one is accepted). A write's promise settles once its
 * transaction has committed, so nobody answers from a write that could still be rolled back. A
 * write that throws rejects alone (SQLite undoes that statement only); if the error aborted the
 * transaction (disk full, I/O error), or the commit fails, every write of the batch rejects and
 * none is stored. The write lock is held only while the batch runs, synchronously: another
 * connection to the file (a second instance in this process, the checkpointer) never waits for
 * an event-loop turn.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  // Prepared once (`db.exec` parses its SQL on every call; begin + commit by `exec` were 12.8 %
  // of the service's CPU in a profiled verify run).
  private readonly begin: Statement;
  private readonly end: Statement;
  private readonly undo: Statement;

  constructor(private readonly db: Db) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.end = db.prepare('COMMIT');
    this.undo = db.prepare('ROLLBACK');
  }

  /** Queues `write` for this turn's transaction; resolves with its result once committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(this.commit);
    });
  }

  /** Runs and commits every queued write now (also before a backup, a restore or close). */
  readonly commit = (): void => {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.begin.run();
      for (const p of batch) {
        try {
          results.push({ ok: true, value: p.write() });
        } catch (e) {
          if (!this.db.inTransaction) throw e; // the transaction is gone, and the batch with it
          results.push({ ok: false, value: e });
        }
      }
      this.end.run();
    } catch (e) {
      if (this.db.inTransaction) this.undo.run();
      for (const p of batch) p.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      if (r.ok) batch[i]!.resolve(r.value);
      else batch[i]!.reject(r.value);
    }
  };
}
