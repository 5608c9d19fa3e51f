/**
 * The CI-sized fuzz run: every target, 10⁴ inputs (costly targets fewer, see `cost`), a fresh
 * seed each run (printed on failure by fast-check, so a find can be replayed with `--seed`).
 * Crashes found at scale become regression cases in `regressions.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { runTarget } from './runner.js';
import { TARGETS } from './targets/index.js';

const RUNS = 10_000;

describe('fuzz (CI size)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: typed refusals only, round trips hold, heap flat`, async () => {
      await target.setup?.();
      const r = await runTarget(target, { runs: RUNS }).finally(() => target.teardown?.());
      expect(r.defect).toBeUndefined();
      expect(r.inputs).toBe(Math.round(RUNS / (target.cost ?? 1)));
      // Both kinds must be reached, or the inputs are not exercising the parser.
      expect(r.answers.ok ?? 0).toBeGreaterThan(0);
      expect(r.distinctRefusals).toBeGreaterThan(0);
      expect(r.heapGrowthMb).toBeLessThan(32);
    }, 120_000);
  }
});
