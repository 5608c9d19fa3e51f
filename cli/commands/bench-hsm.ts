// ehc bench hsm — cipher machine throughput (issue 3)
import { Option } from 'commander';
import { writeJsonReport } from '../../agent/log/report-file.js';
import { forkPeer, runPeerChild } from '../../bench/hsm/peer.js';
import { formatHsmBench, runHsmBench } from '../../bench/hsm/run.js';
import { EhcError } from '../../protocol/errors.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  json?: string;
  duration: string;
  warmup: string;
  concurrency: string;
  servePeer?: boolean;
}

const PEER_FLAG = '--serve-peer';

export function registerBenchHsm({ bench }: CliGroups): void {
  bench
    .command('hsm')
    .description(
      'verify/hsm: validity checks/s through the client at concurrency 1, 8, 32, vs an echo server with the same framing',
    )
    .option('--json <file>', 'write the results as JSON')
    .option('--duration <ms>', 'measured time per level and server', '3000')
    .option('--warmup <ms>', 'unrecorded warm-up per level and server', '500')
    .option('--concurrency <list>', 'comma-separated levels', '1,8,32')
    // The servers run in a child process started as `ehc bench hsm --serve-peer`.
    .addOption(new Option(PEER_FLAG, 'internal: run the benchmark servers').hideHelp())
    .action(async (o: Flags) => {
      if (o.servePeer) {
        await runPeerChild();
        return;
      }
      const num = (name: string, v: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1)
          throw new EhcError('CLI_USAGE', `${name} must be a positive integer`);
        return n;
      };
      const entry = process.argv[1];
      if (entry === undefined)
        throw new EhcError('CLI_USAGE', 'cannot locate the ehc entry point to start the servers');
      const peer = await forkPeer(entry, ['bench', 'hsm', PEER_FLAG]);
      try {
        const result = await runHsmBench({
          peer,
          durationMs: num('--duration', o.duration),
          warmupMs: Math.max(0, Number(o.warmup) || 0),
          concurrencies: o.concurrency.split(',').map((c) => num('--concurrency', c)),
        });
        if (o.json !== undefined) writeJsonReport(o.json, result);
        process.stdout.write(`${formatHsmBench(result)}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await peer.stop();
      }
    });
}
