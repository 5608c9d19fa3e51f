// The decoder on the hard corpus (issue 16 §4), kept small: 4 samples per class (EC levels L, M, Q,
// H), seed of the benchmark. Reads are counted with an unlimited time budget so the outcome does
// not depend on the machine's load (no timing is asserted). Measured when written: 32 of 40
// (finder-occluded 4 of 4, cylinder 3 of 4, defocus 0 of 4); the floor is that minus a margin of 3.
import { beforeAll, describe, expect, it } from 'vitest';
import { HARD_CATEGORIES, makeHardSample } from '../../bench/decode/corpus-hard.js';
import { DEFAULT_SEED } from '../../bench/decode/run.js';
import { decodeSync, initDecoder } from '../../firmware-sdk/decode/decoder.js';

const PER_CLASS = 4;
const FLOOR = 29;
const UNLIMITED = { budgetMs: 1e9 };

interface Outcome {
  readonly category: string;
  readonly verdict: 'ok' | 'misread' | 'none';
  readonly via?: string;
}

let outcomes: Outcome[] = [];

beforeAll(async () => {
  await initDecoder();
  outcomes = HARD_CATEGORIES.flatMap((category) =>
    Array.from({ length: PER_CLASS }, (_, i) => {
      const sample = makeHardSample(category, i, DEFAULT_SEED);
      const r = decodeSync(sample.image, UNLIMITED);
      if (!r.ok) return { category, verdict: 'none' as const };
      return {
        category,
        verdict: r.text === sample.expected ? ('ok' as const) : ('misread' as const),
        via: r.via,
      };
    }),
  );
}, 60_000);

describe('decoder on the hard corpus', () => {
  it(`reads at least ${FLOOR} of ${PER_CLASS * HARD_CATEGORIES.length} samples`, () => {
    expect(outcomes.filter((o) => o.verdict === 'ok').length).toBeGreaterThanOrEqual(FLOOR);
  });

  it('never returns a wrong text', () => {
    expect(outcomes.filter((o) => o.verdict === 'misread')).toEqual([]);
  });

  it('reads a code on a bottle through cylinder-unwrap', () => {
    const curved = outcomes.filter((o) => o.category === 'cylinder');
    expect(curved.some((o) => o.verdict === 'ok' && o.via === 'cylinder-unwrap')).toBe(true);
  });

  it('reads codes with one finder covered through finder-repair', () => {
    const occluded = outcomes.filter((o) => o.category === 'finder-occluded');
    expect(
      occluded.filter((o) => o.verdict === 'ok' && o.via === 'finder-repair').length,
    ).toBeGreaterThanOrEqual(3);
  });
});
