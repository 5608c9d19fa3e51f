import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminService, adminSchemaVersion, isAdminError } from '../../agent/admin/index.js';
import { INITIAL_ADMIN_PASSWORD, ManualClock, TEST_COST } from './support/harness.js';

const LOCAL = '127.0.0.1';

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    if (isAdminError(error)) return error.code;
    throw error;
  }
  return 'none';
}

describe('audit durability', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ehc-admin-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('audit rows survive closing and reopening the database file', async () => {
    const file = join(dir, 'agent.db');
    const clock = new ManualClock();
    const first = new AdminService({
      database: file,
      now: clock.now,
      scryptCost: TEST_COST,
      sweepIntervalMs: 0,
    });
    await first.bootstrap(INITIAL_ADMIN_PASSWORD);
    expect(await refused(first.auth.login('admin', 'Wrong-Pass-1', LOCAL))).toBe('ADMIN_BAD_CREDENTIALS');
    await first.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
    const before = first.audit.list({ limit: 1000 });
    first.close();

    const second = new AdminService({
      database: file,
      now: clock.now,
      scryptCost: TEST_COST,
      sweepIntervalMs: 0,
    });
    try {
      expect(second.audit.list({ limit: 1000 })).toEqual(before);
      expect(before.map((r) => `${r.action}:${r.outcome}`)).toEqual([
        'login:ok',
        'login:denied',
        'admin.bootstrap:ok',
      ]);
      expect(await second.bootstrap()).toEqual({ created: false });
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(adminSchemaVersion(raw)).toBe(1);
      } finally {
        raw.close();
      }
    } finally {
      second.close();
    }
  });
});
