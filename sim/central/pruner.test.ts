import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteCentralStore } from '../../storage/central/sqlite-store.js';
import { UsedCodePruner } from './pruner.js';

describe('UsedCodePruner', () => {
  let store: SqliteCentralStore | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('deletes, slice by slice, exactly the codes generated before the cutoff', async () => {
    store = SqliteCentralStore.open(':memory:');
    const s = store;
    // 10 codes a second for 20 s of generation times.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        s.claimCode({
          ehcId: `E${i}`,
          validity: 'V',
          generatedMs: 1_000_000 + i * 100,
          usedMs: 0,
          terminalCode: 'T',
          maxUses: 1,
          claimId: `c${i}`,
        }),
      ),
    );
    const pruner = new UsedCodePruner(s, () => 1_000_000 + 15_050, pino({ level: 'silent' }));
    expect(await pruner.runOnce()).toBe(151);
    expect(await s.oldestUsedCodeMs()).toBe(1_015_100);
    expect((await s.counts()).usedCodes).toBe(49);
    expect(await pruner.runOnce()).toBe(0);
    // A pruned code could be claimed again — which is why the cutoff lies past every window.
    const again = { ehcId: 'E0', validity: 'V', generatedMs: 1_000_000, usedMs: 1, terminalCode: 'T' };
    expect(await s.claimCode({ ...again, maxUses: 1, claimId: 'x' })).toEqual({
      accepted: true,
      usesLeft: 0,
    });
  });
});
