// A throwaway PostgreSQL cluster for tests: initdb into a temporary directory, pg_ctl start on a
// free loopback port, one database. Missing PostgreSQL locally: the tests skip with one line
// saying how to install it. Missing under CI=true: they fail, because CI installs it (.ci/run).
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  appendFileSync,
  chmodSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { executable } from './system-tool.js';

export const POSTGRES_INSTALL_HINT = 'apt-get install -y postgresql';

export interface PostgresBinaries {
  /** Directory holding initdb, pg_ctl and postgres. */
  readonly binDir: string;
}

export interface ThrowawayPostgres {
  /** `postgres://user@127.0.0.1:port/db` (trust authentication on loopback). */
  readonly url: string;
  readonly port: number;
  /** The database name in `url`. */
  readonly database: string;
  /** Milliseconds initdb + start + createdb took. */
  readonly startMs: number;
  /** Creates another database in the cluster and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m immediate` and removes the directory. Idempotent. */
  stop(): void;
}

/** Numeric order of version directory names ("9.6" < "15" < "16"). */
const versionKey = (v: string): number[] => v.split('.').map((x) => Number.parseInt(x, 10) || 0);
const byVersionDesc = (a: string, b: string): number => {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (y[i] ?? 0) - (x[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * Finds initdb/pg_ctl: on PATH first, else the highest version under /usr/lib/postgresql/<v>/bin
 * (Debian keeps them off PATH). Returns undefined and prints one skip line when missing; throws
 * under CI=true.
 */
export function findPostgres(): PostgresBinaries | undefined {
  const candidates = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort(byVersionDesc);
    candidates.push(...versions.map((v) => join('/usr/lib/postgresql', v, 'bin')));
  } catch {
    // no Debian layout
  }
  for (const dir of candidates) {
    // A symlink on PATH (e.g. /usr/local/bin/initdb): use the directory it points into, where
    // its siblings (pg_ctl, postgres) are.
    if (!executable(join(dir, 'initdb'))) continue;
    const binDir = dirname(realpathSync(join(dir, 'initdb')));
    if (executable(join(binDir, 'pg_ctl')) && executable(join(binDir, 'postgres'))) return { binDir };
  }
  const reason = `PostgreSQL (initdb, pg_ctl) not found; install it with: ${POSTGRES_INSTALL_HINT}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI=true)`);
  process.stderr.write(`skip: ${reason}\n`);
  return undefined;
}

/** A free TCP port on 127.0.0.1 (bound and released; a race with another process is unlikely). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

type Owner = { uid: number; gid: number } | undefined;

/** The uid/gid of `postgres` when we run as root (initdb refuses root), else undefined. */
function postgresUser(): Owner {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Runs a PostgreSQL tool from `bin` (as `postgres` through runuser when we are root), returns its
 * stdout, and throws with its stderr when it fails or outlives `timeoutMs`.
 */
function toolRunner(
  bin: PostgresBinaries,
  owner: Owner,
  cwd: string,
): (tool: string, args: readonly string[], timeoutMs?: number) => string {
  return (tool, args, timeoutMs = 60_000) => {
    const file = join(bin.binDir, tool);
    const [cmd, argv] =
      owner === undefined ? [file, [...args]] : ['runuser', ['-u', 'postgres', '--', file, ...args]];
    try {
      return execFileSync(cmd, argv, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; signal?: string };
      const why = (err.stderr ?? '').trim() || (err.stdout ?? '').trim() || `killed (${err.signal})`;
      throw new Error(`${tool} failed: ${why}`, { cause: e });
    }
  };
}

/**
 * /dev/shm when it is there and writable, else the OS temporary directory. A memory file system
 * makes initdb and pg_basebackup several times faster than a disk-backed /tmp; nothing is lost
 * for tests that kill a server process, since a process crash leaves the page cache intact.
 */
export function memoryTmpdir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** A temporary directory `postgres` owns when we are root (initdb and the servers write there). */
function clusterDir(prefix: string, owner: Owner, base: string = tmpdir()): string {
  const dir = mkdtempSync(join(base, prefix));
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  return dir;
}

/**
 * Starts a new cluster. Call once per test file (beforeAll) and share it across its cases; give
 * each case its own database with `createDatabase` when they must not see each other's rows.
 */
export async function startPostgres(
  bin: PostgresBinaries,
  opts: { database?: string } = {},
): Promise<ThrowawayPostgres> {
  const t0 = performance.now();
  const owner = postgresUser();
  const dir = clusterDir('ehc-pg-', owner);
  const data = join(dir, 'data');
  const user = owner === undefined ? 'ehc' : 'postgres';
  const run = toolRunner(bin, owner, dir);
  let started = false;
  const stop = (): void => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const pgOpts = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c max_connections=200',
      // fsync stays on (the default); the data directory is thrown away anyway.
    ].join(' ');
    run('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-s', '-l', join(dir, 'log'), '-o', pgOpts]);
    started = true;
    const database = opts.database ?? 'ehc_test';
    const base = `postgres://${user}@127.0.0.1:${port}`;
    const createDatabase = async (name: string): Promise<string> => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    };
    await createDatabase(database);
    return {
      url: `${base}/${database}`,
      port,
      database,
      startMs: Math.round(performance.now() - t0),
      createDatabase,
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}

/** One server of a primary/standby pair. */
export interface PostgresNode {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `postgres://user@127.0.0.1:port/db` (trust authentication on loopback). */
  readonly url: string;
  readonly dataDir: string;
}

export interface PrimaryStandby {
  readonly primary: PostgresNode;
  /** A hot standby: serves reads, refuses writes until `promoteStandby`. */
  readonly standby: PostgresNode;
  readonly user: string;
  /** The database name in every URL here. */
  readonly database: string;
  /** The standby's application_name, which the primary's synchronous_standby_names names. */
  readonly standbyName: string;
  /**
   * libpq's multi-host form, `postgres://user@127.0.0.1:P1,127.0.0.1:P2/db?target_session_attrs=read-write`,
   * for psql and libpq-based tools. node-postgres (`pg` 8.x) cannot use it: `new pg.Client({
   * connectionString })` throws `TypeError: Invalid URL`, and `host: 'a,b'` is looked up as one
   * name. Node code uses `hosts` instead.
   */
  readonly multiHostUrl: string;
  /**
   * Primary first, then standby: what a node-postgres client walks itself to do what libpq's
   * target_session_attrs=read-write does — try each in order, keep the first that connects and
   * answers `SELECT pg_is_in_recovery()` with false (or `SHOW transaction_read_only` with off).
   */
  readonly hosts: readonly { readonly host: string; readonly port: number }[];
  /** Milliseconds from nothing to the standby streaming with sync_state = 'sync'. */
  readonly startMs: number;
  /**
   * SIGKILL to the primary's postmaster and the rest of its process group (its backends and WAL
   * sender): a power cut, no shutdown checkpoint, nothing more sent to the standby. Resolves once
   * the primary's port refuses connections.
   */
  killPrimary(): Promise<void>;
  /**
   * Promotes the standby (`pg_promote(wait => true)`) and resolves with the milliseconds until it
   * accepts a read-write transaction. The promoted server has no standby of its own, so its
   * commits do not wait for anyone.
   */
  promoteStandby(): Promise<number>;
  /** Stops both servers (`-m immediate`) and removes the directory. Idempotent, never waits on a commit. */
  stop(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A client that cannot hang a test: bounded connect, and every query bounded on both sides
 * (statement_timeout on the server, query_timeout in the client — the latter also covers a
 * commit waiting for a synchronous standby that is gone, which statement_timeout does not).
 */
/** A connected client with every wait bounded (connect, statement, query); tests end it. */
export async function boundedClient(url: string, timeoutMs = 5_000): Promise<pg.Client> {
  const c = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
  });
  c.on('error', () => {}); // a server that dies under an idle client: the next query reports it
  await c.connect();
  return c;
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
    query_timeout: 10_000,
  });
  c.on('error', () => {}); // a server that dies under an idle client: the next query reports it
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** The postmaster's pid: the first line of postmaster.pid. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(
      readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '',
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The process group of `pid` (Linux /proc), or undefined. */
function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces, so count from the last ')'.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgrp) ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL to a postmaster and, when it leads its own process group (pg_ctl starts it with
 * setsid), to that group — its children — too.
 */
function killPostmaster(pid: number): void {
  const leader = processGroup(pid) === pid;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  if (leader) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Resolves once nothing accepts TCP connections on 127.0.0.1:port; throws after `timeoutMs`. */
async function waitRefused(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (!open) return;
    if (Date.now() > deadline) throw new Error(`127.0.0.1:${port} still accepts connections`);
    await sleep(10);
  }
}

const logTail = (file: string): string => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
};

/**
 * Starts a primary and a hot standby streaming from it synchronously, in one temporary directory:
 *
 * - primary: initdb, wal_level=replica, max_wal_senders, trust for replication from 127.0.0.1,
 *   synchronous_standby_names = the standby's application_name, and `synchronousCommit`
 *   (default remote_apply: a commit the primary acknowledged is not only flushed on the standby
 *   but visible to reads there; `on` only promises it is flushed, i.e. survives a failover);
 * - standby: `pg_basebackup -R -X stream -C -S standby1` (primary_conninfo, a replication slot,
 *   standby.signal), hot_standby=on, its own port.
 *
 * Resolves once pg_stat_replication on the primary shows the standby streaming with sync_state =
 * 'sync'. The settings go on each server's command line, not into postgresql.conf, so the standby
 * does not inherit synchronous_standby_names — after promotion its commits do not wait for a
 * standby that does not exist. One pair per test file (beforeAll); `killPrimary` is one-way.
 */
export async function startPrimaryStandby(
  bin: PostgresBinaries,
  opts: { database?: string; synchronousCommit?: 'on' | 'remote_apply' } = {},
): Promise<PrimaryStandby> {
  const t0 = performance.now();
  const owner = postgresUser();
  const dir = clusterDir('ehc-pg-pair-', owner, memoryTmpdir());
  const user = owner === undefined ? 'ehc' : 'postgres';
  const database = opts.database ?? 'ehc_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
  const standbyName = 'standby1';
  const run = toolRunner(bin, owner, dir);
  const primaryData = join(dir, 'primary');
  const standbyData = join(dir, 'standby');
  const running = new Set<string>();

  const start = (data: string, port: number, settings: readonly string[]): void => {
    const pgOpts = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      // A hot standby needs these at least as high as its primary's: same values on both.
      '-c max_connections=200',
      '-c max_wal_senders=5',
      '-c max_replication_slots=5',
      '-c wal_level=replica',
      ...settings.map((s) => `-c ${s}`),
    ].join(' ');
    run('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-s', '-l', `${data}.log`, '-o', pgOpts]);
    running.add(data);
  };
  const stopNode = (data: string): void => {
    if (!running.delete(data)) return;
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10'], 15_000);
    } catch {
      const pid = postmasterPid(data);
      if (pid !== undefined) killPostmaster(pid);
    }
  };
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stopNode(standbyData);
    stopNode(primaryData);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    run('initdb', ['-D', primaryData, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // initdb -A trust already lets replication in from loopback; say it anyway, it is the point.
    appendFileSync(join(primaryData, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    const [p1, p2] = [await freePort(), await freePort()];
    const url = (port: number, db: string): string => `postgres://${user}@127.0.0.1:${port}/${db}`;
    start(primaryData, p1, [
      `synchronous_standby_names=${standbyName}`,
      `synchronous_commit=${opts.synchronousCommit ?? 'remote_apply'}`,
    ]);
    // No standby yet: a commit waiting for one would wait forever, so this one is local.
    await withClient(url(p1, 'postgres'), async (c) => {
      await c.query('SET synchronous_commit = local');
      await c.query(`CREATE DATABASE ${database}`);
    });
    run('pg_basebackup', [
      '-D',
      standbyData,
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      standbyName,
      '--checkpoint=fast',
      '--no-sync',
      '-d',
      `host=127.0.0.1 port=${p1} user=${user} application_name=${standbyName}`,
    ]);
    start(standbyData, p2, [
      'hot_standby=on',
      // After the primary dies the startup process sleeps this long between attempts to get WAL,
      // and a promote request that lands just before the sleep waits it out (the default 5 s
      // showed up as 5 s promotions in about one run of five).
      'wal_retrieve_retry_interval=200ms',
    ]);

    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await withClient(url(p1, 'postgres'), async (c) => {
        const r = await c.query<{ state: string; sync_state: string }>(
          'SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1',
          [standbyName],
        );
        return r.rows;
      });
      if (rows[0]?.state === 'streaming' && rows[0]?.sync_state === 'sync') break;
      if (Date.now() > deadline) {
        throw new Error(
          `standby not streaming synchronously after 30 s: ${JSON.stringify(rows)}\n` +
            logTail(`${standbyData}.log`),
        );
      }
      await sleep(20);
    }

    const node = (port: number, dataDir: string): PostgresNode => ({
      host: '127.0.0.1',
      port,
      url: url(port, database),
      dataDir,
    });
    const primary = node(p1, primaryData);
    const standby = node(p2, standbyData);
    return {
      primary,
      standby,
      user,
      database,
      standbyName,
      multiHostUrl: `postgres://${user}@127.0.0.1:${p1},127.0.0.1:${p2}/${database}?target_session_attrs=read-write`,
      hosts: [
        { host: '127.0.0.1', port: p1 },
        { host: '127.0.0.1', port: p2 },
      ],
      startMs: Math.round(performance.now() - t0),
      killPrimary: async () => {
        const pid = postmasterPid(primaryData);
        if (pid === undefined) throw new Error('primary has no postmaster.pid');
        killPostmaster(pid);
        running.delete(primaryData);
        await waitRefused(p1, 5_000);
      },
      promoteStandby: async () => {
        const t = performance.now();
        await withClient(standby.url, (c) => c.query('SELECT pg_promote(true, 30)'));
        // txid_current() needs a transaction id, which a server in recovery cannot assign.
        const until = Date.now() + 30_000;
        for (;;) {
          try {
            await withClient(standby.url, (c) => c.query('SELECT txid_current()'));
            return Math.round(performance.now() - t);
          } catch (e) {
            if (Date.now() > until) throw e;
            await sleep(5);
          }
        }
      },
      stop,
    };
  } catch (e) {
    const logs = `primary log:\n${logTail(`${primaryData}.log`)}\nstandby log:\n${logTail(`${standbyData}.log`)}`;
    stop();
    throw e instanceof Error ? new Error(`${e.message}\n${logs}`, { cause: e }) : e;
  }
}
