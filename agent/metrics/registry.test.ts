import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram, MetricsRegistry } from './registry.js';

describe('Histogram percentiles', () => {
  it('never report a percentile above the max or below the min (small and large sample sets)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        (values) => {
          const h = new Histogram('t', 't');
          for (const v of values) h.observe(v);
          const p = h.percentiles()!;
          const min = Math.min(...values);
          const max = Math.max(...values);
          expect(p.count).toBe(values.length);
          expect(p.maxMs).toBe(max);
          expect(min).toBeLessThanOrEqual(p.p50Ms);
          expect(p.p50Ms).toBeLessThanOrEqual(p.p90Ms);
          expect(p.p90Ms).toBeLessThanOrEqual(p.p99Ms);
          expect(p.p99Ms).toBeLessThanOrEqual(p.maxMs);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the demo case: 12 samples give exact nearest-rank values (p99 is the max)', () => {
    const h = new Histogram('t', 't');
    const v = [4.1, 4.2, 3.9, 4.0, 4.5, 16.405, 4.3, 4.1, 4.2, 4.0, 3.8, 4.4];
    for (const x of v) h.observe(x);
    const p = h.percentiles()!;
    expect(p.p99Ms).toBe(16.405);
    expect(p.maxMs).toBe(16.405);
    expect(p.p50Ms).toBe(4.1);
  });
});

describe('Counter.entries', () => {
  it('lists every label set with its value', () => {
    const c = new MetricsRegistry().counter('x_total', 'x');
    c.inc({ stage: 'feedback', device: 'kiosk-1', reason: 'DEVICE_GONE' });
    c.inc({ device: 'kiosk-1', stage: 'feedback', reason: 'DEVICE_GONE' });
    c.inc({ stage: 'parse', device: 'w', reason: 'r' });
    expect(c.entries()).toEqual([
      { labels: { stage: 'feedback', device: 'kiosk-1', reason: 'DEVICE_GONE' }, value: 2 },
      { labels: { stage: 'parse', device: 'w', reason: 'r' }, value: 1 },
    ]);
  });
});
