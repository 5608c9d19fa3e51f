import { describe, expect, it } from 'vitest';
import { migrateSqlite, openSqlite } from './sqlite.js';

const V1 = { version: 1, sql: 'CREATE TABLE t (a INTEGER)' };
const V2 = { version: 2, sql: 'ALTER TABLE t ADD COLUMN b TEXT' };

describe('store schema versions', () => {
  it('migrates from empty and forward from the previous version, once', () => {
    const db = openSqlite(':memory:');
    expect(migrateSqlite(db, 'x', [V1])).toBe(1);
    db.prepare('INSERT INTO t (a) VALUES (1)').run();
    expect(migrateSqlite(db, 'x', [V1, V2])).toBe(2);
    expect(migrateSqlite(db, 'x', [V2, V1])).toBe(2); // order given does not matter, nothing re-applied
    expect(db.prepare('SELECT a, b FROM t').all()).toEqual([{ a: 1, b: null }]);
  });

  it('refuses a database written by a newer agent, with a message saying what to do', () => {
    const db = openSqlite(':memory:');
    migrateSqlite(db, 'x', [V1, V2]);
    expect(() => migrateSqlite(db, 'x', [V1])).toThrow(
      expect.objectContaining({
        code: 'STORE_SCHEMA_NEWER',
        message: expect.stringMatching(/version 2, newer than this program knows \(1\).*restore/),
      }),
    );
    // another component's version line is independent
    expect(
      migrateSqlite(
        db,
        'y',
        [V1].map((m) => ({ ...m, sql: 'CREATE TABLE u (a INTEGER)' })),
      ),
    ).toBe(1);
  });
});
