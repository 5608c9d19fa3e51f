/** Per category × decoder tallies and latency percentiles. */
import { percentile } from '../common/samples.js';

/** The cell of the report for one decoder in one category. */
export interface CellStats {
  /** Decoded text equal to the expected text. */
  readonly ok: number;
  readonly n: number;
  /** Decoded, but a different text. */
  readonly misreads: number;
  /** Nothing decoded. `ok + misreads + misses = n`. */
  readonly misses: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  /** `ok / n`. */
  readonly rate: number;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Accumulates outcomes for one cell. */
export class Cell {
  #ok = 0;
  #misreads = 0;
  #misses = 0;
  readonly #ms: number[] = [];

  add(outcome: 'ok' | 'misread' | 'none', ms: number): void {
    if (outcome === 'ok') this.#ok++;
    else if (outcome === 'misread') this.#misreads++;
    else this.#misses++;
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
      misses: this.#misses,
      medianMs: round(percentile(this.#ms, 0.5)),
      p95Ms: round(percentile(this.#ms, 0.95)),
      meanMs: round(n === 0 ? 0 : sum / n),
      rate: round(n === 0 ? 0 : this.#ok / n),
    };
  }
}
