// better-sqlite3 through the injected module loader (native and storage checks share it).
import type { DoctorEnv } from '../types.js';

export interface SqliteDb {
  prepare(sql: string): { get(): unknown };
  pragma(sql: string): unknown;
  close(): void;
}

export type SqliteConstructor = new (
  file: string,
  opts?: { readonly: boolean; fileMustExist: boolean },
) => SqliteDb;

/** The better-sqlite3 constructor (CommonJS default export, or the module itself). */
export async function loadSqlite(env: DoctorEnv): Promise<SqliteConstructor> {
  const m = (await env.loadModule('better-sqlite3')) as { default?: unknown };
  return (m && typeof m === 'object' && 'default' in m && m.default ? m.default : m) as SqliteConstructor;
}
