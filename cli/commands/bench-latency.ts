// ehc bench latency — scan-to-verify latency (issue 7)
import { writeFileSync } from 'node:fs';
import { runLatencyBench } from '../../bench/latency/run.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

export function registerBenchLatency({ bench }: CliGroups): void {
  bench
    .command('latency')
    .description(
      'virtual scanner → agent → cipher machine on loopback, with transport and cipher-machine baselines',
    )
    .option('--json <file>', 'write the report as JSON')
    .option('--scans <n>', 'scans to measure', '2000')
    .option('--warmup <n>', 'scans before measuring', '200')
    .option('--device <protocol>', 'raw (text lines) or native (our frames)', 'raw')
    .action(async (opts: { json?: string; scans: string; warmup: string; device: string }) => {
      if (opts.device !== 'raw' && opts.device !== 'native') {
        process.stderr.write('ehc bench latency: --device must be raw or native\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const r = await runLatencyBench({
        scans: Number(opts.scans),
        warmup: Number(opts.warmup),
        device: opts.device,
      });
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify(r, null, 2)}\n`);
      printJson(r);
    });
}
