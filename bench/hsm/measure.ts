import { build } from 'hdr-histogram-js';

export interface LevelResult {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ops: number;
  /** Calls that did not end `ok` (they are not counted in opsPerSec). */
  readonly failures: number;
}

/**
 * Closed-loop load: `concurrency` workers each call `op` back to back for `durationMs` (after a
 * warm-up whose calls are not recorded). Latency per call in µs into an HDR histogram.
 */
export async function measure(
  op: () => Promise<boolean>,
  concurrency: number,
  durationMs: number,
  warmupMs: number,
): Promise<LevelResult> {
  const hist = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) await Promise.all(Array.from({ length: concurrency }, op));
  let ops = 0;
  let failures = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const good = await op();
      const us = Math.max(1, Math.round((performance.now() - t0) * 1000));
      hist.recordValue(us);
      if (good) ops++;
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const r = {
    opsPerSec: Math.round(ops / elapsedS),
    p50Ms: hist.getValueAtPercentile(50) / 1000,
    p99Ms: hist.getValueAtPercentile(99) / 1000,
    ops,
    failures,
  };
  hist.destroy();
  return r;
}
