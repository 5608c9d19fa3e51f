import { CATALOGUE } from './catalogue.js';
import { judgeRun } from './outcome.js';
import type {
  CatalogueItem,
  CertificationReport,
  CheckOutcome,
  ItemClass,
  ItemResult,
  Verdict,
} from './types.js';

/** An executable check for one catalogue item. `run` may throw: that is recorded as `error`. */
export interface Check<Ctx> {
  readonly id: string;
  /** Longest the check may take, ms (default 120 000). */
  readonly timeoutMs?: number;
  run(ctx: Ctx): Promise<CheckOutcome>;
}

/**
 * A person's verdict on a manual item (from `--manual answers.json`), or on an automated item
 * whose check left part of it to the lab engineer (`pending-manual`): an answer never overrides
 * a verdict the software reached (pass, fail, error).
 */
export interface ManualAnswer {
  readonly id: string;
  readonly verdict: 'pass' | 'fail' | 'not-applicable';
  readonly evidence: string;
  readonly reviewedBy: string;
}

export interface RunOptions<Ctx> {
  readonly checks: readonly Check<Ctx>[];
  readonly ctx: Ctx;
  readonly mode: 'embedded' | 'target';
  readonly target: Readonly<Record<string, string>>;
  readonly manual?: readonly ManualAnswer[];
  /** Count mandatory items awaiting a verdict as failed (FAILED instead of INCOMPLETE). */
  readonly strict?: boolean;
  /** Run only these item ids (others reported `not-applicable`). */
  readonly only?: readonly string[];
  readonly version: string;
  readonly onItem?: (r: ItemResult) => void;
  readonly now?: () => number;
}

class CheckTimeout extends Error {}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`check did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function finish(
  item: CatalogueItem,
  outcome: CheckOutcome,
  durationMs: number,
  reviewedBy?: string,
): ItemResult {
  const failed = outcome.verdict === 'fail' || outcome.verdict === 'error';
  return {
    ...item,
    ...outcome,
    advice: failed ? (outcome.advice ?? item.advice) : item.advice,
    durationMs,
    ...(reviewedBy ? { reviewedBy } : {}),
  };
}

/** Runs the checks in catalogue order and judges the run by spec §7. */
export async function runCertification<Ctx>(opts: RunOptions<Ctx>): Promise<CertificationReport> {
  const now = opts.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const byId = new Map(opts.checks.map((c) => [c.id, c]));
  const manual = new Map((opts.manual ?? []).map((a) => [a.id, a]));
  const items: ItemResult[] = [];

  for (const item of CATALOGUE) {
    const t0 = now();
    let result: ItemResult;
    const check = byId.get(item.id);
    if (opts.only && !opts.only.includes(item.id)) {
      result = finish(item, { verdict: 'not-applicable', evidence: ['not selected for this run'] }, 0);
    } else if (check) {
      let outcome: CheckOutcome;
      try {
        outcome = await withTimeout(check.run(opts.ctx), check.timeoutMs ?? 120_000);
      } catch (e) {
        outcome = {
          verdict: 'error',
          evidence: [`the check could not complete: ${e instanceof Error ? e.message : String(e)}`],
        };
      }
      const a = manual.get(item.id);
      if (a && outcome.verdict === 'pending-manual') {
        // the check deferred (part of) the item to the lab engineer, who has answered it
        outcome = {
          ...outcome,
          verdict: a.verdict,
          evidence: [...outcome.evidence, `lab engineer (${a.reviewedBy}): ${a.evidence}`],
        };
        result = finish(item, outcome, now() - t0, a.reviewedBy);
      } else {
        if (a)
          outcome = {
            ...outcome,
            evidence: [
              ...outcome.evidence,
              `manual answer by ${a.reviewedBy} not used: the software's check decided this item`,
            ],
          };
        result = finish(item, outcome, now() - t0);
      }
    } else if (manual.has(item.id)) {
      const a = manual.get(item.id)!;
      result = finish(item, { verdict: a.verdict, evidence: [a.evidence] }, 0, a.reviewedBy);
    } else {
      result = finish(
        item,
        {
          verdict: 'pending-manual',
          evidence: [
            item.automated
              ? 'no executable check is configured for this item in this run'
              : 'judged by the lab engineer on site; record the verdict and evidence in the manual answers file',
          ],
        },
        0,
      );
    }
    items.push(result);
    opts.onItem?.(result);
  }

  const verdicts: Verdict[] = ['pass', 'fail', 'pending-manual', 'not-applicable', 'error'];
  const classes: ItemClass[] = ['mandatory', 'recommended', 'optional'];
  const summary = Object.fromEntries(
    classes.map((c) => [
      c,
      Object.fromEntries(
        verdicts.map((v) => [v, items.filter((i) => i.class === c && i.verdict === v).length]),
      ),
    ]),
  ) as CertificationReport['summary'];
  const strict = opts.strict ?? false;
  const { outcome, failed, awaiting } = judgeRun(items, {
    strict,
    ...(opts.only ? { only: opts.only } : {}),
  });
  const automatedMandatory = items.filter((i) => i.class === 'mandatory' && i.automated);
  return {
    tool: 'ehc certify',
    version: opts.version,
    startedAt,
    finishedAt: new Date(now()).toISOString(),
    mode: opts.mode,
    target: opts.target,
    outcome,
    passed: outcome === 'PASSED',
    strict,
    automated: {
      mandatory: automatedMandatory.length,
      passed: automatedMandatory.filter((i) => i.verdict === 'pass').length,
    },
    failed,
    awaiting,
    manualPending: awaiting.filter((i) => i.reason === 'manual').map((i) => i.id),
    summary,
    items,
  };
}
