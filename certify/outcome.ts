import type { ItemResult } from './types.js';

/**
 * The run's result by spec §7: every mandatory item must pass, and an item nobody has judged has
 * not passed.
 * - `FAILED`: a mandatory item failed (or its check could not complete);
 * - `INCOMPLETE`: none failed, but some mandatory items still await a verdict (a manual item with
 *   no answer in the answers file, a check that left part of the item to the lab engineer, or an
 *   item left out of this run by `--only`);
 * - `PASSED`: every mandatory item passed — the manual ones through the answers file, each with
 *   the engineer's evidence (or were answered not-applicable by the engineer).
 */
export type RunOutcome = 'FAILED' | 'INCOMPLETE' | 'PASSED';

/** A mandatory item named in the verdict: its id, title and why it is listed. */
export interface OpenItem {
  readonly id: string;
  readonly title: string;
  /** `manual`: awaiting the lab engineer; `not-run`: left out of this run (`--only`). */
  readonly reason: 'manual' | 'not-run';
}

export interface Judgement {
  readonly outcome: RunOutcome;
  /** Mandatory items that failed or errored. */
  readonly failed: readonly { readonly id: string; readonly title: string }[];
  /** Mandatory items without a verdict yet. */
  readonly awaiting: readonly OpenItem[];
}

export interface JudgeOptions {
  /** The ids this run was limited to (`--only`); mandatory items outside it have no verdict. */
  readonly only?: readonly string[];
  /** `--strict`: mandatory items awaiting a verdict are counted as failed (FAILED, not INCOMPLETE). */
  readonly strict?: boolean;
}

/** Judges the items of a run by §7. */
export function judgeRun(items: readonly ItemResult[], opts: JudgeOptions = {}): Judgement {
  const mandatory = items.filter((i) => i.class === 'mandatory');
  const failed = mandatory
    .filter((i) => i.verdict === 'fail' || i.verdict === 'error')
    .map((i) => ({ id: i.id, title: i.title }));
  const awaiting: OpenItem[] = [];
  for (const i of mandatory) {
    if (opts.only && !opts.only.includes(i.id))
      awaiting.push({ id: i.id, title: i.title, reason: 'not-run' });
    else if (i.verdict === 'pending-manual') awaiting.push({ id: i.id, title: i.title, reason: 'manual' });
    // `not-applicable` inside the run is a verdict: only the engineer gives it (answers file).
  }
  const outcome: RunOutcome =
    failed.length > 0 || (opts.strict && awaiting.length > 0)
      ? 'FAILED'
      : awaiting.length > 0
        ? 'INCOMPLETE'
        : 'PASSED';
  return { outcome, failed, awaiting };
}
