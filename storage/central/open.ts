import { readFileSync } from 'node:fs';
import { StoreError } from '../errors.js';
import type { PostgresOptions } from '../postgres.js';
import type { CentralStore } from './contract.js';
import { PostgresCentralStore } from './postgres-store.js';
import { SqliteCentralStore, type StoreOpenOptions } from './sqlite-store.js';

/** PostgreSQL settings of `--db postgres://…` (ignored for a SQLite file). */
export interface CentralDbOptions {
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
  readonly failoverWaitMs?: number;
  readonly connectTimeoutMs?: number;
  /** PEM files for TLS to PostgreSQL: the CA to check the server, and a client certificate. */
  readonly sslCaFile?: string;
  readonly sslCertFile?: string;
  readonly sslKeyFile?: string;
  /** SQLite only: passed to `SqliteCentralStore.open`. */
  readonly sqlite?: StoreOpenOptions;
}

export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

function pem(file: string | undefined, what: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/**
 * Opens the central store named by `db`: a `postgres://` URL (one or several hosts) or a SQLite
 * file (`:memory:` for a throwaway one). Migrates it; refuses a newer schema.
 */
export async function openCentralStore(db: string, o: CentralDbOptions = {}): Promise<CentralStore> {
  if (!isPostgresUrl(db)) return SqliteCentralStore.open(db, o.sqlite ?? {});
  const ca = pem(o.sslCaFile, 'the PostgreSQL CA file');
  const cert = pem(o.sslCertFile, 'the PostgreSQL client certificate');
  const key = pem(o.sslKeyFile, 'the PostgreSQL client key');
  const ssl =
    ca === undefined && cert === undefined
      ? undefined
      : {
          rejectUnauthorized: true,
          ...(ca === undefined ? {} : { ca }),
          ...(cert === undefined ? {} : { cert }),
          ...(key === undefined ? {} : { key }),
        };
  const opts: PostgresOptions = {
    url: db,
    ...(o.poolSize === undefined ? {} : { poolSize: o.poolSize }),
    ...(o.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: o.statementTimeoutMs }),
    ...(o.failoverWaitMs === undefined ? {} : { failoverWaitMs: o.failoverWaitMs }),
    ...(o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs }),
    ...(ssl === undefined ? {} : { ssl }),
  };
  return PostgresCentralStore.open(opts);
}
