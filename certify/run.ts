import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scrubReportText, writeJsonReport, writeTextReport } from '../agent/log/report-file.js';
import { allChecks } from './checks/index.js';
import type { CertifyContext } from './context.js';
import { renderHtmlReport } from './report/html.js';
import { type ManualAnswer, runCertification } from './runner.js';
import type { CertificationReport, ItemResult } from './types.js';

export interface CertifyRunOptions {
  readonly ctx: CertifyContext;
  readonly target: Readonly<Record<string, string>>;
  /** Where report.json and report.html are written (created if missing). */
  readonly reportDir: string;
  readonly only?: readonly string[];
  readonly manual?: readonly ManualAnswer[];
  readonly strict?: boolean;
  readonly version: string;
  readonly onItem?: (r: ItemResult) => void;
}

export interface CertifyRunResult {
  readonly report: CertificationReport;
  readonly jsonFile: string;
  readonly htmlFile: string;
}

/** Runs every check against the context, judges by §7, and writes report.json and report.html. */
export async function certify(o: CertifyRunOptions): Promise<CertifyRunResult> {
  const report = await runCertification({
    checks: allChecks(o.ctx.settings),
    ctx: o.ctx,
    mode: o.ctx.mode,
    target: o.target,
    version: o.version,
    ...(o.only ? { only: o.only } : {}),
    ...(o.manual ? { manual: o.manual } : {}),
    ...(o.strict !== undefined ? { strict: o.strict } : {}),
    ...(o.onItem ? { onItem: o.onItem } : {}),
  });
  mkdirSync(o.reportDir, { recursive: true });
  const jsonFile = join(o.reportDir, 'report.json');
  const htmlFile = join(o.reportDir, 'report.html');
  // scrubbed: evidence is free text (check errors, upstream messages, the lab engineer's notes)
  writeJsonReport(jsonFile, report);
  writeTextReport(htmlFile, renderHtmlReport(report));
  return { report, jsonFile, htmlFile };
}

const MARK: Record<ItemResult['verdict'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  'pending-manual': 'MANUAL',
  'not-applicable': 'N/A',
};

/** One line per item for the console: verdict, id, class, title and the key evidence (scrubbed like the report). */
export function summaryLine(i: ItemResult): string {
  const key =
    i.verdict === 'pass' || i.verdict === 'fail' || i.verdict === 'error'
      ? (i.evidence.find((e) => e.startsWith('FAILED')) ?? i.evidence[0] ?? '')
      : i.automated
        ? (i.evidence.find((e) => e.startsWith('NOT MEASURED')) ?? i.evidence[0] ?? '')
        : '';
  // scrubbed before it is cut: a cut identifier would no longer be recognised
  const clean = scrubReportText(key);
  const short = clean.length > 140 ? `${clean.slice(0, 137)}…` : clean;
  return `${MARK[i.verdict].padEnd(6)} ${i.id.padEnd(8)} ${i.class.padEnd(11)} ${i.title}${short ? ` — ${short}` : ''}`;
}
