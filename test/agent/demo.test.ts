import { describe, expect, it } from 'vitest';
import { runDemo } from '../../lab/demo.js';

describe('ehc demo', () => {
  it('every scripted scenario gets its expected verdict through the real stack', async () => {
    const r = await runDemo();
    expect(r.scenarios.length).toBeGreaterThanOrEqual(12);
    for (const s of r.scenarios)
      expect({ name: s.name, verdict: s.verdict }).toEqual({ name: s.name, verdict: s.expected });
    // The kinds of outcome the issue names are all present.
    const verdicts = new Set(r.scenarios.map((s) => s.expected));
    for (const v of [
      'VALID',
      'INVALID(expired)',
      'INVALID(not-yet-valid)',
      'INVALID(forged)',
      'INVALID(replayed)',
      'INVALID(malformed)',
      'INVALID(unknown-terminal)',
    ]) {
      expect(verdicts).toContain(v);
    }
    expect([...verdicts].some((v) => v.startsWith('UNAVAILABLE'))).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.outbox.delivered).toBe(r.scenarios.filter((s) => s.verdict === 'VALID').length);
    expect(r.latency.total?.count).toBe(r.scenarios.length);
    // Every stage accounts for every scan: a sample, or a named skip (device and reason).
    for (const stage of ['transport', 'parse', 'verify', 'feedback', 'total'] as const) {
      const l = r.latency[stage]!;
      const skipped = l.skipped.reduce((n, s) => n + s.scans, 0);
      expect({ stage, scans: l.count + skipped }).toEqual({ stage, scans: r.scenarios.length });
      expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
    }
  });
});
