import { createHash } from 'node:crypto';
import type { EhcCode } from '../../protocol/qr/index.js';
import { type Db, migrateSqlite } from '../../storage/sqlite.js';

/**
 * Single use of dynamic codes, durable across restarts. `claim()` atomically records a code and
 * tells whether it was already claimed: one INSERT … ON CONFLICT DO NOTHING, so two scanners
 * racing on the same code cannot both win. Entries expire after the code's lifetime (plus skew),
 * after which the validity window refuses the code anyway; `sweep()` deletes them.
 *
 * The key is SHA-256 of "EHC-ID:validity" (a dynamic code is its EHC-ID plus its validity block),
 * so the table holds no personal identifiers in clear.
 */
const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE replay_guard (
            code_key BLOB PRIMARY KEY,
            claimed_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            device_id TEXT NOT NULL
          ) WITHOUT ROWID;
          CREATE INDEX replay_guard_expiry ON replay_guard (expires_at);`,
  },
];

export type ClaimResult = 'first-use' | 'replayed';

export class ReplayGuard {
  private readonly insert;
  private readonly lookup;
  private readonly remove;

  constructor(
    private readonly db: Db,
    /** How long an entry is kept, in ms: the code lifetime plus the clock-skew allowance. */
    private readonly retentionMs: number,
  ) {
    migrateSqlite(db, 'replay-guard', MIGRATIONS);
    this.insert = db.prepare(
      'INSERT INTO replay_guard (code_key, claimed_at, expires_at, device_id) VALUES (?, ?, ?, ?) ON CONFLICT(code_key) DO NOTHING',
    );
    this.lookup = db.prepare('SELECT 1 FROM replay_guard WHERE code_key = ? AND expires_at >= ?').pluck();
    this.remove = db.prepare('DELETE FROM replay_guard WHERE expires_at < ?');
  }

  static keyOf(code: Pick<EhcCode, 'ehcId' | 'validity'>): Buffer {
    return createHash('sha256')
      .update(`${code.ehcId}:${code.validity ?? ''}`)
      .digest();
  }

  /** Records the code as used. `replayed` if it was already used and has not expired. */
  claim(code: Pick<EhcCode, 'ehcId' | 'validity'>, nowMs: number, deviceId: string): ClaimResult {
    const key = ReplayGuard.keyOf(code);
    const r = this.insert.run(key, nowMs, nowMs + this.retentionMs, deviceId);
    if (r.changes === 1) return 'first-use';
    // The row exists: replayed unless it is an expired leftover the sweep has not removed yet.
    if (this.lookup.get(key, nowMs) !== undefined) return 'replayed';
    this.db.prepare('DELETE FROM replay_guard WHERE code_key = ?').run(key);
    return this.insert.run(key, nowMs, nowMs + this.retentionMs, deviceId).changes === 1
      ? 'first-use'
      : 'replayed';
  }

  /** Has this code been used (and not yet expired)? Read-only. */
  seen(code: Pick<EhcCode, 'ehcId' | 'validity'>, nowMs: number): boolean {
    return this.lookup.get(ReplayGuard.keyOf(code), nowMs) !== undefined;
  }

  /** Deletes expired entries; returns how many. */
  sweep(nowMs: number): number {
    return this.remove.run(nowMs).changes;
  }
}
