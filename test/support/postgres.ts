// A throwaway PostgreSQL cluster for tests: initdb into a temporary directory, pg_ctl start on a
// free loopback port, one database. Missing PostgreSQL locally: the tests skip with one line
// saying how to install it. Missing under CI=true: they fail, because CI installs it (.ci/run).
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

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

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

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
async function freePort(): Promise<number> {
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

/** The uid/gid of `postgres` when we run as root (initdb refuses root), else undefined. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
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
  const dir = mkdtempSync(join(tmpdir(), 'ehc-pg-'));
  const data = join(dir, 'data');
  const owner = postgresUser();
  const user = owner === undefined ? 'ehc' : 'postgres';
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (tool: string, args: readonly string[]): string => {
    const file = join(bin.binDir, tool);
    const [cmd, argv] =
      owner === undefined ? [file, [...args]] : ['runuser', ['-u', 'postgres', '--', file, ...args]];
    try {
      return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string };
      throw new Error(`${tool} failed: ${(err.stderr ?? '').trim() || (err.stdout ?? '').trim()}`, {
        cause: e,
      });
    }
  };
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
