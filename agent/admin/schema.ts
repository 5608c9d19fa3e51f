import Database from 'better-sqlite3';
import { prepareDatabaseFile } from '../../storage/file-mode.js';
import type { Migration } from '../../storage/migration.js';
import { migrateSqlite } from '../../storage/sqlite.js';
import { AdminError } from './errors.js';

type Db = Database.Database;

/**
 * The admin tables, versioned. Append new migrations; never edit an applied one. Every table is
 * prefixed `admin_` so the agent may share one database file between its stores.
 */
const MIGRATIONS: readonly Migration[] = [
  // 1: users and the audit log
  {
    version: 1,
    sql: `
      CREATE TABLE admin_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
        password_hash TEXT NOT NULL,
        password_changed_at INTEGER NOT NULL,
        must_change INTEGER NOT NULL DEFAULT 0,
        disabled_reason TEXT CHECK (disabled_reason IN ('manual', 'unused')),
        created_at INTEGER NOT NULL,
        last_login_at INTEGER,
        last_active_at INTEGER NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER
      ) STRICT;
      CREATE TABLE admin_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
        target TEXT,
        remote TEXT,
        code TEXT,
        detail TEXT
      ) STRICT;
      CREATE INDEX admin_audit_action ON admin_audit (action, id);
      CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
];

export const ADMIN_SCHEMA_VERSION = MIGRATIONS.length;
/** The admin tables' version line in the shared `schema_versions` table (agent/store). */
export const ADMIN_SCHEMA_SCOPE = 'admin';

/**
 * Opens (or adopts) the database and brings the admin schema up to date through the agent's
 * shared migration runner (one `schema_versions` row per component).
 *
 * A database this module opens from a path gets WAL and `synchronous = FULL`: a committed audit
 * row survives a process crash and a power cut. An adopted handle keeps the owner's settings
 * (agent/store opens WAL + NORMAL, which survives a process crash or kill -9 but not a power cut),
 * so that the admin tables do not slow down the scan pipeline sharing the file.
 * Returns whether the caller owns the handle (opened from a path) and must close it.
 */
export function openAdminDatabase(source: Db | string): { db: Db; owned: boolean } {
  const owned = typeof source === 'string';
  let db: Db;
  if (typeof source === 'string') prepareDatabaseFile(source);
  try {
    db = typeof source === 'string' ? new Database(source) : source;
  } catch (cause) {
    throw new AdminError('ADMIN_STORE_FAILED', 'cannot open the admin database', { cause });
  }
  try {
    if (owned) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
    }
    const current = currentVersion(db);
    if (current > ADMIN_SCHEMA_VERSION) {
      throw new AdminError(
        'ADMIN_STORE_FAILED',
        `the admin database has schema version ${current}, newer than this agent's ${ADMIN_SCHEMA_VERSION}`,
      );
    }
    migrateSqlite(db, ADMIN_SCHEMA_SCOPE, MIGRATIONS);
  } catch (cause) {
    if (owned) db.close();
    throw cause instanceof AdminError
      ? cause
      : new AdminError('ADMIN_STORE_FAILED', 'cannot prepare the admin database', { cause });
  }
  return { db, owned };
}

/** The admin schema version the database has (0 when none). */
export function adminSchemaVersion(db: Db): number {
  return currentVersion(db);
}

function currentVersion(db: Db): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'")
    .get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT version FROM schema_versions WHERE scope = ?').get(ADMIN_SCHEMA_SCOPE) as
    | { version: number }
    | undefined;
  return row?.version ?? 0;
}
