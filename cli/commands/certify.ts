// ehc certify — the networking test (issue 8)
import { resolve } from 'node:path';
import { CATALOGUE } from '../../certify/catalogue.js';
import type { CertifySettings } from '../../certify/context.js';
import { startEmbedded } from '../../certify/embedded.js';
import { isCertifyError } from '../../certify/errors.js';
import { loadManualAnswers } from '../../certify/manual.js';
import { certify, summaryLine } from '../../certify/run.js';
import { startTarget } from '../../certify/target.js';
import type { CertificationReport } from '../../certify/types.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  embedded?: boolean;
  target?: string;
  report: string;
  duration?: string;
  soak?: string;
  manual?: string;
  strict?: boolean;
  only?: string;
}

class UsageError extends Error {}

function seconds(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds`);
  return n;
}

function onlyIds(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const ids = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  const unknown = ids.filter((id) => !CATALOGUE.some((c) => c.id === id));
  if (ids.length === 0 || unknown.length > 0)
    throw new UsageError(`--only: unknown item ids ${unknown.join(', ') || '(none given)'}`);
  return ids;
}

/** The closing lines: the §7 outcome, the automated part's result, and the items that decide it. */
export function verdictText(report: CertificationReport): string {
  const m = report.summary.mandatory;
  const lines = [
    `${report.outcome} (spec §7): mandatory ${m.pass} passed, ${m.fail + m.error} failed, ${report.awaiting.length} without a verdict${report.strict ? ' (strict: counted as failed)' : ''}`,
    `automated: ${report.automated.passed}/${report.automated.mandatory} mandatory passed`,
  ];
  for (const i of report.failed) lines.push(`  failed: ${i.id} ${i.title}`);
  const manual = report.awaiting.filter((i) => i.reason === 'manual');
  if (manual.length > 0) {
    lines.push(`awaiting the lab engineer (${manual.length}; answer them with --manual answers.json):`);
    for (const i of manual) lines.push(`  ${i.id.padEnd(8)} ${i.title}`);
  }
  const notRun = report.awaiting.filter((i) => i.reason === 'not-run');
  if (notRun.length > 0)
    lines.push(`not run (--only): ${notRun.length} mandatory items: ${notRun.map((i) => i.id).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function runCertify(o: Flags, version: string): Promise<number> {
  if (Boolean(o.embedded) === Boolean(o.target))
    throw new UsageError('give exactly one of --embedded or --target <config.json>');
  const durationS = seconds('--duration', o.duration);
  const soakS = seconds('--soak', o.soak);
  const settings: Partial<CertifySettings> = {
    ...(durationS === undefined ? {} : { durationS }),
    ...(soakS === undefined ? {} : { soakS }),
  };
  const only = onlyIds(o.only);
  const manual = o.manual === undefined ? undefined : loadManualAnswers(o.manual);
  const progress = (line: string): void => void process.stderr.write(`ehc certify: ${line}\n`);
  const system = o.embedded
    ? await startEmbedded({ settings, progress })
    : await startTarget(o.target!, { settings, progress });
  try {
    const { report, htmlFile, jsonFile } = await certify({
      ctx: system.ctx,
      target: system.target,
      reportDir: resolve(o.report),
      version,
      ...(only ? { only } : {}),
      ...(manual ? { manual } : {}),
      ...(o.strict ? { strict: true } : {}),
      onItem: (i) => {
        if (!only || only.includes(i.id)) process.stdout.write(`${summaryLine(i)}\n`);
      },
    });
    process.stdout.write(`${verdictText(report)}report: ${jsonFile}\n        ${htmlFile}\n`);
    return report.outcome === 'PASSED'
      ? EXIT.ok
      : report.outcome === 'INCOMPLETE'
        ? EXIT.incomplete
        : EXIT.negative;
  } finally {
    await system.close();
  }
}

export function registerCertify(groups: CliGroups): void {
  groups.program
    .command('certify')
    .description('run the networking test (spec part 6, 联网检测) and write report.json + report.html')
    .option('--embedded', 'certify the reference system started in this process')
    .option('--target <config.json>', 'certify the real systems described in this file')
    .requiredOption('--report <dir>', 'directory for report.json and report.html')
    .option('--duration <s>', 'measured seconds per performance item (default 60)')
    .option('--soak <s>', 'seconds of the stability soak (default 600; 7×24 h = 604800)')
    .option(
      '--manual <answers.json>',
      "the lab engineer's verdicts, with evidence, for manual items and parts a check leaves to them",
    )
    .option('--strict', 'count mandatory items without a verdict as failed (FAILED, exit 1, not INCOMPLETE)')
    .option('--only <ids>', 'run only these item ids (comma-separated, e.g. 5.2-4,5.3-1)')
    .addHelpText(
      'after',
      `
Outcome (spec §7, every mandatory item must pass; an item nobody judged has not passed):
  PASSED      every mandatory item passed (manual ones answered with evidence)   exit ${EXIT.ok}
  FAILED      a mandatory item failed or its check could not complete            exit ${EXIT.negative}
  INCOMPLETE  none failed, some mandatory items still await a verdict            exit ${EXIT.incomplete}
  usage or configuration error                                                   exit ${EXIT.usage}
`,
    )
    .action(async (o: Flags) => {
      try {
        process.exitCode = await runCertify(o, groups.program.version() ?? 'dev');
      } catch (e) {
        if (!(e instanceof UsageError) && !(isCertifyError(e) && e.code === 'CERTIFY_CONFIG')) throw e;
        process.stderr.write(`ehc certify: ${e.message}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
