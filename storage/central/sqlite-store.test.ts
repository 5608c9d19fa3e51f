import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { card, claim, describeCentralStoreContract, use } from '../../test/support/central-store-contract.js';
import { migrateSqlite, openSqlite } from '../sqlite.js';
import { CENTRAL_MIGRATIONS } from './sqlite-schema.js';
import { SqliteCentralStore } from './sqlite-store.js';

describeCentralStoreContract('SQLite (two connections to one file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ehc-central-pair-'));
  const file = join(dir, 'central.db');
  const a = SqliteCentralStore.open(file, { checkpointIntervalMs: 0 });
  const b = SqliteCentralStore.open(file, { checkpointIntervalMs: 0 });
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteCentralStore', () => {
  let dir: string;
  let store: SqliteCentralStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ehc-central-store-'));
    store = SqliteCentralStore.open(join(dir, 'central.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up online and restores everything as it was', async () => {
    await store.insertCard(card(1));
    await store.upsertTerminal({ terminalCode: 'T1', name: 'n', orgCode: '', enabled: true });
    await store.insertUseRecords([use('a')], 'APP', 1);
    const file = join(dir, 'backup.db');
    await store.backup(file);
    // The backup holds personal data: private whatever the umask (and a warm standby opens it).
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);
    const usedSince = claim({ generatedMs: 5, usedMs: 6, terminalCode: 'T1' });
    expect((await store.claimCode(usedSince)).accepted).toBe(true);
    await store.closeCard(card(1).ehcId, 'C', 2);
    await store.insertCard(card(2));
    await store.insertUseRecords([use('b')], 'APP', 3);
    await store.restore(file);
    expect(await store.counts()).toEqual({
      cards: 1,
      closedCards: 0,
      usedCodes: 1,
      useRecords: 1,
      terminals: 1,
    });
    // A code used after the backup stays used.
    expect((await store.claimCode({ ...usedSince, claimId: 'again' })).accepted).toBe(false);
    // The sequence continues after the restored records.
    await store.insertUseRecords([use('z')], 'APP', 4);
    const all = await store.queryUseRecords({ limit: 10 });
    expect(all.map((r) => r.recordId)).toEqual(['a', 'z']);
  });

  it('checkpoints the WAL into the database file from its worker thread', async () => {
    await store.close();
    const file = join(dir, 'ckpt.db');
    store = SqliteCentralStore.open(file, { checkpointIntervalMs: 20 });
    const empty = statSync(file).size;
    await store.insertUseRecords(
      Array.from({ length: 2000 }, (_, i) => use(`r${i}`)),
      'APP',
      1,
    );
    // The serving connection never checkpoints (auto-checkpoint off): only the worker can grow the file.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= empty && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThan(empty);
  });

  it('keeps the WAL bounded under steady writes (the log starts over), not only checkpointed', async () => {
    // Worker checkpoints alone never let SQLite restart the log while a write lands every few
    // ms: it grew to 234 MB in 15 s of such writes in a probe. Here the log may hold 64 frames
    // (256 KiB) before the serving connection finishes a checkpoint so that it starts over.
    await store.close();
    const file = join(dir, 'steady.db');
    store = SqliteCentralStore.open(file, { checkpointIntervalMs: 25, walRestartFrames: 64 });
    const walBytes = (): number => {
      try {
        return statSync(`${file}-wal`).size;
      } catch {
        return 0;
      }
    };
    let written = 0;
    let peak = 0;
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      // use records with random ids: every commit dirties pages all over the id index
      const batch = Array.from({ length: 20 }, () => use(`r${randomUUID()}`));
      written += (await store.insertUseRecords(batch, 'APP', 1)).stored;
      peak = Math.max(peak, walBytes());
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(written).toBeGreaterThan(2_000);
    expect((await store.counts()).useRecords).toBe(written);
    expect(peak, `peak WAL ${peak} bytes`).toBeLessThan(4 << 20);
  });

  it('reopens a file with its data and schema version intact', async () => {
    await store.insertCard(card(1));
    await store.close();
    store = SqliteCentralStore.open(join(dir, 'central.db'));
    expect(await store.findCardByEhcId(card(1).ehcId)).toEqual(card(1));
  });

  it('migrates a database of the previous schema version, keeping its rows', async () => {
    const file = join(dir, 'v2.db');
    const db = openSqlite(file);
    migrateSqlite(
      db,
      'central',
      CENTRAL_MIGRATIONS.filter((m) => m.version <= 2),
    );
    db.prepare(
      "INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code) VALUES (100, 'E', 'V', 1, 'T')",
    ).run();
    db.close();
    const s = SqliteCentralStore.open(file, { checkpointIntervalMs: 0 });
    try {
      // The v2 row counts as one use: a single-use code stays used.
      expect((await s.claimCode(claim())).accepted).toBe(false);
      expect(await s.claimCode(claim({ maxUses: 2 }))).toEqual({ accepted: true, usesLeft: 0 });
    } finally {
      await s.close();
    }
  });

  it('refuses a database of a newer schema version, saying why', async () => {
    const file = join(dir, 'newer.db');
    const db = openSqlite(file);
    migrateSqlite(db, 'central', [
      ...CENTRAL_MIGRATIONS,
      { version: 99, sql: 'CREATE TABLE future (a INTEGER)' },
    ]);
    db.close();
    expect(() => SqliteCentralStore.open(file)).toThrow(
      expect.objectContaining({
        code: 'STORE_SCHEMA_NEWER',
        message: expect.stringMatching(/version 99, newer/),
      }),
    );
  });
});
