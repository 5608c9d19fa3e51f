// The report: one text line per result (`ok   node     v20.11.1`), or JSON for machines.
import type { CheckResult, CheckStatus } from './types.js';

export interface DoctorReport {
  /** True when no result is `fail` (warnings allowed). */
  readonly ok: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly CheckResult[];
}

export function makeReport(checks: readonly CheckResult[]): DoctorReport {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status]++;
  return { ok: counts.fail === 0, counts, checks };
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `FAIL keys     key file /x mode 0644 lets others read it → run chmod 600 /x` */
export function formatLine(c: CheckResult): string {
  return `${LABEL[c.status]} ${c.id.padEnd(8)} ${c.detail}${c.fix ? ` → ${c.fix}` : ''}`;
}

export function formatText(report: DoctorReport): string {
  const { ok, warn, fail } = report.counts;
  return `${[...report.checks.map(formatLine), `${ok} ok, ${warn} warn, ${fail} fail`].join('\n')}\n`;
}
