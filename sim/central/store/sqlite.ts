import Database from 'better-sqlite3';
import { CentralSetupError } from '../errors.js';
import type { Migration } from './schema.js';

/**
 * The central service's own SQLite helpers (sim/ does not import agent/: a reference peer stays
 * deployable on its own). WAL so readers never block the writer; synchronous=NORMAL (a committed
 * transaction survives a process crash; only an OS crash may lose the last ones); a busy timeout
 * for a second connection (the checkpointer, backup tools) touching the file; a 64 MiB cache.
 */
export type Db = Database.Database;

export function openCentralDatabase(file: string): Db {
  try {
    const db = new Database(file);
    if (file !== ':memory:') {
      db.pragma('journal_mode = WAL');
      // Reads through the OS page cache without a syscall per page; the WAL shrinks back after
      // a checkpoint instead of staying at its high-water mark.
      db.pragma('mmap_size = 268435456');
      db.pragma('journal_size_limit = 67108864');
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (e) {
    throw new CentralSetupError('CENTRAL_SETUP_DB_OPEN', 'cannot open the central database', { cause: e });
  }
}

/** Applies the scope's migrations newer than the database's version; returns the new version. */
export function migrate(db: Db, scope: string, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const current = schemaVersion(db, scope);
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  const setVersion = db.prepare(
    'INSERT INTO schema_versions (scope, version) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET version = excluded.version',
  );
  const apply = db.transaction((m: Migration) => {
    db.exec(m.sql);
    setVersion.run(scope, m.version);
  });
  let version = current;
  for (const m of pending) {
    try {
      apply(m);
    } catch (e) {
      throw new CentralSetupError('CENTRAL_SETUP_MIGRATION', `migration ${scope} v${m.version} failed`, {
        cause: e,
      });
    }
    version = m.version;
  }
  return version;
}

/** The scope's schema version in `db` (0 if none), optionally in an attached schema. */
export function schemaVersion(db: Db, scope: string, schema = 'main'): number {
  const hasTable = db
    .prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = 'schema_versions'`)
    .pluck()
    .get();
  if (hasTable === undefined) return 0;
  const v = db.prepare(`SELECT version FROM ${schema}.schema_versions WHERE scope = ?`).pluck().get(scope);
  return typeof v === 'number' ? v : 0;
}
