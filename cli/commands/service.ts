// ehc service install — systemd unit, udev rules and service user for a kiosk (issue 18)
import { realpathSync } from 'node:fs';
import {
  activationCommands,
  checkLayout,
  DEFAULT_LAYOUT,
  type KioskLayout,
  KioskLayoutError,
  kioskFiles,
  writeKioskFiles,
} from '../../kiosk/index.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface InstallOpts {
  print?: boolean;
  root: string;
  unit: string;
  user: string;
  group: string;
  dataDir: string;
  config: string;
  node: string;
  cli?: string;
  watchdog: string;
  stopTimeout: string;
}

function layoutFrom(opts: InstallOpts): KioskLayout {
  return checkLayout({
    unit: opts.unit,
    user: opts.user,
    group: opts.group,
    dataDir: opts.dataDir,
    configFile: opts.config,
    nodePath: opts.node,
    cliPath: opts.cli ?? realpathSync(process.argv[1] ?? 'dist/cli.js'),
    watchdogSec: Number(opts.watchdog),
    stopTimeoutSec: Number(opts.stopTimeout),
  });
}

export function registerService({ program }: CliGroups): void {
  const service = program.command('service').description('run the agent as a systemd service on a kiosk');
  service
    .command('install')
    .description('write the systemd unit, udev rules and sysusers entry (or print them with --print)')
    .option('--print', 'print the files instead of writing them')
    .option('--root <dir>', 'install root (a staging directory for image builds)', '/')
    .option('--unit <name>', 'unit name', DEFAULT_LAYOUT.unit)
    .option('--user <name>', 'service user', DEFAULT_LAYOUT.user)
    .option('--group <name>', 'group owning the scanner devices', DEFAULT_LAYOUT.group)
    .option('--data-dir <dir>', 'the one writable directory (store, outbox)', DEFAULT_LAYOUT.dataDir)
    .option('--config <file>', 'agent configuration file', DEFAULT_LAYOUT.configFile)
    .option('--node <path>', 'Node.js binary', process.execPath)
    .option('--cli <path>', 'the built CLI (default: this one)')
    .option('--watchdog <s>', 'WatchdogSec', String(DEFAULT_LAYOUT.watchdogSec))
    .option('--stop-timeout <s>', 'TimeoutStopSec (drain bound)', String(DEFAULT_LAYOUT.stopTimeoutSec))
    .action((opts: InstallOpts) => {
      let layout: KioskLayout;
      try {
        layout = layoutFrom(opts);
      } catch (e) {
        if (!(e instanceof KioskLayoutError)) throw e;
        process.stderr.write(`ehc service install: ${e.message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (opts.print) {
        for (const f of kioskFiles(layout)) process.stdout.write(`# ---- ${f.path}\n${f.content}\n`);
        return;
      }
      try {
        const written = writeKioskFiles(layout, opts.root);
        process.stdout.write(`wrote ${written.join(', ')}\nthen run, as root:\n`);
        for (const c of activationCommands(layout)) process.stdout.write(`  ${c}\n`);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const hint = err.code === 'EACCES' ? ' (run as root, or give --root <staging dir>)' : '';
        process.stderr.write(`ehc service install: ${err.message}${hint}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
