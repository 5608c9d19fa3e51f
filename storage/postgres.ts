import pg from 'pg';
import { StoreError } from './errors.js';
import { type Migration, pendingMigrations } from './migration.js';

/**
 * PostgreSQL access for several service instances on one cluster with a hot standby.
 *
 * node-postgres (`pg` 8) takes one host per connection string, so the multi-host form
 * `postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write` (libpq's) is parsed here: the
 * hosts are tried in order and the first that is not in recovery (`pg_is_in_recovery()` false)
 * becomes the primary, with one pool on it. When a statement fails because its connection died,
 * the next statement first re-checks that host; if it is gone or now a standby, the pool is
 * retired and the primary looked for again (the promoted standby) for up to `failoverWaitMs`; past that, statements fail with `STORE_UNAVAILABLE` at once until a
 * primary is back (fail closed; the service answers "unavailable", never "valid").
 */
export interface PostgresOptions {
  /** `postgres://user[:password]@host[:port][,host[:port]…]/database[?…]`. */
  readonly url: string;
  /** Connections in the pool (default 20). */
  readonly poolSize?: number;
  /** Server-side statement timeout, ms (default 5000; 0 = none). */
  readonly statementTimeoutMs?: number;
  /** Connecting to one host, ms (default 2000). */
  readonly connectTimeoutMs?: number;
  /** How long a statement waits for a primary to appear (failover), ms (default 5000). */
  readonly failoverWaitMs?: number;
  /** TLS options, passed through to node-postgres (`ca`, `cert`, `key`, `servername`, …). */
  readonly ssl?: pg.ClientConfig['ssl'];
  /** Reported in `pg_stat_activity` (default `ehc`). */
  readonly applicationName?: string;
}

export type PostgresState = 'connected' | 'connecting' | 'unavailable';

export interface HostUrl {
  readonly host: string;
  readonly port: number;
  /** A single-host connection string for this host (node-postgres form). */
  readonly url: string;
}

/** The URL with its password replaced by `***`: safe for logs and error messages. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/**
 * Splits a (multi-host) URL into one connection string per host, in order. Query parameters
 * libpq knows but node-postgres does not (`target_session_attrs`) are removed; read-write is
 * what this module always looks for.
 */
export function splitHosts(url: string): HostUrl[] {
  const m = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?$/i.exec(url);
  if (m === null) throw new StoreError('STORE_BAD_URL', `not a postgres:// URL: ${maskUrl(url)}`);
  const [, scheme, auth = '', hostList = '', path = '', query = ''] = m;
  const params = new URLSearchParams(query.slice(1));
  params.delete('target_session_attrs');
  const q = params.toString();
  const hosts = hostList.split(',').filter((h) => h !== '');
  if (hosts.length === 0) throw new StoreError('STORE_BAD_URL', `no host in ${maskUrl(url)}`);
  return hosts.map((h) => {
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
    const [host, port] = v6 !== null ? [v6[1]!, v6[2]] : [h.split(':')[0]!, h.split(':')[1]];
    const p = port === undefined ? 5432 : Number(port);
    if (!Number.isInteger(p) || p <= 0 || p > 65535) {
      throw new StoreError('STORE_BAD_URL', `bad port in ${maskUrl(url)}`);
    }
    return { host, port: p, url: `${scheme}${auth}${h}${path}${q === '' ? '' : `?${q}`}` };
  });
}

/** int8 and numeric come back as JS numbers (times in ms, counts: all well below 2^53). */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs and driver errors that mean "this connection (or server) is gone". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '25006', // read_only_sql_transaction: we are on a standby (it was the primary before a failover)
]);

/** True when `e` says the connection or the server went away (the statement's outcome may be unknown). */
export function isConnectionError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const msg = (e as { message?: unknown }).message;
  return (
    typeof msg === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      msg,
    )
  );
}

/**
 * Ends a pool once no statement waits in its queue. pg-pool never serves its queue after `end()`
 * (those statements would wait for their connection timeout), so the queue drains first: each
 * waiting statement gets a connection (and its answer or a connection error) as usual.
 */
function retire(pool: pg.Pool): void {
  if (pool.waitingCount === 0) {
    void pool.end().catch(() => undefined);
    return;
  }
  setTimeout(() => retire(pool), 50).unref();
}

/** A statement of the store: a name makes node-postgres prepare it once per connection. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** A pool on the current primary of a (multi-host) cluster, found again after a failover. */
export class PostgresCluster {
  readonly hosts: readonly HostUrl[];
  private pool: pg.Pool | undefined;
  private active: HostUrl | undefined;
  private finding: Promise<pg.Pool> | undefined;
  private failedAt = 0;
  private closed = false;
  private stateValue: PostgresState = 'connecting';
  private failovers = 0;
  private everConnected = false;
  /** A connection of the pool died: check the host before the next statement. */
  private suspect = false;

  constructor(private readonly opts: PostgresOptions) {
    this.hosts = splitHosts(opts.url);
  }

  /** The URL, password masked. */
  get maskedUrl(): string {
    return maskUrl(this.opts.url);
  }

  get state(): PostgresState {
    return this.stateValue;
  }

  /** `host:port` of the primary in use, if any. */
  get activeHost(): string | undefined {
    return this.active === undefined ? undefined : `${this.active.host}:${this.active.port}`;
  }

  /** Times a new primary was found after the first (failovers or reconnects). */
  get reconnects(): number {
    return this.failovers;
  }

  /** Connects (finding the primary) or throws `STORE_OPEN_FAILED` naming the URL, password masked. */
  async connect(): Promise<void> {
    try {
      await this.primary(this.opts.connectTimeoutMs ?? 2000);
    } catch (e) {
      throw new StoreError('STORE_OPEN_FAILED', `cannot reach a PostgreSQL primary at ${this.maskedUrl}`, {
        cause: e,
      });
    }
  }

  /**
   * Runs one statement on the primary. A connection failure marks the host for a re-check (the
   * next statement checks it is still a reachable primary, else looks for the new one) and
   * throws `STORE_CONNECTION_LOST` (outcome unknown for a write); no primary within
   * `failoverWaitMs` throws `STORE_UNAVAILABLE`.
   */
  async query<R extends pg.QueryResultRow>(
    st: Statement,
    values: readonly unknown[],
  ): Promise<pg.QueryResult<R>> {
    const pool = await this.primary(this.opts.failoverWaitMs ?? 5000);
    try {
      return await pool.query<R>({ name: st.name, text: st.text, values: values as unknown[] });
    } catch (e) {
      throw this.failure(e, pool);
    }
  }

  /** Runs `fn` in one transaction on one connection (BEGIN … COMMIT, ROLLBACK on error). */
  async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const pool = await this.primary(this.opts.failoverWaitMs ?? 5000);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw this.failure(e, pool);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      if (isConnectionError(e)) broken = true;
      else await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(e, pool);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }

  private failure(e: unknown, pool: pg.Pool): unknown {
    if (e instanceof StoreError) return e;
    if ((e as { code?: unknown }).code === '57014') {
      // statement_timeout: the server cancelled the statement (rolled back, nothing stored).
      return new StoreError('STORE_TIMEOUT', 'the database did not answer in time', { cause: e });
    }
    if (!isConnectionError(e)) return e;
    // One dead connection (pg-pool has already dropped it) does not mean the server is gone: the
    // next statement first checks the host is still a reachable primary, and only then goes on
    // with this pool; otherwise it looks for the primary again.
    if (this.pool === pool) this.suspect = true;
    return new StoreError('STORE_CONNECTION_LOST', 'the database connection was lost', { cause: e });
  }

  private drop(pool: pg.Pool): void {
    if (this.pool !== pool) return;
    this.pool = undefined;
    this.active = undefined;
    this.suspect = false;
    this.stateValue = 'connecting';
    retire(pool);
  }

  private async primary(waitMs: number): Promise<pg.Pool> {
    if (this.pool !== undefined && !this.suspect) return this.pool;
    if (this.closed) throw new StoreError('STORE_UNAVAILABLE', 'the store is closed');
    // Right after a search that found nobody, answer at once rather than queue every request
    // behind another full wait: the next search starts after a short pause.
    if (this.finding === undefined && this.stateValue === 'unavailable' && Date.now() - this.failedAt < 250) {
      throw new StoreError('STORE_UNAVAILABLE', `no PostgreSQL primary reachable at ${this.maskedUrl}`);
    }
    this.finding ??= this.recheckOrFind(waitMs).finally(() => {
      this.finding = undefined;
    });
    return this.finding;
  }

  private async recheckOrFind(waitMs: number): Promise<pg.Pool> {
    const pool = this.pool;
    const host = this.active;
    if (pool !== undefined && host !== undefined) {
      try {
        if (await this.isPrimary(host)) {
          this.suspect = false;
          return pool;
        }
      } catch {
        // unreachable: look for the primary
      }
      this.drop(pool);
    }
    return this.find(waitMs);
  }

  private async find(waitMs: number): Promise<pg.Pool> {
    const deadline = Date.now() + waitMs;
    let last: unknown;
    for (let attempt = 0; ; attempt++) {
      for (const h of this.hosts) {
        try {
          if (await this.isPrimary(h)) return this.use(h);
        } catch (e) {
          last = e;
        }
      }
      if (this.closed || Date.now() + 100 > deadline) break;
      await new Promise((r) =>
        setTimeout(r, Math.min(100 * 2 ** attempt, 500, Math.max(0, deadline - Date.now()))),
      );
    }
    this.stateValue = 'unavailable';
    this.failedAt = Date.now();
    throw new StoreError('STORE_UNAVAILABLE', `no PostgreSQL primary reachable at ${this.maskedUrl}`, {
      cause: last,
    });
  }

  private config(h: HostUrl): pg.PoolConfig {
    const timeout = this.opts.statementTimeoutMs ?? 5000;
    return {
      connectionString: h.url,
      connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 2000,
      application_name: this.opts.applicationName ?? 'ehc',
      types: TYPES,
      keepAlive: true,
      ...(timeout > 0 ? { statement_timeout: timeout, query_timeout: timeout + 2000 } : {}),
      ...(this.opts.ssl === undefined ? {} : { ssl: this.opts.ssl }),
    };
  }

  private async isPrimary(h: HostUrl): Promise<boolean> {
    const c = new pg.Client(this.config(h));
    c.on('error', () => undefined);
    try {
      await c.connect();
      const r = await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      return r.rows[0]?.r === false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private use(h: HostUrl): pg.Pool {
    const pool = new pg.Pool({ ...this.config(h), max: this.opts.poolSize ?? 20 });
    // An idle connection that dies (server gone) must not crash the process.
    pool.on('error', () => {
      if (this.pool === pool) this.suspect = true;
    });
    if (this.everConnected) this.failovers++;
    this.everConnected = true;
    this.pool = pool;
    this.active = h;
    this.suspect = false;
    this.stateValue = 'connected';
    return pool;
  }
}

/**
 * Applies `scope`'s migrations newer than the database's version, in one transaction each, under
 * an advisory lock so that instances starting together migrate once. Refuses a newer schema.
 */
export async function migratePostgres(
  cluster: PostgresCluster,
  scope: string,
  migrations: readonly Migration[],
): Promise<number> {
  return cluster.transaction(async (c) => {
    // One lock per scope name for the length of this transaction.
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ehc-migrate:${scope}`]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_versions (scope TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    );
    const r = await c.query<{ version: number }>('SELECT version FROM schema_versions WHERE scope = $1', [
      scope,
    ]);
    let current = r.rows[0]?.version ?? 0;
    for (const m of pendingMigrations(scope, current, migrations)) {
      try {
        await c.query(m.sql);
      } catch (e) {
        throw new StoreError('STORE_MIGRATION_FAILED', `migration ${scope} v${m.version} failed`, {
          cause: e,
        });
      }
      await c.query(
        'INSERT INTO schema_versions (scope, version) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET version = excluded.version',
        [scope, m.version],
      );
      current = m.version;
    }
    return current;
  });
}

/** The scope's schema version (0 if none). */
export async function postgresSchemaVersion(cluster: PostgresCluster, scope: string): Promise<number> {
  const r = await cluster
    .query<{ version: number }>(
      {
        name: 'ehc_schema_version',
        text: 'SELECT coalesce((SELECT version FROM schema_versions WHERE scope = $1), 0) AS version',
      },
      [scope],
    )
    .catch((e: unknown) => {
      if ((e as { code?: string }).code === '42P01') return { rows: [{ version: 0 }] };
      throw e;
    });
  return r.rows[0]?.version ?? 0;
}
