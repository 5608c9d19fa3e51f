import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.js';
import { renderHtmlReport } from './report/html.js';
import { type Check, runCertification } from './runner.js';

const pass = (id: string): Check<null> => ({
  id,
  run: async () => ({ verdict: 'pass', evidence: [`${id} ok`] }),
});
const automatedIds = CATALOGUE.filter((c) => c.automated).map((c) => c.id);

describe('certification runner', () => {
  it('the catalogue has every spec section, unique ids, and the automated items the issue names', () => {
    const ids = CATALOGUE.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      '5.1.1-6',
      '5.1.1-7',
      '5.1.1-8',
      '5.2-2',
      '5.2-3',
      '5.2-4',
      '5.2-5',
      '5.2-7',
      '5.3-1',
      '5.3-2',
      '5.3-3',
      '5.3-6',
      '5.4-5',
      '5.4-9',
      '5.5-1',
      '5.5-3',
      '5.5-6',
    ]) {
      expect(automatedIds).toContain(id);
    }
    expect(CATALOGUE.find((c) => c.id === '5.3-6')?.class).toBe('recommended');
    expect(CATALOGUE.find((c) => c.id === '5.5-6')?.class).toBe('optional');
    expect(CATALOGUE.filter((c) => c.id.startsWith('6.')).every((c) => !c.automated)).toBe(true);
  });

  it('is INCOMPLETE, not PASSED, when every automated item passes but manual ones await a verdict', async () => {
    const r = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'embedded',
      target: {},
      version: 't',
    });
    expect(r.outcome).toBe('INCOMPLETE');
    expect(r.passed).toBe(false);
    expect(r.automated).toEqual({ mandatory: 20, passed: 20 });
    expect(r.items.filter((i) => !i.automated).every((i) => i.verdict === 'pending-manual')).toBe(true);
    expect(r.manualPending).toContain('5.1.4-1');
    expect(r.awaiting).toContainEqual({ id: '5.1.4-1', title: expect.any(String), reason: 'manual' });
    const strict = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'embedded',
      target: {},
      version: 't',
      strict: true,
    });
    expect(strict.outcome).toBe('FAILED');
    expect(strict.passed).toBe(false);
  });

  it('one failing, throwing or hanging mandatory check fails the run, with advice', async () => {
    const checks: Check<null>[] = automatedIds.map((id) =>
      id === '5.2-4'
        ? {
            id,
            run: async () => ({
              verdict: 'fail',
              evidence: ['a code was accepted with the cipher machine down'],
            }),
          }
        : id === '5.2-3'
          ? {
              id,
              run: async () => {
                throw new Error('cannot reach');
              },
            }
          : id === '5.2-5'
            ? { id, timeoutMs: 20, run: () => new Promise(() => {}) }
            : pass(id),
    );
    const r = await runCertification({ checks, ctx: null, mode: 'embedded', target: {}, version: 't' });
    expect(r.outcome).toBe('FAILED');
    expect(r.failed.map((i) => i.id).sort()).toEqual(['5.2-3', '5.2-4', '5.2-5']);
    const byId = new Map(r.items.map((i) => [i.id, i]));
    expect(byId.get('5.2-4')?.verdict).toBe('fail');
    expect(byId.get('5.2-4')?.advice).toMatch(/fail closed/);
    expect(byId.get('5.2-3')?.verdict).toBe('error');
    expect(byId.get('5.2-5')?.verdict).toBe('error');
    expect(byId.get('5.2-5')?.evidence.join()).toMatch(/did not finish/);
  });

  it('a failing recommended item does not fail the run', async () => {
    const checks = automatedIds.map((id) =>
      id === '5.3-6'
        ? { id, run: async () => ({ verdict: 'fail' as const, evidence: ['drift'] }) }
        : pass(id),
    );
    const r = await runCertification({ checks, ctx: null, mode: 'embedded', target: {}, version: 't' });
    expect(r.outcome).toBe('INCOMPLETE');
    expect(r.failed).toEqual([]);
    expect(r.summary.recommended.fail).toBe(1);
  });

  it('takes manual verdicts from a person, and a failed manual mandatory item fails the run', async () => {
    const r = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'target',
      target: {},
      version: 't',
      manual: [
        { id: '5.1.4-1', verdict: 'pass', evidence: 'same rack as app servers', reviewedBy: 'Li' },
        { id: '6.2-1', verdict: 'fail', evidence: 'no written rules', reviewedBy: 'Li' },
      ],
    });
    const byId = new Map(r.items.map((i) => [i.id, i]));
    expect(byId.get('5.1.4-1')).toMatchObject({ verdict: 'pass', reviewedBy: 'Li' });
    expect(r.outcome).toBe('FAILED');
    expect(r.failed).toEqual([{ id: '6.2-1', title: expect.any(String) }]);
  });

  it('is PASSED when every mandatory item passed, the manual ones through answers with evidence', async () => {
    const deferring: Check<null> = {
      id: '5.5-2',
      run: async () => ({ verdict: 'pending-manual', evidence: ['NOT MEASURED HERE: database standby'] }),
    };
    const checks = automatedIds.map((id) => (id === '5.5-2' ? deferring : pass(id)));
    const manualIds = CATALOGUE.filter((c) => c.class === 'mandatory' && !c.automated).map((c) => c.id);
    const answer = (id: string) => ({
      id,
      verdict: 'pass' as const,
      evidence: `${id} inspected`,
      reviewedBy: 'Li',
    });
    const all = [...manualIds, '5.5-2'].map(answer);
    const r = await runCertification({
      checks,
      ctx: null,
      mode: 'target',
      target: {},
      version: 't',
      manual: all,
    });
    expect(r.outcome).toBe('PASSED');
    expect(r.passed).toBe(true);
    expect(r.awaiting).toEqual([]);
    const standby = r.items.find((i) => i.id === '5.5-2');
    expect(standby).toMatchObject({ verdict: 'pass', reviewedBy: 'Li' });
    expect(standby?.evidence).toEqual([
      'NOT MEASURED HERE: database standby',
      'lab engineer (Li): 5.5-2 inspected',
    ]);
    // one mandatory manual item left unanswered: not passed, listed by id and title
    const short = await runCertification({
      checks,
      ctx: null,
      mode: 'target',
      target: {},
      version: 't',
      manual: all.filter((a) => a.id !== '6.2-1'),
    });
    expect(short.outcome).toBe('INCOMPLETE');
    expect(short.awaiting).toEqual([
      { id: '6.2-1', title: CATALOGUE.find((c) => c.id === '6.2-1')?.title, reason: 'manual' },
    ]);
  });

  it('an answer never overrides a verdict the software reached', async () => {
    const checks = automatedIds.map((id) =>
      id === '5.2-4'
        ? { id, run: async () => ({ verdict: 'fail' as const, evidence: ['accepted'] }) }
        : pass(id),
    );
    const r = await runCertification({
      checks,
      ctx: null,
      mode: 'target',
      target: {},
      version: 't',
      manual: [{ id: '5.2-4', verdict: 'pass', evidence: 'looks fine to me', reviewedBy: 'Li' }],
    });
    const item = r.items.find((i) => i.id === '5.2-4');
    expect(item?.verdict).toBe('fail');
    expect(item?.reviewedBy).toBeUndefined();
    expect(item?.evidence.join('\n')).toMatch(/manual answer by Li not used/);
    expect(r.outcome).toBe('FAILED');
  });

  it('a run limited by --only is not PASSED: the mandatory items left out have no verdict', async () => {
    const r = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'embedded',
      target: {},
      version: 't',
      only: ['5.2-4'],
    });
    expect(r.outcome).toBe('INCOMPLETE');
    expect(r.awaiting.find((i) => i.id === '5.2-3')?.reason).toBe('not-run');
    expect(r.awaiting.some((i) => i.id === '5.2-4')).toBe(false);
  });

  it('renders an HTML report with the verdict, every item and the charts', async () => {
    const checks = automatedIds.map((id) =>
      id === '5.3-3'
        ? {
            id,
            run: async () => ({
              verdict: 'pass' as const,
              evidence: ['30 users'],
              measurements: [{ name: 'tps', value: 412, unit: 'tx/s', limit: 30, limitKind: 'min' as const }],
              charts: [
                { title: 'Verification TPS', unit: 'tx/s', points: [{ label: '1s', value: 400 }], limit: 30 },
              ],
            }),
          }
        : pass(id),
    );
    const r = await runCertification({
      checks,
      ctx: null,
      mode: 'embedded',
      target: { central: 'http://x' },
      version: 't',
    });
    const html = renderHtmlReport(r);
    expect(html).toContain('id="verdict"');
    expect(html).toMatch(
      /INCOMPLETE — no mandatory item failed, \d+ mandatory items await a verdict \(automated: 20\/20 mandatory passed\)/,
    );
    expect(html).toContain('<a href="#item-5.1.4-1">5.1.4-1</a>');
    expect(html).toContain('<svg');
    expect(html).toContain('Verification TPS');
    for (const item of CATALOGUE) expect(html).toContain(`id="item-${item.id}"`);
    expect(html).not.toContain('<script');
  });
});
