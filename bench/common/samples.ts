/** Exact percentiles of a sample set (nearest rank), rounded to the µs. */
export interface Summary {
  readonly n: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Nearest-rank percentile (`q` in 0..1) of ascending samples; 0 for none. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** Nearest-rank percentile (`q` in 0..1) of unsorted samples; 0 for none. */
export function percentile(values: readonly number[], q: number): number {
  return nearestRank(
    [...values].sort((a, b) => a - b),
    q,
  );
}

export function summarize(samplesMs: readonly number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => nearestRank(sorted, q);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: round(mean),
  };
}

/** Monotonic milliseconds. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
