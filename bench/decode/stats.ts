/** Per category × decoder tallies and latency percentiles. */

/** The cell of the report for one decoder in one category. */
export interface CellStats {
  /** Decoded text equal to the expected text. */
  readonly ok: number;
  readonly n: number;
  /** Decoded, but a different text. */
  readonly misreads: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  /** `ok / n`. */
  readonly rate: number;
}

/** Nearest-rank percentile (`q` in 0..1) of unsorted samples; 0 for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Accumulates outcomes for one cell. */
export class Cell {
  #ok = 0;
  #misreads = 0;
  readonly #ms: number[] = [];

  add(outcome: 'ok' | 'misread' | 'none', ms: number): void {
    if (outcome === 'ok') this.#ok++;
    else if (outcome === 'misread') this.#misreads++;
    this.#ms.push(ms);
  }

  get times(): readonly number[] {
    return this.#ms;
  }

  stats(): CellStats {
    const n = this.#ms.length;
    const sum = this.#ms.reduce((a, b) => a + b, 0);
    return {
      ok: this.#ok,
      n,
      misreads: this.#misreads,
      medianMs: round(percentile(this.#ms, 0.5)),
      p95Ms: round(percentile(this.#ms, 0.95)),
      meanMs: round(n === 0 ? 0 : sum / n),
      rate: round(n === 0 ? 0 : this.#ok / n),
    };
  }
}
