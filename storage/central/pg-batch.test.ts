import { describe, expect, it } from 'vitest';
import { TurnBatcher } from './pg-batch.js';

describe('TurnBatcher (group commit per event-loop turn)', () => {
  it('sends the calls of one turn as one batch, a key at most once per batch, answers in order', async () => {
    const batches: string[][] = [];
    const b = new TurnBatcher<string, string>(
      (k) => k,
      async (items) => {
        batches.push([...items]);
        return items.map((k) => `${k}!`);
      },
    );
    const answers = await Promise.all(['a', 'b', 'a', 'c', 'a'].map((k) => b.submit(k)));
    expect(answers).toEqual(['a!', 'b!', 'a!', 'c!', 'a!']);
    // The repeated key waits for the next batch each time: its uses are counted one after another.
    expect(batches).toEqual([['a', 'b', 'c'], ['a'], ['a']]);
  });

  it('caps a batch and rejects every call of a failed batch, and only those', async () => {
    let n = 0;
    const b = new TurnBatcher<number, number>(
      (k) => String(k),
      async (items) => {
        n++;
        if (items.includes(3)) throw new Error('connection lost');
        return items;
      },
      2,
    );
    const out = await Promise.allSettled([1, 2, 3, 4].map((k) => b.submit(k)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(n).toBe(2);
  });
});
