import { StoreError } from './errors.js';

/**
 * A schema step of one component (`scope`): applied once, in version order, in a transaction.
 * Never edit a released one; add the next version. Each adapter has its own list per scope
 * (SQL dialects differ) with the same version numbers meaning the same schema.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

/** The highest version `migrations` knows (0 for none). */
export function latestVersion(migrations: readonly Migration[]): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

/** The migrations newer than `current`, in order; refuses a database newer than the code. */
export function pendingMigrations(
  scope: string,
  current: number,
  migrations: readonly Migration[],
): readonly Migration[] {
  const known = latestVersion(migrations);
  if (current > known) {
    // A newer program wrote this database (a downgrade): its tables may mean something this one
    // cannot read, so refuse to start rather than guess.
    throw new StoreError(
      'STORE_SCHEMA_NEWER',
      `the database's ${scope} schema is version ${current}, newer than this program knows (${known}): ` +
        'run the newer version, or restore the backup taken before the upgrade',
    );
  }
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
}
