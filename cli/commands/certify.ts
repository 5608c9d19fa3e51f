// ehc certify — the networking test (issue 8)
import { resolve } from 'node:path';
import { CATALOGUE } from '../../certify/catalogue.js';
import type { CertifySettings } from '../../certify/context.js';
import { startEmbedded } from '../../certify/embedded.js';
import { isCertifyError } from '../../certify/errors.js';
import { loadManualAnswers } from '../../certify/manual.js';
import { certify, summaryLine } from '../../certify/run.js';
import { startTarget } from '../../certify/target.js';
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
    const m = report.summary.mandatory;
    process.stdout.write(
      `${report.passed ? 'PASSED' : 'FAILED'} (spec §7): mandatory ${m.pass} passed, ${m.fail + m.error} failed, ${report.manualPending.length} awaiting the lab engineer${report.strict ? ' (strict)' : ''}\nreport: ${jsonFile}\n        ${htmlFile}\n`,
    );
    return report.passed ? EXIT.ok : EXIT.negative;
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
    .option('--manual <answers.json>', "the lab engineer's verdicts for the manual items")
    .option('--strict', 'count manual mandatory items without an answer as not passed')
    .option('--only <ids>', 'run only these item ids (comma-separated, e.g. 5.2-4,5.3-1)')
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
