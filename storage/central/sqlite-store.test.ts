import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardRecord, UseRecord } from './contract.js';
import { SqliteCentralStore } from './sqlite-store.js';

const card = (i: number, over: Partial<CardRecord> = {}): CardRecord => ({
  ehcId: `E${String(i).padStart(63, '0')}`,
  mainIndexId: `M${String(i).padStart(63, '0')}`,
  registerNo: `R${i}`,
  appId: 'APP',
  idType: '01',
  idNo: `ID${i}`,
  name: 'n',
  gender: '1',
  birthday: '',
  cellphone: '',
  details: { address: 'x' },
  status: 'active',
  registeredMs: 1,
  ...over,
});

const use = (id: string): UseRecord => ({
  recordId: id,
  ehcId: 'E1',
  medStepCode: '010101',
  terminalCode: 'T1',
  channelCode: '01',
  useTime: '20240301100000',
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

  it('stores one card per register_no and per person, answering the existing one', async () => {
    expect(await store.insertCard(card(1))).toEqual({ inserted: true });
    const sameNo = await store.insertCard(card(2, { registerNo: 'R1' }));
    const samePerson = await store.insertCard(card(3, { idNo: 'ID1' }));
    expect(sameNo).toMatchObject({ inserted: false, existing: { ehcId: card(1).ehcId } });
    expect(samePerson).toMatchObject({ inserted: false, existing: { ehcId: card(1).ehcId } });
    expect(await store.findCardByEhcId(card(1).ehcId)).toEqual(card(1));
  });

  it('claims a code exactly once and prunes expired claims', async () => {
    const claim = { ehcId: 'E', validity: 'V', generatedMs: 100, usedMs: 1, terminalCode: 'T' };
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claimCode(claim)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.pruneUsedCodes(100)).toBe(0);
    expect(await store.pruneUsedCodes(101)).toBe(1);
    expect(await store.claimCode(claim)).toBe(true);
  });

  it('closes a card once', async () => {
    await store.insertCard(card(1));
    expect(await store.closeCard(card(1).ehcId, 'C1', 5)).toBe('closed');
    expect(await store.closeCard(card(1).ehcId, 'C2', 6)).toBe('already-closed');
    expect(await store.closeCard('nope', 'C3', 7)).toBe('unknown');
    expect(await store.findCardByEhcId(card(1).ehcId)).toMatchObject({
      status: 'closed',
      closedMs: 5,
      revokeNo: 'C1',
    });
  });

  it('stores use records once by id and pages them by seq', async () => {
    expect(await store.insertUseRecords([use('a'), use('b'), use('a')], 'APP', 9)).toEqual({
      stored: 2,
      duplicates: 1,
    });
    expect(await store.insertUseRecords([use('b'), use('c')], 'APP', 10)).toEqual({
      stored: 1,
      duplicates: 1,
    });
    const first = await store.queryUseRecords({ limit: 2 });
    expect(first.map((r) => r.recordId)).toEqual(['a', 'b']);
    const rest = await store.queryUseRecords({ limit: 10, afterSeq: first[1]!.seq, terminalCode: 'T1' });
    expect(rest.map((r) => r.recordId)).toEqual(['c']);
    expect(await store.queryUseRecords({ limit: 10, ehcId: 'other' })).toEqual([]);
  });

  it('backs up online and restores everything as it was', async () => {
    await store.insertCard(card(1));
    await store.upsertTerminal({ terminalCode: 'T1', name: 'n', orgCode: '', enabled: true });
    await store.insertUseRecords([use('a')], 'APP', 1);
    const file = join(dir, 'backup.db');
    await store.backup(file);
    const usedSince = { ehcId: 'E', validity: 'V', generatedMs: 5, usedMs: 6, terminalCode: 'T1' };
    expect(await store.claimCode(usedSince)).toBe(true);
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
    expect(await store.claimCode(usedSince)).toBe(false);
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

  it('reopens a file with its data and schema version intact', async () => {
    await store.insertCard(card(1));
    await store.close();
    store = SqliteCentralStore.open(join(dir, 'central.db'));
    expect(await store.findCardByEhcId(card(1).ehcId)).toEqual(card(1));
  });
});
