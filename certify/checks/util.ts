import type { CertifyContext } from '../context.js';
import type { Check } from '../runner.js';
import type { CheckOutcome } from '../types.js';

export type CertifyCheck = Check<CertifyContext>;

/** One observed sub-result of a check: a rule and what was seen. */
export interface Finding {
  readonly ok: boolean | 'unverified';
  readonly line: string;
}

export const fmtMs = (ms: number): string => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

/**
 * The verdict of a check made of findings: `fail` if any finding failed, `pending-manual` if some
 * rule could not be measured here (the lab engineer judges it), else `pass`. Evidence lists every
 * finding, failed ones marked.
 */
export function judge(findings: readonly Finding[], advice?: string): CheckOutcome {
  const failed = findings.some((f) => f.ok === false);
  const unverified = findings.some((f) => f.ok === 'unverified');
  const evidence = findings.map((f) =>
    f.ok === true ? f.line : f.ok === false ? `FAILED: ${f.line}` : `NOT MEASURED HERE: ${f.line}`,
  );
  if (findings.length === 0) return { verdict: 'fail', evidence: ['nothing could be measured'] };
  return {
    verdict: failed ? 'fail' : unverified ? 'pending-manual' : 'pass',
    evidence,
    ...(failed && advice ? { advice } : {}),
  };
}

export const ok = (line: string): Finding => ({ ok: true, line });
export const bad = (line: string): Finding => ({ ok: false, line });
export const unverified = (line: string): Finding => ({ ok: 'unverified', line });
export const finding = (pass: boolean, line: string): Finding => ({ ok: pass, line });

/** A short description of anything thrown, for evidence. */
export function errText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
