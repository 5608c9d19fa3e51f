import Database from 'better-sqlite3';
import { AdminError } from './errors.js';

type Db = Database.Database;

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The admin tables, versioned. Append new migrations; never edit an applied one. Every table is
 * prefixed `admin_` so the agent may share one database file between its stores.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users and audit log',
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

/**
 * Opens (or adopts) the database and brings the admin schema up to date. WAL journal with
 * `synchronous = FULL`: a committed audit row survives a process crash and a power cut.
 * Returns whether the caller owns the handle (opened from a path) and must close it.
 */
export function openAdminDatabase(source: Db | string): { db: Db; owned: boolean } {
  const owned = typeof source === 'string';
  let db: Db;
  try {
    db = typeof source === 'string' ? new Database(source) : source;
  } catch (cause) {
    throw new AdminError('ADMIN_STORE_FAILED', 'cannot open the admin database', { cause });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (cause) {
    if (owned) db.close();
    throw cause instanceof AdminError
      ? cause
      : new AdminError('ADMIN_STORE_FAILED', 'cannot prepare the admin database', { cause });
  }
  return { db, owned };
}

function migrate(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS admin_schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const row = db.prepare('SELECT MAX(version) AS v FROM admin_schema_migrations').get() as {
    v: number | null;
  };
  const current = row.v ?? 0;
  if (current > ADMIN_SCHEMA_VERSION) {
    throw new AdminError(
      'ADMIN_STORE_FAILED',
      `the admin database has schema version ${current}, newer than this agent's ${ADMIN_SCHEMA_VERSION}`,
    );
  }
  const record = db.prepare(
    'INSERT INTO admin_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
}

/** Applied migration versions, oldest first (for diagnostics and tests). */
export function appliedMigrations(db: Db): number[] {
  const rows = db.prepare('SELECT version FROM admin_schema_migrations ORDER BY version').all() as {
    version: number;
  }[];
  return rows.map((r) => r.version);
}
