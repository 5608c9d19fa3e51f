/**
 * Issue 6's targets, evaluated on a report (information for the reader; a benchmark run never
 * fails on them): on every category the subject decoder reads at least as many as the best
 * baseline; overall at least as many as the union of the baselines; and its overall median time
 * is at most 1.2× zxing-wasm's (the headline baseline: QR only, plain text), measured in the same run.
 */
import { HEADLINE_BASELINE } from './baselines.js';
import type { CellStats } from './stats.js';

export interface TargetReport {
  /** Categories where the subject read fewer than the best baseline. */
  readonly categoriesBehind: string[];
  readonly everyCategoryAtLeastBestBaseline: boolean;
  readonly overallOk: number;
  readonly baselinesUnionOk: number;
  readonly atLeastUnion: boolean;
  /** Overall median ms of the subject / `zxing-wasm (QR only, plain text)`'s (undefined without it). */
  readonly medianRatioVsZxingWasm?: number;
  readonly medianWithin1_2x?: boolean;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export function evaluateTargets(
  ours: string | undefined,
  baselines: readonly string[],
  categories: Record<string, Record<string, CellStats>>,
  overall: Record<string, CellStats>,
): TargetReport {
  const categoriesBehind: string[] = [];
  for (const [category, row] of Object.entries(categories)) {
    const best = Math.max(0, ...baselines.map((b) => row[b]?.ok ?? 0));
    if ((row[ours ?? '']?.ok ?? 0) < best) categoriesBehind.push(category);
  }
  const overallOk = overall[ours ?? '']?.ok ?? 0;
  const baselinesUnionOk = overall['baselines-union']?.ok ?? 0;
  const zx = overall[HEADLINE_BASELINE];
  const ratio =
    zx !== undefined && zx.medianMs > 0
      ? round((overall[ours ?? '']?.medianMs ?? 0) / zx.medianMs)
      : undefined;
  return {
    categoriesBehind,
    everyCategoryAtLeastBestBaseline: categoriesBehind.length === 0,
    overallOk,
    baselinesUnionOk,
    atLeastUnion: overallOk >= baselinesUnionOk,
    ...(ratio === undefined ? {} : { medianRatioVsZxingWasm: ratio, medianWithin1_2x: ratio <= 1.2 }),
  };
}
