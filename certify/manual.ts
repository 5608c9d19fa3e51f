import { readFileSync } from 'node:fs';
import { CATALOGUE } from './catalogue.js';
import { CertifyError } from './errors.js';
import type { ManualAnswer } from './runner.js';

const VERDICTS = new Set(['pass', 'fail', 'not-applicable']);

/**
 * Reads the lab engineer's answers for manual items (`--manual answers.json`): a JSON list (or
 * `{ "answers": [...] }`) of `{ id, verdict: pass|fail|not-applicable, evidence, reviewedBy }`.
 * An answer for an automated item is used only when its check leaves the item to the lab engineer
 * (`pending-manual`, e.g. 5.5-2 on SQLite): the software's own verdicts cannot be overridden.
 */
export function parseManualAnswers(json: unknown): ManualAnswer[] {
  const list = Array.isArray(json) ? json : (json as { answers?: unknown } | null)?.answers;
  if (!Array.isArray(list))
    throw new CertifyError('CERTIFY_CONFIG', 'manual answers: expected a list of answers');
  return list.map((a: unknown, i) => {
    const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    const where = `manual answers[${i}]`;
    const item = CATALOGUE.find((c) => c.id === o.id);
    if (!item) throw new CertifyError('CERTIFY_CONFIG', `${where}: unknown item id ${String(o.id)}`);
    if (typeof o.verdict !== 'string' || !VERDICTS.has(o.verdict))
      throw new CertifyError('CERTIFY_CONFIG', `${where}: verdict must be pass, fail or not-applicable`);
    for (const k of ['evidence', 'reviewedBy'] as const) {
      if (typeof o[k] !== 'string' || (o[k] as string).trim() === '')
        throw new CertifyError('CERTIFY_CONFIG', `${where}: ${k} must be a non-empty string`);
    }
    return {
      id: item.id,
      verdict: o.verdict as ManualAnswer['verdict'],
      evidence: o.evidence as string,
      reviewedBy: o.reviewedBy as string,
    };
  });
}

export function loadManualAnswers(file: string): ManualAnswer[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CertifyError('CERTIFY_CONFIG', `cannot read manual answers ${file}`, { cause: e });
  }
  return parseManualAnswers(json);
}
