import Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { prepareDatabaseFile } from './file-mode.js';
import { type Migration, pendingMigrations } from './migration.js';

export type Db = Database.Database;

export interface SqliteTuning {
  /** Enforce foreign keys (the agent's tables use them). */
  readonly foreignKeys?: boolean;
  /**
   * A server's profile (the central service): memory-mapped reads, a 64 MiB page cache, temp
   * tables in memory, and a WAL that shrinks back after a checkpoint.
   */
  readonly server?: boolean;
}

/**
 * Opens a SQLite database, the one opener of the project: WAL (readers never block the writer),
 * synchronous=NORMAL (a committed transaction survives a process crash or kill -9; only an OS
 * crash can lose the last ones), a busy timeout for a second connection touching the file.
 * `:memory:` works for tests. A file is created 0600 and refused (`STORE_PERMISSIONS`) when others
 * can access it (file-mode.ts).
 */
export function openSqlite(file: string, tuning: SqliteTuning = {}): Db {
  prepareDatabaseFile(file);
  try {
    const db = new Database(file);
    if (file !== ':memory:') {
      db.pragma('journal_mode = WAL');
      if (tuning.server === true) {
        db.pragma('mmap_size = 268435456');
        db.pragma('journal_size_limit = 67108864');
      }
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    if (tuning.server === true) {
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
    }
    if (tuning.foreignKeys === true) db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    throw new StoreError('STORE_OPEN_FAILED', 'cannot open the database file', { cause: e });
  }
}

/**
 * Applies the migrations of one component (`scope`) that are newer than what the database has;
 * returns the new version. Each component keeps its own version line, so several can share one
 * file. Refuses (STORE_SCHEMA_NEWER) a database a newer version wrote.
 */
export function migrateSqlite(db: Db, scope: string, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  let current = sqliteSchemaVersion(db, scope);
  const setVersion = db.prepare(
    'INSERT INTO schema_versions (scope, version) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET version = excluded.version',
  );
  const apply = db.transaction((m: Migration) => {
    db.exec(m.sql);
    setVersion.run(scope, m.version);
  });
  for (const m of pendingMigrations(scope, current, migrations)) {
    try {
      apply(m);
    } catch (e) {
      throw new StoreError('STORE_MIGRATION_FAILED', `migration ${scope} v${m.version} failed`, { cause: e });
    }
    current = m.version;
  }
  return current;
}

/** The scope's schema version in `db` (0 if none), optionally in an attached schema. */
export function sqliteSchemaVersion(db: Db, scope: string, schema = 'main'): number {
  const hasTable = db
    .prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = 'schema_versions'`)
    .pluck()
    .get();
  if (hasTable === undefined) return 0;
  const v = db.prepare(`SELECT version FROM ${schema}.schema_versions WHERE scope = ?`).pluck().get(scope);
  return typeof v === 'number' ? v : 0;
}
