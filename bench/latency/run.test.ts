import { describe, expect, it } from 'vitest';
import { runLatencyBench } from './run.js';

// Shape only: benchmarks report figures; they never assert speed in tests.
describe('latency benchmark', () => {
  it('runs a few scans through the real stack and reports stages, total and both baselines', async () => {
    const r = await runLatencyBench({ scans: 20, warmup: 5 });
    expect(r.scans).toBe(20);
    expect(r.verdicts).toEqual({ VALID: 20 });
    for (const s of ['transport', 'parse', 'verify', 'total'] as const) {
      expect(r.stages[s]?.p50Ms).toBeGreaterThanOrEqual(0);
      expect(r.stages[s]!.p99Ms).toBeGreaterThanOrEqual(r.stages[s]!.p50Ms);
    }
    expect(r.total.n).toBe(20);
    expect(r.baselines.transport.n).toBe(20);
    expect(r.baselines.cipherMachine.n).toBe(20);
    expect(r.baselines.cipherMachine.p50Ms).toBeGreaterThan(0);
    expect(typeof r.overhead.p99Ms).toBe('number');
  }, 60_000);
});
