// The CentralStore contract (storage/central/contract.ts) as one test suite, run over every
// adapter. Each case gets a fresh database and two stores on it (two service instances), and
// races the atomic operations across both.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardRecord, CentralStore, CodeClaim, UseRecord } from '../../storage/central/contract.js';

export interface StorePair {
  readonly a: CentralStore;
  readonly b: CentralStore;
  /** Closes both stores and drops the database. */
  close(): Promise<void>;
}

export const card = (i: number, over: Partial<CardRecord> = {}): CardRecord => ({
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

export const use = (id: string): UseRecord => ({
  recordId: id,
  ehcId: 'E1',
  medStepCode: '010101',
  terminalCode: 'T1',
  channelCode: '01',
  useTime: '20240301100000',
});

export const claim = (over: Partial<CodeClaim> = {}): CodeClaim => ({
  ehcId: 'E',
  validity: 'V',
  generatedMs: 100,
  usedMs: 1,
  terminalCode: 'T',
  maxUses: 1,
  claimId: `c${Math.random()}`,
  ...over,
});

/** Spreads `n` calls over the two stores, alternately, all at once. */
const spread = <T>(p: StorePair, n: number, f: (s: CentralStore, i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => f(i % 2 === 0 ? p.a : p.b, i)));

export function describeCentralStoreContract(name: string, openPair: () => Promise<StorePair>): void {
  describe(`CentralStore contract: ${name}`, () => {
    let p: StorePair;
    beforeEach(async () => {
      p = await openPair();
    });
    afterEach(async () => {
      await p.close();
    });

    it('stores one card per register_no and per person, across instances', async () => {
      const results = await spread(p, 20, (s, i) => s.insertCard(card(i, { registerNo: 'R1' })));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      const winner = await p.a.findCardByRegisterNo('R1');
      for (const r of results) if (!r.inserted) expect(r.existing.ehcId).toBe(winner?.ehcId);
      const samePerson = await p.b.insertCard(card(99, { registerNo: 'R99', idNo: winner?.idNo ?? '' }));
      expect(samePerson).toMatchObject({ inserted: false, existing: { ehcId: winner?.ehcId } });
      expect(await p.b.findCardByEhcId(winner?.ehcId ?? '')).toEqual(winner);
      expect(await p.a.findCardByPerson('01', winner?.idNo ?? '')).toEqual(winner);
    });

    it('accepts exactly one of 200 concurrent claims of a code spread over two instances', async () => {
      const results = await spread(p, 200, (s, i) => s.claimCode(claim({ claimId: `c${i}`, usedMs: i })));
      expect(results.filter((r) => r.accepted)).toEqual([{ accepted: true, usesLeft: 0 }]);
      expect(results.filter((r) => !r.accepted)).toHaveLength(199);
      expect((await p.a.counts()).usedCodes).toBe(1);
    });

    it('counts the uses a multi-use code has left, exactly, under concurrency', async () => {
      const results = await spread(p, 30, (s, i) => s.claimCode(claim({ maxUses: 3, claimId: `m${i}` })));
      const accepted = results.filter((r) => r.accepted).map((r) => r.usesLeft);
      expect(accepted.sort()).toEqual([0, 1, 2]);
    });

    it('prunes claims by generation time and then accepts the code again (why the cutoff lies past every window)', async () => {
      expect((await p.a.claimCode(claim())).accepted).toBe(true);
      expect(await p.a.oldestUsedCodeMs()).toBe(100);
      expect(await p.b.pruneUsedCodes(100)).toBe(0);
      expect(await p.b.pruneUsedCodes(101)).toBe(1);
      expect(await p.a.oldestUsedCodeMs()).toBeUndefined();
      expect((await p.a.claimCode(claim())).accepted).toBe(true);
    });

    it('closes a card once, across instances', async () => {
      await p.a.insertCard(card(1));
      const results = await spread(p, 10, (s, i) => s.closeCard(card(1).ehcId, `C${i}`, 5 + i));
      expect(results.filter((r) => r === 'closed')).toHaveLength(1);
      expect(results.filter((r) => r === 'already-closed')).toHaveLength(9);
      expect(await p.b.closeCard('nope', 'C', 7)).toBe('unknown');
      expect(await p.b.findCardByEhcId(card(1).ehcId)).toMatchObject({ status: 'closed' });
    });

    it('reserves distinct seconds for one card across instances, and none past the range', async () => {
      const got = await spread(p, 31, (s) => s.reserveCodeSecond('E', 100_000, 70_000));
      expect(new Set(got).size).toBe(31);
      expect(got.every((ms) => ms !== undefined && ms <= 100_000 && ms >= 70_000 && ms % 1000 === 0)).toBe(
        true,
      );
      expect(await p.a.reserveCodeSecond('E', 100_000, 70_000)).toBeUndefined();
      expect(await p.b.reserveCodeSecond('other', 100_000, 70_000)).toBe(100_000);
    });

    it('answers one generate_no with one code, whichever instance stores it first', async () => {
      const results = await spread(p, 20, (s, i) =>
        s.recordGenerate({
          appId: 'APP',
          generateNo: 'G1',
          ehcId: 'E',
          ehealthCode: `code-${i}`,
          expireTime: '20240301100100',
          generatedMs: 1000 + i,
        }),
      );
      expect(new Set(results.map((r) => r.ehealthCode)).size).toBe(1);
      expect(await p.b.findGenerate('APP', 'G1')).toEqual(results[0]);
      expect(await p.a.findGenerate('OTHER', 'G1')).toBeUndefined();
      expect(await p.a.pruneUsedCodes(2000)).toBe(1);
      expect(await p.a.findGenerate('APP', 'G1')).toBeUndefined();
    });

    it('fills a generate placeholder once, and abandons only its own', async () => {
      const base = { appId: 'APP', generateNo: 'G2', ehcId: 'E', expireTime: '', generatedMs: 1000 };
      const token = 'pending:one';
      expect((await p.a.recordGenerate({ ...base, ehealthCode: token })).ehealthCode).toBe(token);
      expect((await p.b.recordGenerate({ ...base, ehealthCode: 'pending:two' })).ehealthCode).toBe(token);
      await p.b.abandonGenerate('APP', 'G2', 'pending:two'); // not its placeholder: nothing happens
      const done = { ...base, ehealthCode: 'code', expireTime: '20240301100100', generatedMs: 2000 };
      const results = await spread(p, 6, (s) => s.completeGenerate(token, done));
      expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(await p.a.findGenerate('APP', 'G2')).toEqual(done);
      expect(await p.b.completeGenerate(token, { ...done, ehealthCode: 'other' })).toBe(false);
      await p.a.recordGenerate({ ...base, generateNo: 'G3', ehealthCode: 'pending:x' });
      await p.b.abandonGenerate('APP', 'G3', 'pending:x');
      expect(await p.a.findGenerate('APP', 'G3')).toBeUndefined();
    });

    it('remembers a request digest once across instances and forgets it by timestamp', async () => {
      const results = await spread(p, 50, (s) => s.rememberRequest('ABCDEF', 5000));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await p.a.rememberRequest('abcdef', 5000)).toBe(false); // case-insensitive hex
      expect(await p.b.pruneRequests(5000)).toBe(0);
      expect(await p.b.pruneRequests(5001)).toBe(1);
      expect(await p.a.rememberRequest('abcdef', 5000)).toBe(true);
    });

    it('stores use records once by id and pages them by seq', async () => {
      expect(await p.a.insertUseRecords([use('a'), use('b'), use('a')], 'APP', 9)).toEqual({
        stored: 2,
        duplicates: 1,
      });
      expect(await p.b.insertUseRecords([use('b'), use('c')], 'APP', 10)).toEqual({
        stored: 1,
        duplicates: 1,
      });
      const first = await p.a.queryUseRecords({ limit: 2 });
      expect(first.map((r) => r.recordId)).toEqual(['a', 'b']);
      const rest = await p.b.queryUseRecords({ limit: 10, afterSeq: first[1]!.seq, terminalCode: 'T1' });
      expect(rest.map((r) => r.recordId)).toEqual(['c']);
      expect(rest[0]).toMatchObject({ appId: 'APP', receivedMs: 10, ehcId: 'E1' });
      expect(await p.a.queryUseRecords({ limit: 10, ehcId: 'other' })).toEqual([]);
      expect((await p.a.queryUseRecords({ limit: 10, ehcId: 'E1', terminalCode: 'T1' })).length).toBe(3);
    });

    it('registers terminals and counts everything', async () => {
      await p.a.upsertTerminal({ terminalCode: 'T2', name: 'two', orgCode: 'O', enabled: true });
      await p.b.upsertTerminal({ terminalCode: 'T1', name: 'one', orgCode: 'O', enabled: false });
      expect(await p.b.findTerminal('T2')).toEqual({
        terminalCode: 'T2',
        name: 'two',
        orgCode: 'O',
        enabled: true,
      });
      expect(await p.a.findTerminal('T1')).toMatchObject({ enabled: false });
      expect(await p.a.findTerminal('nope')).toBeUndefined();
      expect((await p.b.listTerminals()).map((t) => t.terminalCode)).toEqual(['T1', 'T2']);
      await p.a.insertCard(card(1));
      await p.a.insertCard(card(2));
      await p.b.closeCard(card(2).ehcId, 'C', 1);
      await p.a.claimCode(claim());
      await p.a.insertUseRecords([use('a')], 'APP', 1);
      expect(await p.b.counts()).toEqual({
        cards: 2,
        closedCards: 1,
        usedCodes: 1,
        useRecords: 1,
        terminals: 2,
      });
      expect(p.a.status()).toMatchObject({ state: 'connected' });
    });
  });
}
