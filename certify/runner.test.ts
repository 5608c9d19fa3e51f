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

  it('passes when every mandatory automated item passes; manual ones stay pending and never pass', async () => {
    const r = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'embedded',
      target: {},
      version: 't',
    });
    expect(r.passed).toBe(true);
    expect(r.items.filter((i) => !i.automated).every((i) => i.verdict === 'pending-manual')).toBe(true);
    expect(r.manualPending).toContain('5.1.4-1');
    const strict = await runCertification({
      checks: automatedIds.map(pass),
      ctx: null,
      mode: 'embedded',
      target: {},
      version: 't',
      strict: true,
    });
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
    expect(r.passed).toBe(false);
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
    expect(r.passed).toBe(true);
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
    expect(r.passed).toBe(false);
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
    expect(html).toContain('<svg');
    expect(html).toContain('Verification TPS');
    for (const item of CATALOGUE) expect(html).toContain(`id="item-${item.id}"`);
    expect(html).not.toContain('<script');
  });
});
