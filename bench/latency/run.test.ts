import { describe, expect, it } from 'vitest';
import { runLatencyBench } from './run.js';

// Shape only: benchmarks report figures; they never assert speed in tests.
describe('latency benchmark', () => {
  it('runs a few scans through the real stack and reports stages, total, the per-scan agent overhead and both baselines', async () => {
    const r = await runLatencyBench({ scans: 20, warmup: 5 });
    expect(r.scans).toBe(20);
    expect(r.verdicts).toEqual({ VALID: 20 });
    for (const s of ['transport', 'parse', 'verify', 'total'] as const) {
      expect(r.stages[s]?.p50Ms).toBeGreaterThanOrEqual(0);
      expect(r.stages[s]!.p99Ms).toBeGreaterThanOrEqual(r.stages[s]!.p50Ms);
    }
    expect(r.total.n).toBe(20);
    expect(r.baselines.label).toMatch(/context only/);
    expect(r.baselines.transport.n).toBe(20);
    expect(r.baselines.cipherMachine.n).toBe(20);
    expect(r.baselines.cipherMachine.p50Ms).toBeGreaterThan(0);
    // The agent's overhead is computed per scan, on one clock: every scan has a value, none
    // negative (nested intervals on one monotonic clock), and the exact p99 is at most the max.
    expect(r.overhead.n).toBe(20);
    expect(r.overhead.incomplete).toBe(0);
    expect(r.overhead.negative).toBe(0);
    expect(r.overhead.minMs).toBeGreaterThanOrEqual(0);
    expect(r.overhead.p50Ms).toBeLessThanOrEqual(r.overhead.p99Ms);
    expect(r.overhead.p99Ms).toBeLessThanOrEqual(r.overhead.maxMs);
    // Each scan waited for the cipher machine: its round trip is inside the verify stage.
    expect(r.peerRoundTrip.n).toBe(20);
    expect(r.peerRoundTrip.p50Ms).toBeGreaterThan(0);
    expect(r.peerRoundTrip.maxMs).toBeLessThanOrEqual(r.stages.verify!.maxMs!);
    expect(r.target.overheadP99Ms).toBe(0.3);
    expect(typeof r.target.met).toBe('boolean');
  }, 60_000);
});
