// scripts/pg-standby.sh end to end: a primary and a synchronous standby into a temporary
// directory, rerun, promote, stop. As root it runs once as root (tools through runuser) and once
// as `postgres` (the ordinary-user path); as anyone else, the first run is the ordinary-user path.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedClient, findPostgres, freePort, memoryTmpdir } from '../support/postgres.js';

const bin = findPostgres();
const script = fileURLToPath(new URL('../../scripts/pg-standby.sh', import.meta.url));
const root = process.getuid?.() === 0;

function runScript(args: readonly string[], opts: { asPostgres?: boolean; env?: object } = {}): string {
  const [cmd, argv] = opts.asPostgres
    ? ['runuser', ['-u', 'postgres', '--', 'bash', script, ...args]]
    : ['bash', [script, ...args]];
  try {
    return execFileSync(cmd, argv, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PG_BIN: bin!.binDir, ...opts.env },
      timeout: 90_000,
      killSignal: 'SIGKILL',
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`pg-standby.sh ${args.join(' ')} failed: ${err.stderr ?? ''}${err.stdout ?? ''}`, {
      cause: e,
    });
  }
}

const client = (url: string): Promise<pg.Client> => boundedClient(url);

async function one<T>(url: string, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const c = await client(url);
  try {
    const r = await c.query(sql, params);
    return r.rows[0] as T | undefined;
  } finally {
    await c.end();
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

/** A directory for the two clusters, removed after the case; servers still up get SIGKILL. */
function workDir(owner: 'me' | 'postgres'): { primary: string; standby: string } {
  const dir = mkdtempSync(join(memoryTmpdir(), 'ehc-pg-script-'));
  chmodSync(dir, 0o755); // as root: `postgres` must reach the data directories inside
  if (owner === 'postgres') {
    const id = (f: string): number => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, id('-u'), id('-g'));
  }
  const primary = join(dir, 'primary');
  const standby = join(dir, 'standby');
  cleanups.push(() => {
    for (const d of [standby, primary]) {
      try {
        const pid = Number(readFileSync(join(d, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // stopped, or never started
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { primary, standby };
}

const urls = (out: string): { primary: string; standby: string } => ({
  primary: /^primary: (\S+)$/m.exec(out)?.[1] ?? '',
  standby: /^standby: (\S+)$/m.exec(out)?.[1] ?? '',
});

describe.skipIf(bin === undefined)('scripts/pg-standby.sh', () => {
  it('builds a synchronous primary/standby pair, is safe to rerun, promotes and stops', async () => {
    const dirs = workDir('me');
    const [p1, p2] = [await freePort(), await freePort()];
    const t0 = performance.now();
    const out = runScript([dirs.primary, String(p1), dirs.standby, String(p2)]);
    process.stderr.write(`pg-standby.sh: pair up in ${Math.round(performance.now() - t0)} ms\n`);
    const user = root ? 'postgres' : userInfo().username;
    const { primary, standby } = urls(out);
    expect(primary).toBe(`postgres://${user}@127.0.0.1:${p1}/ehc`);
    expect(standby).toBe(`postgres://${user}@127.0.0.1:${p2}/ehc`);
    expect(out).toContain(
      `libpq multi-host: postgres://${user}@127.0.0.1:${p1},127.0.0.1:${p2}/ehc?target_session_attrs=read-write`,
    );

    expect(
      await one(primary, 'SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1', [
        'standby1',
      ]),
    ).toEqual({ state: 'streaming', sync_state: 'sync' });
    expect(await one(primary, 'SHOW synchronous_commit')).toEqual({ synchronous_commit: 'on' });
    expect(await one(standby, 'SHOW synchronous_standby_names')).toEqual({ synchronous_standby_names: '' });

    await one(primary, 'CREATE TABLE t (id integer PRIMARY KEY)');
    await one(primary, 'INSERT INTO t VALUES (1)');
    // synchronous_commit=on: flushed on the standby at acknowledgement, visible once replayed.
    let seen = 0;
    for (let i = 0; i < 500 && seen === 0; i++) {
      seen = (await one<{ n: number }>(standby, 'SELECT count(*)::int AS n FROM t'))?.n ?? 0;
      if (seen === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen).toBe(1);
    await expect(one(standby, 'INSERT INTO t VALUES (2)')).rejects.toMatchObject({ code: '25006' });

    expect(runScript([dirs.primary, String(p1), dirs.standby, String(p2)])).toBe(out);

    expect(runScript(['--promote', dirs.standby]).trim()).toBe(`promoted: ${standby}`);
    await one(standby, 'INSERT INTO t VALUES (2)');
    expect(await one(standby, 'SELECT count(*)::int AS n FROM t')).toEqual({ n: 2 });

    runScript(['--stop', dirs.primary, dirs.standby]);
    expect(existsSync(join(dirs.primary, 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dirs.standby, 'postmaster.pid'))).toBe(false);
  });

  it.skipIf(!root)(
    'runs as an ordinary user too (here: postgres), with remote_apply on request',
    async () => {
      const dirs = workDir('postgres');
      const [p1, p2] = [await freePort(), await freePort()];
      const out = runScript([dirs.primary, String(p1), dirs.standby, String(p2)], {
        asPostgres: true,
        env: { PGSTANDBY_SYNC_COMMIT: 'remote_apply', PGSTANDBY_DB: 'central' },
      });
      const { primary, standby } = urls(out);
      expect(primary).toBe(`postgres://postgres@127.0.0.1:${p1}/central`);
      await one(primary, 'CREATE TABLE t (id integer PRIMARY KEY)');
      for (let id = 1; id <= 20; id++) {
        await one(primary, 'INSERT INTO t VALUES ($1)', [id]);
        expect(await one(standby, 'SELECT count(*)::int AS n FROM t')).toEqual({ n: id });
      }
      runScript(['--stop', dirs.primary, dirs.standby], { asPostgres: true });
      expect(existsSync(join(dirs.primary, 'postmaster.pid'))).toBe(false);
    },
  );
});
