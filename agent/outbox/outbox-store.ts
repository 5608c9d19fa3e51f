import { type Db, migrateSqlite } from '../../storage/sqlite.js';
import type { CardUseRecord } from './types.js';

/**
 * The durable half of the outbox: every record is committed to SQLite before `enqueue` returns,
 * so a kill -9 right after a verdict loses nothing. Rows move pending → delivered (or parked when
 * the receiver rejects them for good); delivered rows are pruned after a retention period.
 */
const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE outbox (
            record_id TEXT PRIMARY KEY,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','parked')),
            last_error TEXT,
            done_at INTEGER
          );
          CREATE INDEX outbox_due ON outbox (state, next_attempt_at, created_at);`,
  },
];

export interface OutboxCounts {
  readonly pending: number;
  readonly delivered: number;
  readonly parked: number;
}

export class OutboxStore {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly deliveredStmt;
  private readonly retryStmt;
  private readonly parkStmt;
  private readonly countStmt;
  private readonly nextDueStmt;
  private readonly lastDeliveredStmt;

  constructor(private readonly db: Db) {
    migrateSqlite(db, 'outbox', MIGRATIONS);
    this.insertStmt = db.prepare(
      'INSERT INTO outbox (record_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?) ON CONFLICT(record_id) DO NOTHING',
    );
    this.dueStmt = db.prepare(
      // Never tried (a new record is due at once, whatever time it was stamped with), retry
      // time come, or a retry time past the horizon: only a wall clock that stepped back since
      // the record was stamped puts it there.
      "SELECT payload FROM outbox WHERE state = 'pending' AND (attempts = 0 OR next_attempt_at <= ? OR next_attempt_at > ?) ORDER BY created_at, record_id LIMIT ?",
    );
    this.deliveredStmt = db.prepare(
      "UPDATE outbox SET state = 'delivered', done_at = ?, last_error = NULL WHERE record_id = ?",
    );
    this.retryStmt = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE record_id = ?',
    );
    this.parkStmt = db.prepare(
      "UPDATE outbox SET state = 'parked', done_at = ?, last_error = ? WHERE record_id = ?",
    );
    this.countStmt = db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state');
    this.nextDueStmt = db.prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'").pluck();
    this.lastDeliveredStmt = db.prepare("SELECT MAX(done_at) FROM outbox WHERE state = 'delivered'").pluck();
  }

  /** Durable once this returns. Enqueueing the same record id twice keeps the first. */
  enqueue(record: CardUseRecord, nowMs: number): void {
    this.insertStmt.run(record.recordId, JSON.stringify(record), nowMs, nowMs);
  }

  /**
   * Pending records that are due, oldest first: never tried yet, or their retry time has come,
   * or their retry time lies more than `horizonMs` (the longest backoff) ahead — the wall clock
   * stepped back after it was set, and waiting for the clock to catch up could take hours.
   */
  due(nowMs: number, limit: number, horizonMs = Number.MAX_SAFE_INTEGER): CardUseRecord[] {
    const beyond = Math.min(Number.MAX_SAFE_INTEGER, nowMs + horizonMs);
    return (this.dueStmt.all(nowMs, beyond, limit) as { payload: string }[]).map(
      (r) => JSON.parse(r.payload) as CardUseRecord,
    );
  }

  /** When the next pending record becomes due (undefined when nothing is pending). */
  nextDueAt(): number | undefined {
    const v = this.nextDueStmt.get() as number | null | undefined;
    return v ?? undefined;
  }

  markDelivered(ids: readonly string[], nowMs: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.deliveredStmt.run(nowMs, id);
    })();
  }

  markRetry(ids: readonly string[], nextAttemptAt: number, error: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.retryStmt.run(nextAttemptAt, error, id);
    })();
  }

  markParked(ids: readonly string[], nowMs: number, error: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.parkStmt.run(nowMs, error, id);
    })();
  }

  /** When a record was last delivered (ms), among the delivered rows not yet pruned. */
  lastDeliveredAt(): number | undefined {
    const v = this.lastDeliveredStmt.get() as number | null | undefined;
    return v ?? undefined;
  }

  counts(): OutboxCounts {
    const c = { pending: 0, delivered: 0, parked: 0 };
    for (const r of this.countStmt.all() as { state: keyof typeof c; n: number }[]) c[r.state] = r.n;
    return c;
  }

  /** Deletes delivered rows older than `olderThanMs`. */
  prune(olderThanMs: number): number {
    return this.db.prepare("DELETE FROM outbox WHERE state = 'delivered' AND done_at < ?").run(olderThanMs)
      .changes;
  }
}
