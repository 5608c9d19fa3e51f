import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEhcError } from '../../protocol/errors.js';
import { parseSoakSchedule, planFaults, SOAK_FAULTS } from './schedule.js';
import { percentile, slope } from './stats.js';

const ROOT = join(import.meta.dirname, '../..');
const example = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'config', name), 'utf8'));

const refusal = (json: unknown): string => {
  try {
    parseSoakSchedule(json);
  } catch (e) {
    if (isEhcError(e) && e.code === 'SOAK_SCHEDULE') return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('soak schedule', () => {
  it('the example files parse and use every fault class', () => {
    for (const f of ['soak.example.json', 'soak.ci.json']) {
      const s = parseSoakSchedule(example(f));
      expect(new Set(s.faults.map((l) => l.fault))).toEqual(new Set(SOAK_FAULTS));
    }
  });

  it('the CI schedule fires every class at least twice in 102 s', () => {
    const s = parseSoakSchedule(example('soak.ci.json'));
    const plan = planFaults(s, 102);
    for (const f of SOAK_FAULTS) expect(plan.filter((p) => p.fault === f).length).toBeGreaterThanOrEqual(2);
    // nothing is injected in the quiet tail, nothing ends after it
    expect(Math.max(...plan.map((p) => p.untilS))).toBeLessThanOrEqual(102 - s.quietS);
  });

  it('plans periodic injections in time order, unplugs rotating over the terminals', () => {
    const s = parseSoakSchedule({
      version: 1,
      load: { terminals: 2 },
      quietS: 0,
      faults: [
        { fault: 'scanner-unplug', startS: 1, everyS: 3, durationS: 1 },
        { fault: 'clock-jump', startS: 0, everyS: 5, durationS: 2, ms: -60000 },
      ],
    });
    const plan = planFaults(s, 10);
    expect(plan.map((p) => [p.fault, p.atS, p.target ?? p.ms])).toEqual([
      ['clock-jump', 0, -60000],
      ['scanner-unplug', 1, 't1'],
      ['scanner-unplug', 4, 't2'],
      ['clock-jump', 5, -60000],
      ['scanner-unplug', 7, 't1'],
    ]);
  });

  it('refuses bad schedules with a typed error naming the field', () => {
    expect(refusal([])).toMatch(/must be a JSON object/);
    expect(refusal({ version: 2, faults: [] })).toMatch(/\.version: must be 1/);
    expect(refusal({ version: 1 })).toMatch(/\.faults: must be an array/);
    expect(refusal({ version: 1, faults: [{ fault: 'meteor', everyS: 5, durationS: 1 }] })).toMatch(
      /\.faults\[0\]\.fault: must be one of/,
    );
    expect(refusal({ version: 1, faults: [{ fault: 'central-down', everyS: 5, durationS: 5 }] })).toMatch(
      /durationS: must be shorter than everyS/,
    );
    expect(refusal({ version: 1, faults: [{ fault: 'clock-jump', everyS: 5, durationS: 1 }] })).toMatch(
      /\.faults\[0\]\.ms: is required/,
    );
    expect(
      refusal({ version: 1, faults: [{ fault: 'central-down', everyS: 5, durationS: 1, ms: 3 }] }),
    ).toMatch(/ms: means nothing for central-down/);
    expect(
      refusal({
        version: 1,
        load: { terminals: 2 },
        faults: [{ fault: 'scanner-unplug', everyS: 5, durationS: 1, target: 't3' }],
      }),
    ).toMatch(/terminals t1…t2/);
    expect(
      refusal({
        version: 1,
        faults: [
          { fault: 'central-down', everyS: 5, durationS: 1 },
          { fault: 'central-down', everyS: 7, durationS: 1 },
        ],
      }),
    ).toMatch(/one lane per fault/);
    expect(refusal({ version: 1, faults: [], extra: 1 })).toMatch(/unknown field "extra"/);
    expect(refusal({ version: 1, load: { scansPerSecond: 0 }, faults: [] })).toMatch(/between/);
  });
});

describe('soak statistics', () => {
  it('least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([0, 1, 2, 3], [5, 5, 5, 5])).toBe(0);
    expect(slope([0, 1, 2, 3], [1, -1, 1, -1])).toBeCloseTo(-0.4);
    expect(slope([1], [3])).toBe(0);
  });

  it('nearest-rank percentile', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile([], 99)).toBe(0);
  });
});
