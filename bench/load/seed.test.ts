import { describe, expect, it } from 'vitest';
import { SqliteCentralStore } from '../../storage/central/sqlite-store.js';
import { seedIssuedCodes } from './seed.js';

describe('bench load --cards: the seeder', () => {
  it('puts N issued codes, half used, on cards of their own, within the span, through the store contract', async () => {
    const store = SqliteCentralStore.open(':memory:');
    try {
      const nowMs = 1_800_000_000_500;
      const r = await seedIssuedCodes(store, { codes: 1000, nowMs, spanS: 40 });
      expect(r).toMatchObject({ cards: 25, issued: 1000, used: 500 });
      const counts = await store.counts();
      expect(counts.cards).toBe(25);
      expect(counts.usedCodes).toBe(500);
      // The oldest code lies inside the span (a prune at the retention cutoff keeps them all).
      const top = Math.floor(nowMs / 1000) * 1000;
      expect(await store.oldestUsedCodeMs()).toBe(top - 39_000);
      // Every second of the span is taken for every card: nothing more can be reserved there…
      const card = `SEED${'0'.repeat(60)}`;
      expect(await store.reserveCodeSecond(card, top, top - 39_000)).toBeUndefined();
      // …and the span is exactly 40 s: the second before it is free.
      expect(await store.reserveCodeSecond(card, top - 40_000, top - 40_000)).toBe(top - 40_000);
    } finally {
      await store.close();
    }
  });
});
