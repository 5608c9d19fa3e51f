/**
 * The networking test (电子健康卡技术规范 第6部分：联网检测) as data and executable checks.
 * Every item of the spec is in the catalogue with its clause and class; items software can
 * exercise have a `run`; the others are manual checklist items that only a person can judge and
 * that the software never marks passed.
 */

/** 必选项 mandatory, 推荐项 recommended, 可选项 optional (spec §7). */
import type { OpenItem, RunOutcome } from './outcome.js';

export type ItemClass = 'mandatory' | 'recommended' | 'optional';

export type Verdict = 'pass' | 'fail' | 'pending-manual' | 'not-applicable' | 'error';

export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The limit the spec (or our target) sets, for the report's charts. */
  readonly limit?: number;
  readonly limitKind?: 'max' | 'min';
}

/** A series for a chart in the HTML report (e.g. TPS per second, latency percentiles). */
export interface ChartSeries {
  readonly title: string;
  readonly unit: string;
  readonly points: readonly { readonly label: string; readonly value: number }[];
  readonly limit?: number;
}

export interface CheckOutcome {
  readonly verdict: Verdict;
  /** What was done and seen, in plain sentences a lab engineer can re-check. */
  readonly evidence: readonly string[];
  readonly measurements?: readonly Measurement[];
  readonly charts?: readonly ChartSeries[];
  /** On failure: what to fix. */
  readonly advice?: string;
}

export interface CatalogueItem {
  /** Stable id, e.g. `5.2-4`, `5.1.1-8`, `6.3-1`. */
  readonly id: string;
  /** The spec section and item number, e.g. `5.2 item 4`. */
  readonly clause: string;
  readonly class: ItemClass;
  readonly titleZh: string;
  readonly title: string;
  /** What the spec expects (预期结果及判定), paraphrased. */
  readonly expected: string;
  /** Set for items the software can check; absent for manual items. */
  readonly automated: boolean;
  /** Advice printed when the item fails. */
  readonly advice: string;
}

/** A judged item: the catalogue entry, the outcome (its advice, if any, replaces the catalogue's). */
export interface ItemResult extends CatalogueItem, Omit<CheckOutcome, 'advice'> {
  readonly durationMs: number;
  /** For manual items answered by a person (`--manual answers.json`): who, and when. */
  readonly reviewedBy?: string;
}

export interface CertificationReport {
  readonly tool: string;
  readonly version: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly mode: 'embedded' | 'target';
  readonly target: Readonly<Record<string, string>>;
  /**
   * §7: `PASSED` only when every mandatory item passed (manual ones answered with evidence in the
   * answers file); `FAILED` when one failed (or, with `strict`, when any awaits a verdict);
   * `INCOMPLETE` when none failed but some have no verdict yet (listed in `awaiting`).
   */
  readonly outcome: RunOutcome;
  /** `outcome === 'PASSED'`. */
  readonly passed: boolean;
  readonly strict: boolean;
  /** The software's own part: mandatory automated items, and how many of them passed. */
  readonly automated: { readonly mandatory: number; readonly passed: number };
  /** Mandatory items that failed or whose check could not complete. */
  readonly failed: readonly { readonly id: string; readonly title: string }[];
  /** Mandatory items without a verdict: awaiting the lab engineer, or not run (`--only`). */
  readonly awaiting: readonly OpenItem[];
  /** Ids of mandatory items awaiting the lab engineer's verdict (the `manual` part of `awaiting`). */
  readonly manualPending: readonly string[];
  readonly summary: Readonly<Record<ItemClass, Readonly<Record<Verdict, number>>>>;
  readonly items: readonly ItemResult[];
}
