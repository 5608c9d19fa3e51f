// ehc soak — the embedded system under steady load and scheduled faults (issue 19 part 2)
import { readFileSync } from 'node:fs';
import { jsonReportText, scrubReportText } from '../../agent/log/report-file.js';
import { writeSoakReport } from '../../lab/soak/report-html.js';
import { runSoak, type SoakResult } from '../../lab/soak/run.js';
import { parseSoakSchedule } from '../../lab/soak/schedule.js';
import { isEhcError } from '../../protocol/errors.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  faults: string;
  hours?: string;
  minutes?: string;
  report?: string;
  json?: boolean;
  minFires?: string;
}

/** The closing lines: one per assertion, then the verdict. */
export function soakSummary(r: SoakResult): string {
  const lines = r.assertions.map(
    (a) => `${a.ok ? 'PASS' : 'FAIL'}  ${a.name}: ${a.value} (bound ${a.bound})`,
  );
  lines.push(
    `scans ${r.scans.sent}, lost ${r.scans.lost}, accepted twice ${r.scans.acceptedTwice}, accepted while the cipher machine was down ${r.scans.acceptedWhileDown}`,
    `event-loop lag p99 ${r.eventLoop.p99Ms.toFixed(1)} ms (max ${r.eventLoop.maxMs.toFixed(1)} ms); RSS slope ${r.resources.rssSlopeMbPerMin.toFixed(2)} MB/min, fd slope ${r.resources.fdSlopePerMin.toFixed(2)}/min`,
    `refused at the terminal but claimed at the central service: ${r.scans.refusedButClaimedAtCentral}`,
    `recovery after the load (every scan answered, outbox empty): ${r.outbox.drainS.toFixed(1)} s`,
    `faults survived: ${r.faultClasses.map((c) => `${c.fault} ${c.survived}/${c.planned}`).join(', ')}`,
    r.ok ? 'soak PASSED' : 'soak FAILED',
  );
  return `${lines.join('\n')}\n`;
}

function durationS(o: Flags): number {
  if ((o.hours === undefined) === (o.minutes === undefined))
    throw new UsageError('give exactly one of --hours or --minutes');
  const v = Number(o.hours ?? o.minutes);
  if (!Number.isFinite(v) || v <= 0) throw new UsageError('--hours / --minutes must be a positive number');
  return o.hours === undefined ? v * 60 : v * 3600;
}

class UsageError extends Error {}

export function registerSoak({ program }: CliGroups): void {
  program
    .command('soak')
    .description(
      'run the embedded system under steady scan load while a schedule injects faults; exit 1 if an assertion fails',
    )
    .requiredOption('--faults <file>', 'the fault schedule (JSON, see config/soak.example.json)')
    .option('--hours <h>', 'length of the load, hours')
    .option('--minutes <m>', 'length of the load, minutes')
    .option('--report <dir>', 'write soak-report.html and soak-report.json there')
    .option('--min-fires <n>', 'each fault class must have fired at least this often', '1')
    .option('--json', 'print the result as JSON instead of the summary')
    .action(async (o: Flags) => {
      let schedule: ReturnType<typeof parseSoakSchedule>;
      let seconds: number;
      try {
        seconds = durationS(o);
        let json: unknown;
        try {
          json = JSON.parse(readFileSync(o.faults, 'utf8'));
        } catch (e) {
          throw new UsageError(`cannot read ${o.faults} as JSON: ${(e as Error).message}`);
        }
        schedule = parseSoakSchedule(json);
      } catch (e) {
        if (!(e instanceof UsageError) && !isEhcError(e)) throw e;
        process.stderr.write(`ehc soak: ${(e as Error).message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const r = await runSoak({
        schedule,
        durationS: seconds,
        minFiresPerClass: Number(o.minFires ?? '1'),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      if (o.report) {
        writeSoakReport(o.report, r);
      }
      // stdout is often redirected to a file: scrubbed like the report files
      if (o.json) process.stdout.write(`${jsonReportText(r)}\n`);
      else process.stdout.write(scrubReportText(soakSummary(r)));
      process.exitCode = r.ok ? EXIT.ok : EXIT.negative;
    });
}
