import Database from 'better-sqlite3';
import { EhcError } from '../../protocol/errors.js';

export type Db = Database.Database;

/** A schema step: applied once, in order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export class StoreError extends EhcError {}

/**
 * Opens a SQLite database tuned for a kiosk's durable state: WAL (readers never block the writer),
 * synchronous=NORMAL (a committed transaction survives a process crash or kill -9; only an OS
 * crash can lose the last ones), a busy timeout, foreign keys on. `:memory:` works for tests.
 */
export function openDatabase(file: string): Db {
  try {
    const db = new Database(file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    throw new StoreError('STORE_OPEN_FAILED', 'cannot open the database file', { cause: e });
  }
}

/**
 * Applies the migrations of one component (`scope`) that are newer than what the database has.
 * Each component keeps its own version line, so several components can share one file.
 */
export function migrate(db: Db, scope: string, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_versions WHERE scope = ?').get(scope) as
    | { version: number }
    | undefined;
  let current = row?.version ?? 0;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    // A newer agent wrote this file (a downgrade): its tables may mean something this one
    // cannot read, so refuse to start rather than guess.
    throw new StoreError(
      'STORE_SCHEMA_NEWER',
      `the database's ${scope} schema is version ${current}, newer than this agent knows (${known}): ` +
        'run the newer agent, or restore the backup taken before the upgrade',
    );
  }
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  const apply = db.transaction((m: Migration) => {
    db.exec(m.sql);
    db.prepare(
      'INSERT INTO schema_versions (scope, version) VALUES (?, ?) ON CONFLICT(scope) DO UPDATE SET version = excluded.version',
    ).run(scope, m.version);
  });
  for (const m of pending) {
    apply(m);
    current = m.version;
  }
  return current;
}
