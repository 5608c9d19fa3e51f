// The PostgreSQL central store against a real throwaway cluster: the shared contract suite (two
// stores per database = two service instances), migrations, and what happens when the database
// is unreachable or its connections die.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTRAL_PG_MIGRATIONS } from '../../storage/central/postgres-schema.js';
import { PostgresCentralStore } from '../../storage/central/postgres-store.js';
import { maskUrl, migratePostgres, PostgresCluster, splitHosts } from '../../storage/postgres.js';
import { card, claim, describeCentralStoreContract } from '../support/central-store-contract.js';
import { findPostgres, startPostgres, type ThrowawayPostgres } from '../support/postgres.js';

const bin = findPostgres();
let server: ThrowawayPostgres | undefined;
let dbs = 0;

/** A fresh database in the file's cluster. */
async function freshDb(): Promise<string> {
  if (server === undefined) throw new Error('no cluster');
  return server.createDatabase(`t${++dbs}`);
}

describe('storage/postgres URL handling (no server)', () => {
  it('splits a multi-host URL into one connection string per host and masks passwords', () => {
    const url =
      'postgres://ehc:s3cret@10.0.0.1:5432,[::1]:5433,db3/central?target_session_attrs=read-write&sslmode=require';
    expect(splitHosts(url)).toEqual([
      { host: '10.0.0.1', port: 5432, url: 'postgres://ehc:s3cret@10.0.0.1:5432/central?sslmode=require' },
      { host: '::1', port: 5433, url: 'postgres://ehc:s3cret@[::1]:5433/central?sslmode=require' },
      { host: 'db3', port: 5432, url: 'postgres://ehc:s3cret@db3/central?sslmode=require' },
    ]);
    expect(maskUrl(url)).toBe(
      'postgres://ehc:***@10.0.0.1:5432,[::1]:5433,db3/central?target_session_attrs=read-write&sslmode=require',
    );
    expect(maskUrl('postgres://ehc@h/db')).toBe('postgres://ehc@h/db');
    expect(() => splitHosts('mysql://h/db')).toThrow(expect.objectContaining({ code: 'STORE_BAD_URL' }));
    expect(() => splitHosts('postgres://h:99999/db')).toThrow(
      expect.objectContaining({ code: 'STORE_BAD_URL' }),
    );
  });

  it('names the URL with the password masked when no database answers at start', async () => {
    const err = await PostgresCentralStore.open({
      url: 'postgres://ehc:topsecret@127.0.0.1:1/none',
      connectTimeoutMs: 500,
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe('STORE_OPEN_FAILED');
    expect(err?.message).toContain('postgres://ehc:***@127.0.0.1:1/none');
    expect(err?.message).not.toContain('topsecret');
  });
});

describe.skipIf(bin === undefined)('PostgresCentralStore on a real cluster', () => {
  beforeAll(async () => {
    if (bin !== undefined) server = await startPostgres(bin);
  }, 60_000);
  afterAll(() => server?.stop());

  describeCentralStoreContract('PostgreSQL (two pools on one database)', async () => {
    const url = await freshDb();
    const a = await PostgresCentralStore.open({ url, poolSize: 10 });
    const b = await PostgresCentralStore.open({ url, poolSize: 10 });
    return {
      a,
      b,
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  });

  it('migrates an empty database once even when instances start together', async () => {
    const url = await freshDb();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresCentralStore.open({ url })));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const v = await c.query("SELECT version FROM schema_versions WHERE scope = 'central'");
      expect(v.rows).toEqual([{ version: 3 }]);
    } finally {
      await c.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migrates a database of the previous version, keeping its rows, and refuses a newer one', async () => {
    const url = await freshDb();
    const cluster = new PostgresCluster({ url });
    await cluster.connect();
    await migratePostgres(
      cluster,
      'central',
      CENTRAL_PG_MIGRATIONS.filter((m) => m.version <= 2),
    );
    await cluster.query(
      {
        name: 'seed',
        text: "INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code) VALUES (100, 'E', 'V', 1, 'T')",
      },
      [],
    );
    const s = await PostgresCentralStore.open({ url });
    try {
      expect((await s.claimCode(claim())).accepted).toBe(false);
      expect(await s.claimCode(claim({ maxUses: 2 }))).toEqual({ accepted: true, usesLeft: 0 });
    } finally {
      await s.close();
    }
    await migratePostgres(cluster, 'central', [
      ...CENTRAL_PG_MIGRATIONS,
      { version: 99, sql: 'CREATE TABLE future (a INTEGER)' },
    ]);
    await cluster.close();
    await expect(PostgresCentralStore.open({ url })).rejects.toMatchObject({
      code: 'STORE_SCHEMA_NEWER',
      message: expect.stringMatching(/version 99, newer than this program knows \(3\)/),
    });
  });

  it('fails closed while its connections are killed, answers every claim, and recovers by itself', async () => {
    const url = await freshDb();
    const s = await PostgresCentralStore.open({ url, poolSize: 8, failoverWaitMs: 2000 });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await s.insertCard(card(1));
      // 3,000 claims of 1,000 codes (3 each) in 10 waves, every store connection terminated
      // while each wave is in flight: claims die mid-flight and their outcome must be looked up
      // (a lookup that dies too answers unavailable). Waves, not a timer: the store answers 3,000
      // claims in well under one timer period on a fast run, and then nothing was ever killed.
      const claims = Array.from({ length: 3000 }, (_, i) =>
        claim({ validity: `V${i % 1000}`, claimId: `k${i}` }),
      );
      let kills = 0;
      const kill = async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const r = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ehc' AND pid <> pg_backend_pid()",
        );
        kills += r.rowCount ?? 0;
      };
      const outcomes: string[] = [];
      for (let w = 0; w < 10; w++) {
        const wave = claims.slice(w * 300, (w + 1) * 300).map(async (c) => {
          try {
            return (await s.claimCode(c)).accepted ? 'accepted' : 'refused';
          } catch (e) {
            return (e as { code?: string }).code ?? 'error';
          }
        });
        const [, ...answers] = await Promise.all([kill().catch(() => undefined), ...wave]);
        outcomes.push(...(answers as string[]));
      }
      const accepted = outcomes.filter((o) => o === 'accepted').length;
      const stored = (await s.counts()).usedCodes;
      // Never two accepts of one code, never an accept the database does not hold.
      // Every accept is in the database (acknowledged = stored); a stored claim whose answer was
      // lost may have been answered unavailable instead (fail closed), never accepted twice.
      expect(stored).toBeLessThanOrEqual(1000);
      expect(kills).toBeGreaterThan(0);
      expect(accepted).toBeLessThanOrEqual(stored);
      expect(outcomes.every((o) => ['accepted', 'refused', 'STORE_UNAVAILABLE'].includes(o))).toBe(true);
      const perCode = new Map<string, number>();
      outcomes.forEach((o, i) => {
        if (o === 'accepted') perCode.set(claims[i]!.validity, (perCode.get(claims[i]!.validity) ?? 0) + 1);
      });
      expect([...perCode.values()].every((n) => n === 1)).toBe(true);
      // It recovered: a new code is accepted, and the state says connected.
      expect((await s.claimCode(claim({ validity: 'after' }))).accepted).toBe(true);
      expect(s.status()).toMatchObject({ kind: 'postgres', state: 'connected' });
    } finally {
      await admin.end();
      await s.close();
    }
  });
});
