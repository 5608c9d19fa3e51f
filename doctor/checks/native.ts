/**
 * Native modules: the three device stacks through the project's own loader (`NativeLoader`, whose
 * errors name the missing library and the fix) and better-sqlite3 (opened on `:memory:`).
 */
import { describeLoadFailure, NativeLoader } from '../../devices/transports/native.js';
import { nativeStatus } from '../../devices/transports/native-status.js';
import type { Check, CheckResult, DoctorEnv } from '../types.js';
import { loadSqlite } from './sqlite.js';

const WHY = /^(.*?)\s*Fix: (.*?)\.?$/s;

async function sqliteResult(env: DoctorEnv): Promise<CheckResult> {
  try {
    const Database = await loadSqlite(env);
    const db = new Database(':memory:');
    const row = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    return { id: 'native', status: 'ok', detail: `better-sqlite3 loads (SQLite ${row.v})` };
  } catch (e) {
    const { what, fix } = describeLoadFailure(e);
    return {
      id: 'native',
      status: 'fail',
      detail: `better-sqlite3 cannot load because ${what}`,
      fix:
        fix ??
        'run npm ci (package.json allowScripts must approve better-sqlite3; building from source needs python3, make and g++)',
    };
  }
}

export const nativeCheck: Check = {
  id: 'native',
  async run({ env }) {
    const loader = new NativeLoader({
      serial: () => env.loadModule('@serialport/bindings-cpp'),
      hid: () => env.loadModule('node-hid'),
      usb: () => env.loadModule('usb'),
    });
    const stacks = (await nativeStatus(loader)).map((s): CheckResult => {
      if (s.available) {
        return {
          id: 'native',
          status: 'ok',
          detail: `${s.module} loads${s.version ? ` (${s.version})` : ''}`,
        };
      }
      const m = WHY.exec(s.message ?? '');
      return m
        ? { id: 'native', status: 'fail', detail: m[1]!, fix: m[2]! }
        : { id: 'native', status: 'fail', detail: s.message ?? `${s.module} cannot load`, fix: 'run npm ci' };
    });
    return [...stacks, await sqliteResult(env)];
  },
};
