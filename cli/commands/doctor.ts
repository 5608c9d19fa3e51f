// ehc doctor — checks everything the agent needs (issue 18)
import { runDoctor, systemEnv } from '../../doctor/index.js';
import { formatText } from '../../doctor/report.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

export function registerDoctor({ program }: CliGroups): void {
  program
    .command('doctor')
    .description('check Node, native modules, scanners, configuration, keys, peers, clock and storage')
    .option('--config <file>', 'the agent configuration file')
    .option('--json', 'print {ok, counts, checks: [{id, status, detail, fix?, path?}]} as JSON')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const report = await runDoctor({
        env: systemEnv(),
        ...(opts.config !== undefined ? { configFile: opts.config } : {}),
      });
      if (opts.json) printJson(report);
      else process.stdout.write(formatText(report));
      process.exitCode = report.ok ? EXIT.ok : EXIT.negative;
    });
}
