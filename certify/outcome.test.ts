import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.js';
import { judgeRun } from './outcome.js';
import type { ItemResult, Verdict } from './types.js';

/** Every catalogue item with `verdict`, except the overrides. */
function items(verdict: (id: string, automated: boolean) => Verdict): ItemResult[] {
  return CATALOGUE.map((c) => ({
    ...c,
    verdict: verdict(c.id, c.automated),
    evidence: ['seen'],
    durationMs: 0,
  }));
}
const mandatoryManual = CATALOGUE.filter((c) => c.class === 'mandatory' && !c.automated);

describe('§7 outcome (judgeRun)', () => {
  it('FAILED when a mandatory item failed or errored, whatever else awaits', () => {
    const j = judgeRun(items((id, auto) => (id === '5.2-4' ? 'fail' : auto ? 'pass' : 'pending-manual')));
    expect(j.outcome).toBe('FAILED');
    expect(j.failed).toEqual([{ id: '5.2-4', title: CATALOGUE.find((c) => c.id === '5.2-4')?.title }]);
    expect(judgeRun(items((id) => (id === '5.2-3' ? 'error' : 'pass'))).outcome).toBe('FAILED');
  });

  it('INCOMPLETE when none failed but mandatory items await a verdict, each listed with its title', () => {
    const j = judgeRun(items((_, auto) => (auto ? 'pass' : 'pending-manual')));
    expect(j.outcome).toBe('INCOMPLETE');
    expect(j.failed).toEqual([]);
    expect(j.awaiting).toEqual(mandatoryManual.map((c) => ({ id: c.id, title: c.title, reason: 'manual' })));
    // an automated check that left part of its item to the lab engineer awaits too
    const one = judgeRun(items((id) => (id === '5.5-2' ? 'pending-manual' : 'pass')));
    expect(one.outcome).toBe('INCOMPLETE');
    expect(one.awaiting.map((i) => i.id)).toEqual(['5.5-2']);
    // --strict counts them as failed
    expect(
      judgeRun(
        items((id) => (id === '5.5-2' ? 'pending-manual' : 'pass')),
        { strict: true },
      ).outcome,
    ).toBe('FAILED');
  });

  it('PASSED only when every mandatory item passed (or a person answered not-applicable)', () => {
    expect(judgeRun(items(() => 'pass'))).toEqual({ outcome: 'PASSED', failed: [], awaiting: [] });
    const na = judgeRun(items((id) => (id === mandatoryManual[0]?.id ? 'not-applicable' : 'pass')));
    expect(na.outcome).toBe('PASSED');
    // recommended and optional items do not decide the outcome
    const rec = judgeRun(
      items((id) => (CATALOGUE.find((c) => c.id === id)?.class === 'mandatory' ? 'pass' : 'pending-manual')),
    );
    expect(rec.outcome).toBe('PASSED');
  });

  it('mandatory items left out of an --only run have no verdict', () => {
    const j = judgeRun(
      items(() => 'pass'),
      { only: ['5.2-4'] },
    );
    expect(j.outcome).toBe('INCOMPLETE');
    expect(j.awaiting.every((i) => i.reason === 'not-run')).toBe(true);
    expect(j.awaiting.some((i) => i.id === '5.2-4')).toBe(false);
  });
});
