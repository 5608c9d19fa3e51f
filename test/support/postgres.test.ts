import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgres, startPostgres } from './postgres.js';

const bin = findPostgres();

describe.skipIf(bin === undefined)('throwaway PostgreSQL harness', () => {
  it('starts a cluster on a loopback port, serves one database, and stops leaving nothing behind', async () => {
    const db = await startPostgres(bin!);
    let dir: string | undefined;
    try {
      process.stderr.write(`postgres harness: started in ${db.startMs} ms\n`);
      expect(db.url).toMatch(/^postgres:\/\/\w+@127\.0\.0\.1:\d+\/ehc_test$/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const r = await client.query<{ db: string; dir: string }>(
          "SELECT current_database() AS db, current_setting('unix_socket_directories') AS dir",
        );
        expect(r.rows[0]?.db).toBe('ehc_test');
        dir = r.rows[0]?.dir;
      } finally {
        await client.end();
      }
      const other = await db.createDatabase('second_db');
      const c2 = new pg.Client({ connectionString: other });
      await c2.connect();
      await c2.end();
    } finally {
      db.stop();
    }
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
    db.stop(); // idempotent
  });
});
