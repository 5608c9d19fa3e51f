import { describe, expect, it } from 'vitest';
import { startPeerServers } from './peer.js';
import { formatHsmBench, runHsmBench } from './run.js';

describe('bench hsm', () => {
  it('measures each level against the echo baseline and reports the issue’s JSON shape', async () => {
    const peer = await startPeerServers();
    try {
      const r = await runHsmBench({ peer, durationMs: 150, warmupMs: 0, concurrencies: [1, 4] });
      expect(Object.keys(r.concurrency)).toEqual(['1', '4']);
      for (const level of Object.values(r.concurrency)) {
        expect(level).toMatchObject({
          opsPerSec: expect.any(Number),
          p50Ms: expect.any(Number),
          p99Ms: expect.any(Number),
          baselineOpsPerSec: expect.any(Number),
          ratio: expect.any(Number),
          failures: 0,
        });
        // Every recorded validity check succeeded (the block is valid for the whole run).
        expect(level.ops).toBeGreaterThan(0);
        expect(level.p99Ms).toBeGreaterThanOrEqual(level.p50Ms);
      }
      // Concurrency 32 was not run: no verdict on the targets.
      expect(r.meetsTargets).toBeUndefined();
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(formatHsmBench(r)).toContain('c= 4');
    } finally {
      await peer.stop();
    }
  });
});
