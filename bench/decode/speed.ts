/**
 * Speed of the subject against a baseline, like for like: both measured in the same run over the
 * same samples. Per category and overall: the ratio of the two medians, and the paired ratio (the
 * median over samples of subject ms / baseline ms on that sample).
 */
import { percentile } from '../common/samples.js';

export interface SpeedRatio {
  readonly baseline: string;
  /** Samples timed by both. */
  readonly samples: number;
  /** Subject median ms / baseline median ms. */
  readonly ofMedians: number;
  /** Median over samples of subject ms / baseline ms. */
  readonly pairedMedian: number;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** `subject[i]` and `baseline[i]` are the times of the same sample. */
export function speedRatio(
  baseline: string,
  subject: readonly number[],
  base: readonly number[],
): SpeedRatio {
  const n = Math.min(subject.length, base.length);
  const s = subject.slice(0, n);
  const b = base.slice(0, n);
  const mb = percentile(b, 0.5);
  const paired = s.flatMap((v, i) => ((b[i] ?? 0) > 0 ? [v / (b[i] ?? 1)] : []));
  return {
    baseline,
    samples: n,
    ofMedians: mb > 0 ? round(percentile(s, 0.5) / mb) : Number.NaN,
    pairedMedian: paired.length > 0 ? round(percentile(paired, 0.5)) : Number.NaN,
  };
}

/**
 * category → baseline → ratio, from per-sample times (`times[category][decoder]`, in sample
 * order, the same samples for every decoder), plus `overall` over every category's samples.
 */
export function speedRatios(
  times: Record<string, Record<string, readonly number[]>>,
  subject: string,
  baselines: readonly string[],
): { categories: Record<string, Record<string, SpeedRatio>>; overall: Record<string, SpeedRatio> } {
  const categories: Record<string, Record<string, SpeedRatio>> = {};
  const all: Record<string, number[]> = Object.fromEntries([subject, ...baselines].map((d) => [d, []]));
  for (const [category, row] of Object.entries(times)) {
    const s = row[subject] ?? [];
    const n = Math.min(s.length, ...baselines.map((b) => row[b]?.length ?? 0));
    all[subject]?.push(...s.slice(0, n));
    const out: Record<string, SpeedRatio> = {};
    categories[category] = out;
    for (const b of baselines) {
      all[b]?.push(...(row[b] ?? []).slice(0, n));
      out[b] = speedRatio(b, s, row[b] ?? []);
    }
  }
  const overall = Object.fromEntries(
    baselines.map((b) => [b, speedRatio(b, all[subject] ?? [], all[b] ?? [])]),
  );
  return { categories, overall };
}
