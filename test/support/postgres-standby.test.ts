import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedClient, findPostgres, type PrimaryStandby, startPrimaryStandby } from './postgres.js';

const bin = findPostgres();

const client = (url: string): Promise<pg.Client> => boundedClient(url);

describe.skipIf(bin === undefined)('primary + synchronous hot standby harness', () => {
  let pair: PrimaryStandby;
  beforeAll(async () => {
    pair = await startPrimaryStandby(bin!);
    process.stderr.write(`postgres standby harness: pair streaming (sync) in ${pair.startMs} ms\n`);
    const c = await client(pair.primary.url);
    try {
      await c.query('CREATE TABLE t (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
    } finally {
      await c.end();
    }
  });
  afterAll(() => pair?.stop());

  it('hands out hosts because node-postgres 8.x cannot parse the multi-host URL', () => {
    expect(pair.multiHostUrl).toBe(
      `postgres://${pair.user}@127.0.0.1:${pair.primary.port},127.0.0.1:${pair.standby.port}/${pair.database}?target_session_attrs=read-write`,
    );
    // If this starts passing, pg learned libpq's multi-host syntax and `hosts` can go.
    expect(() => new pg.Client({ connectionString: pair.multiHostUrl })).toThrow(/Invalid URL/);
    expect(pair.hosts).toEqual([
      { host: '127.0.0.1', port: pair.primary.port },
      { host: '127.0.0.1', port: pair.standby.port },
    ]);
  });

  it('shows every commit the primary acknowledged on the standby at once', async () => {
    const [p, s] = [await client(pair.primary.url), await client(pair.standby.url)];
    try {
      const rep = await p.query<{ state: string; sync_state: string }>(
        'SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1',
        [pair.standbyName],
      );
      expect(rep.rows).toEqual([{ state: 'streaming', sync_state: 'sync' }]);
      for (let id = 1; id <= 100; id++) {
        await p.query('INSERT INTO t (id) VALUES ($1)', [id]);
        const r = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = $1', [id]);
        expect(r.rows[0]?.n, `row ${id} on the standby right after its commit`).toBe(1);
      }
    } finally {
      await p.end();
      await s.end();
    }
  });

  it('the standby serves reads and refuses writes before promotion', async () => {
    const s = await client(pair.standby.url);
    try {
      const r = await s.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
      expect(r.rows[0]?.recovery).toBe(true);
      await expect(s.query('INSERT INTO t (id) VALUES (-1)')).rejects.toMatchObject({
        code: '25006', // read_only_sql_transaction
      });
    } finally {
      await s.end();
    }
  });

  it('after the primary is killed under 20 writers, the promoted standby holds every acknowledged row', async () => {
    const base = 1_000;
    let next = base;
    let stopWriting = false;
    const acknowledged: number[] = [];
    const writers = await Promise.all(Array.from({ length: 20 }, () => client(pair.primary.url)));
    const failures = writers.map(async (c) => {
      while (!stopWriting) {
        const id = next++;
        try {
          await c.query('INSERT INTO t (id) VALUES ($1)', [id]);
        } catch (e) {
          return e as Error & { code?: string };
        }
        acknowledged.push(id);
      }
      return undefined;
    });
    while (acknowledged.length < 500) await new Promise((r) => setTimeout(r, 5));
    await pair.killPrimary();
    const ended = await Promise.all(failures);
    stopWriting = true;
    await Promise.all(writers.map((c) => c.end().catch(() => {})));

    // Each writer lost its connection (none timed out waiting for the standby), and the primary
    // takes no new ones.
    for (const e of ended) {
      expect(e?.message).toMatch(
        /Connection terminated|connection error|ECONNRESET|EPIPE|terminating connection/,
      );
    }
    await expect(client(pair.primary.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const promoteMs = await pair.promoteStandby();
    process.stderr.write(
      `postgres standby harness: ${acknowledged.length} commits acknowledged before the kill, ` +
        `${next - base} attempted; standby read-write ${promoteMs} ms after promote\n`,
    );
    const s = await client(pair.standby.url);
    try {
      const r = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = ANY($1)', [
        acknowledged,
      ]);
      expect(r.rows[0]?.n).toBe(acknowledged.length);
      // Unacknowledged commits may or may not have made it; nothing else can be there.
      const all = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id >= $1', [base]);
      expect(all.rows[0]?.n).toBeGreaterThanOrEqual(acknowledged.length);
      expect(all.rows[0]?.n).toBeLessThanOrEqual(next - base);
      expect((await s.query('SELECT count(*)::int AS n FROM t WHERE id <= 100')).rows[0]?.n).toBe(100);
      await s.query('INSERT INTO t (id) VALUES (-2)');
      const mode = await s.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
      expect(mode.rows[0]?.recovery).toBe(false);
    } finally {
      await s.end();
    }
  });

  it('stop removes both servers and their directory, and is idempotent', () => {
    const dir = dirname(pair.primary.dataDir);
    expect(existsSync(dir)).toBe(true);
    pair.stop();
    expect(existsSync(dir)).toBe(false);
    pair.stop();
  });
});
