/**
 * The agent's SQLite file (`storage.file`: the replay guard, the outbox and the audit log share
 * it): free disk space where it lives and `PRAGMA integrity_check`, opened read-only. A file that
 * does not exist yet is a warning (the agent creates it at start).
 */
import { dirname, resolve } from 'node:path';
import type { Check, CheckResult, DoctorEnv } from '../types.js';
import { loadSqlite, type SqliteDb } from './sqlite.js';

const MiB = 1024 * 1024;
/** Below this the outbox and the audit log may stop being written: fail. */
export const DISK_FAIL_BYTES = 64 * MiB;
/** Below this, warn. */
export const DISK_WARN_BYTES = 512 * MiB;

async function diskResult(env: DoctorEnv, dir: string): Promise<CheckResult> {
  try {
    const s = await env.fs.statfs(dir);
    const free = Number(s.bavail) * Number(s.bsize);
    const detail = `${Math.floor(free / MiB)} MiB free in ${dir}`;
    const fix = `free disk space in ${dir} (old logs, reports) or move storage.file to a bigger disk`;
    if (free < DISK_FAIL_BYTES) return { id: 'storage', status: 'fail', detail, fix };
    if (free < DISK_WARN_BYTES) return { id: 'storage', status: 'warn', detail, fix };
    return { id: 'storage', status: 'ok', detail };
  } catch (e) {
    return {
      id: 'storage',
      status: 'fail',
      detail: `cannot read free space of ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      fix: `create ${dir} and let the service user write to it`,
    };
  }
}

async function integrityResult(env: DoctorEnv, file: string): Promise<CheckResult> {
  try {
    await env.fs.stat(file);
  } catch {
    return {
      id: 'storage',
      status: 'warn',
      detail: `${file} does not exist yet: the agent will create it`,
      fix: `if the agent has run before, storage.file points at the wrong place`,
    };
  }
  let db: SqliteDb | undefined;
  try {
    const Database = await loadSqlite(env);
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    if (problems.length === 0) return { id: 'storage', status: 'ok', detail: `${file} integrity ok` };
    return {
      id: 'storage',
      status: 'fail',
      detail: `${file} is damaged: ${problems.slice(0, 3).join('; ')}`,
      fix: `stop the agent, keep a copy, then recover it (sqlite3 ${file} .recover > dump.sql) or restore the last backup`,
    };
  } catch (e) {
    return {
      id: 'storage',
      status: 'fail',
      detail: `${file} cannot be opened as SQLite: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'check storage.file names the agent database and that this user may read it (see the native lines for better-sqlite3)',
    };
  } finally {
    db?.close();
  }
}

export const storageCheck: Check = {
  id: 'storage',
  async run({ env, config }) {
    if (!config) return [];
    const file = config.storage.file;
    if (file === ':memory:') {
      return [
        {
          id: 'storage',
          status: 'warn',
          detail: 'storage.file is :memory: (replay guard and outbox lost at every restart)',
          fix: 'set storage.file to a file path',
        },
      ];
    }
    const path = resolve(file);
    return [await diskResult(env, dirname(path)), await integrityResult(env, path)];
  },
};
