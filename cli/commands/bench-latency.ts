// ehc bench latency — scan-to-verify latency (issue 7)
import { Option } from 'commander';
import { writeJsonReport } from '../../agent/log/report-file.js';
import { runLatencyBench } from '../../bench/latency/run.js';
import { forkLoadPeer, runLoadPeerChild } from '../../bench/load/peer.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

const PEER_FLAG = '--serve-peer';

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
    .option('--in-process', 'run the cipher machine and central service in this process')
    // The peers run in a child process started as `ehc bench latency --serve-peer`.
    .addOption(new Option(PEER_FLAG, 'internal: run the peers').hideHelp())
    .action(
      async (opts: {
        json?: string;
        scans: string;
        warmup: string;
        device: string;
        inProcess?: boolean;
        servePeer?: boolean;
      }) => {
        if (opts.servePeer) {
          await runLoadPeerChild({ lifetimeS: 600, db: 'memory' });
          return;
        }
        if (opts.device !== 'raw' && opts.device !== 'native') {
          process.stderr.write('ehc bench latency: --device must be raw or native\n');
          process.exitCode = EXIT.usage;
          return;
        }
        const entry = process.argv[1]!;
        const r = await runLatencyBench({
          scans: Number(opts.scans),
          warmup: Number(opts.warmup),
          device: opts.device,
          ...(opts.inProcess
            ? {}
            : {
                peers: async () => {
                  const p = await forkLoadPeer(entry, ['bench', 'latency', PEER_FLAG]);
                  return { ...p, hsmPort: p.hsmPort ?? 0 };
                },
              }),
        });
        if (opts.json) writeJsonReport(opts.json, r);
        printJson(r);
      },
    );
}
