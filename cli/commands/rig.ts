// ehc rig display | run — the code display page and the display-to-verdict rig (issue 17)
import { Option } from 'commander';
import { DEFAULT_DEGRADE, DEGRADE_PRESETS } from '../../bench/rig/degradations.js';
import { startDisplayLab } from '../../bench/rig/display-lab.js';
import type { DisplayMode } from '../../bench/rig/display-server.js';
import { runRig } from '../../bench/rig/run.js';
import { EhcError } from '../../protocol/errors.js';
import { printJson } from '../output.js';
import type { CliGroups } from '../types.js';

const DRIVERS = ['raw', 'zebra-ssi', 'honeywell', 'newland', 'grow', 'hid-pos', 'native'] as const;

/** `2s`, `500ms`, `1.5s` or a bare number of ms. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s.trim());
  if (!m) throw new EhcError('RIG_BAD_OPTION', `"${s}" is not a duration (e.g. 2s, 500ms)`);
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

function positiveInt(s: string, name: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1)
    throw new EhcError('RIG_BAD_OPTION', `${name} must be a positive integer`);
  return n;
}

interface Common {
  codes: string;
  every?: string;
  mode?: string;
  host?: string;
  listenPort?: string;
  missAfter: string;
}

function display(o: Common): { mode: DisplayMode; everyMs?: number } {
  if (o.mode !== undefined && o.mode !== 'key' && o.mode !== 'timer' && o.mode !== 'verdict')
    throw new EhcError('RIG_BAD_OPTION', '--mode must be key, timer or verdict');
  if (o.every !== undefined) return { mode: 'timer', everyMs: parseDuration(o.every) };
  return { mode: (o.mode as DisplayMode | undefined) ?? 'verdict' };
}

const commonOptions = [
  new Option('--codes <n>', 'codes to show').default('200'),
  new Option('--every <duration>', 'a new code on a timer (e.g. 2s) instead of after each verdict'),
  new Option('--mode <mode>', 'key (space bar), timer or verdict (default verdict; timer with --every)'),
  new Option('--miss-after <duration>', 'a code without a verdict after this is missed').default('3s'),
  new Option('--host <host>', 'where the page is served (another host for a real screen)').default(
    '127.0.0.1',
  ),
  new Option('--listen-port <port>', 'port of the page (default any free port)'),
];

export function registerRig({ program }: CliGroups): void {
  const rig = program.command('rig').description('the code display page and the display-to-verdict rig');

  const disp = rig
    .command('display')
    .description(
      'serve the code display page (fresh codes from an embedded central service) until done or Ctrl-C',
    );
  for (const opt of commonOptions) disp.addOption(opt);
  disp.action(async (o: Common) => {
    const lab = await startDisplayLab({
      codes: positiveInt(o.codes, '--codes'),
      ...display({ ...o, mode: o.mode ?? (o.every ? 'timer' : 'key') }),
      missAfterMs: parseDuration(o.missAfter),
      host: o.host ?? '127.0.0.1',
      ...(o.listenPort ? { port: Number(o.listenPort) } : {}),
    });
    process.stdout.write(`code display page: ${lab.url}\n`);
    const stop = new Promise<void>((r) => process.once('SIGINT', () => r()));
    await Promise.race([lab.done, stop]);
    await lab.stop();
  });

  const run = rig
    .command('run')
    .description('show codes, read the screen (virtual camera or a scanner), write the HTML + JSON report')
    .addOption(
      new Option('--reader <reader>', 'virtual (headless Chromium + camera decoder) or scanner')
        .choices(['virtual', 'scanner'])
        .default('virtual'),
    )
    .option(
      '--degrade <preset>',
      `virtual camera optics: ${Object.keys(DEGRADE_PRESETS).join(', ')}`,
      DEFAULT_DEGRADE,
    )
    .option('--chromium <path>', 'the Chromium binary (default: /usr/bin/chromium or on PATH)')
    .option('--port <port>', 'scanner reader: serial path, HID path or tcp://host:port')
    .addOption(
      new Option('--driver <driver>', 'scanner reader: driver (probed when absent)').choices([...DRIVERS]),
    )
    .option('--baud <n>', 'scanner reader: serial baud rate')
    .option('--out <dir>', 'directory for rig-report.html / .json (/.png)', 'reports/rig')
    .option('--json', 'print the whole report as JSON');
  for (const opt of commonOptions) run.addOption(opt);
  run.action(
    async (
      o: Common & {
        reader: 'virtual' | 'scanner';
        degrade: string;
        chromium?: string;
        port?: string;
        driver?: (typeof DRIVERS)[number];
        baud?: string;
        out: string;
        json?: boolean;
      },
    ) => {
      const { report, files } = await runRig({
        reader: o.reader,
        codes: positiveInt(o.codes, '--codes'),
        ...display(o),
        missAfterMs: parseDuration(o.missAfter),
        degrade: o.degrade,
        ...(o.chromium ? { chromium: o.chromium } : {}),
        ...(o.port
          ? {
              scanner: {
                port: o.port,
                ...(o.driver ? { driver: o.driver } : {}),
                ...(o.baud ? { baudRate: positiveInt(o.baud, '--baud') } : {}),
              },
            }
          : {}),
        displayHost: o.host ?? '127.0.0.1',
        ...(o.listenPort ? { displayPort: Number(o.listenPort) } : {}),
        out: o.out,
        onReady: (url) => {
          if (o.reader === 'scanner')
            process.stdout.write(`open ${url} on the screen in front of the scanner\n`);
        },
      });
      if (o.json) {
        printJson(report);
        return;
      }
      const c = report.counts;
      const t = report.stages.find((s) => s.stage === 'total')!;
      process.stdout.write(
        `${c.shown} shown, ${c.read} read, ${c.verdicts} verdicts (${c.valid} VALID), ${c.missed} missed, ${c.misreads + c.unattributedMisreads} misreads\n` +
          `display → verdict p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms: target p99 ≤ ${report.target.totalP99Ms} ms ${report.target.met ? 'met' : 'not met'}\n` +
          files.map((f) => `${f}\n`).join(''),
      );
    },
  );
}
