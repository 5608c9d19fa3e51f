import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../storage/sqlite.js';
import { ReplayGuard } from './replay-guard.js';

const code = (n: number) => ({ ehcId: `${'A'.repeat(63)}${n}`, validity: 'B'.repeat(32) });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ReplayGuard', () => {
  it('accepts a code once, refuses it afterwards', () => {
    const g = new ReplayGuard(openSqlite(':memory:'), 65_000);
    expect(g.claim(code(1), 1000, 'd1')).toBe('first-use');
    expect(g.claim(code(1), 1001, 'd2')).toBe('replayed');
    expect(g.claim(code(2), 1001, 'd2')).toBe('first-use');
    expect(g.claim({ ...code(1), validity: 'C'.repeat(32) }, 1002, 'd1')).toBe('first-use');
  });

  it('forgets entries after the retention period', () => {
    const g = new ReplayGuard(openSqlite(':memory:'), 65_000);
    expect(g.claim(code(1), 0, 'd')).toBe('first-use');
    expect(g.seen(code(1), 65_000)).toBe(true);
    expect(g.seen(code(1), 65_001)).toBe(false);
    expect(g.claim(code(1), 65_001, 'd')).toBe('first-use');
    expect(g.sweep(200_000)).toBe(1);
  });

  it('survives a restart (same database file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-replay-'));
    dirs.push(dir);
    const file = join(dir, 'agent.db');
    const db1 = openSqlite(file);
    expect(new ReplayGuard(db1, 65_000).claim(code(7), 1000, 'd')).toBe('first-use');
    db1.close();
    const db2 = openSqlite(file);
    expect(new ReplayGuard(db2, 65_000).claim(code(7), 2000, 'd')).toBe('replayed');
    db2.close();
  });

  it('stores no EHC-ID in clear', () => {
    const db = openSqlite(':memory:');
    const g = new ReplayGuard(db, 65_000);
    g.claim(code(3), 0, 'd');
    const dump = JSON.stringify(db.prepare('SELECT hex(code_key) k, device_id FROM replay_guard').all());
    expect(dump).not.toContain('AAAAAAAA');
  });
});
