// ehc conformance, ehc virtual-terminal — firmware SDK (issue 6)
import { createInterface } from 'node:readline';
import { createTransport, parsePortSpec } from '../../devices/transports/index.js';
import {
  type ConformanceTimeouts,
  DEFAULT_TIMEOUTS,
  formatConformanceReport,
  runConformance,
} from '../../firmware-sdk/conformance/index.js';
import type { VirtualLink } from '../../firmware-sdk/virtual/harness/link.js';
import { PtyDevice } from '../../firmware-sdk/virtual/harness/pty.js';
import { TcpDevice } from '../../firmware-sdk/virtual/harness/tcp.js';
import { NativeTerminal } from '../../firmware-sdk/virtual/native/index.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

export interface ConformanceCommandOptions {
  readonly port: string;
  readonly baud?: string;
  readonly json?: boolean;
  readonly heartbeatMs?: string;
  readonly timeoutScale?: string;
}

const positive = (name: string, v: string | undefined, dflt: number): number => {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`${name} must be a positive number, got "${v}"`);
  return n;
};

/** Runs the suite against `--port`; returns the exit code (0 all passed, 1 a check failed, 2 usage). */
export async function conformanceCommand(
  o: ConformanceCommandOptions,
  write: (s: string) => void,
): Promise<number> {
  let spec: ReturnType<typeof parsePortSpec>;
  let baudRate: number;
  let heartbeatIntervalMs: number;
  let scale: number;
  try {
    spec = parsePortSpec(o.port);
    if (spec.kind !== 'serial' && spec.kind !== 'tcp') {
      throw new TypeError('the native protocol runs over a serial port or tcp://host:port');
    }
    baudRate = Math.round(positive('--baud', o.baud, 115_200));
    heartbeatIntervalMs = Math.round(positive('--heartbeat-ms', o.heartbeatMs, 250));
    scale = positive('--timeout-scale', o.timeoutScale, 1);
  } catch (e) {
    write(`ehc conformance: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  const timeouts = Object.fromEntries(
    Object.entries(DEFAULT_TIMEOUTS).map(([k, v]) => [k, Math.round(v * scale)]),
  ) as unknown as ConformanceTimeouts;
  const report = await runConformance({
    port: o.port,
    heartbeatIntervalMs,
    timeouts,
    open: async () => createTransport(spec, { baudRate }),
  });
  write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatConformanceReport(report));
  return report.passed ? EXIT.ok : EXIT.negative;
}

export interface VirtualTerminalCommandOptions {
  readonly listen?: string;
  readonly pty?: boolean;
  readonly vendor?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly serial?: string;
  readonly certifiedModelId?: string;
  readonly heartbeatMs?: string;
  readonly ackTimeoutMs?: string;
}

export interface VirtualTerminalHandle {
  /** `tcp://host:port`, or the pty's stable path. */
  readonly address: string;
  readonly terminal: NativeTerminal;
  readonly link: VirtualLink;
  close(): Promise<void>;
}

/** Starts the native virtual terminal behind TCP (default) or a pseudo-terminal. */
export async function startVirtualTerminal(o: VirtualTerminalCommandOptions): Promise<VirtualTerminalHandle> {
  const id = {
    ...(o.vendor ? { vendor: o.vendor } : {}),
    ...(o.model ? { model: o.model } : {}),
    ...(o.firmware ? { firmwareVersion: o.firmware } : {}),
    ...(o.serial ? { serial: o.serial } : {}),
    ...(o.certifiedModelId ? { certifiedModelId: o.certifiedModelId } : {}),
  };
  const runtime = {
    ...(o.heartbeatMs
      ? { heartbeatIntervalMs: Math.round(positive('--heartbeat-ms', o.heartbeatMs, 1000)) }
      : {}),
    ...(o.ackTimeoutMs
      ? { ackTimeoutMs: Math.round(positive('--ack-timeout-ms', o.ackTimeoutMs, 1000)) }
      : {}),
  };
  const terminal = new NativeTerminal({ identity: id, runtime });
  try {
    if (o.pty) {
      const dev = await PtyDevice.open(terminal);
      return {
        address: dev.path,
        terminal,
        link: dev.link,
        close: async () => {
          await dev.close();
          terminal.dispose();
        },
      };
    }
    const url = new URL(o.listen ?? 'tcp://127.0.0.1:0');
    if (url.protocol !== 'tcp:') throw new TypeError(`--listen takes tcp://host:port, got "${o.listen}"`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const dev = await TcpDevice.listen(terminal, { host, port: Number(url.port || 0) });
    return {
      address: dev.url,
      terminal,
      link: dev.link,
      close: async () => {
        await dev.close();
        terminal.dispose();
      },
    };
  } catch (e) {
    terminal.dispose();
    throw e;
  }
}

export function registerFirmware({ program }: CliGroups): void {
  program
    .command('conformance')
    .description('run the native-protocol conformance suite against a device (exit 0: every check passed)')
    .requiredOption('--port <port>', 'serial port path, or tcp://host:port')
    .option('--baud <rate>', 'serial baud rate', '115200')
    .option('--heartbeat-ms <ms>', 'heartbeat interval to request from the device', '250')
    .option('--timeout-scale <factor>', 'multiply every deadline (slow links)', '1')
    .option('--json', 'print the report as JSON')
    .action(async (opts: ConformanceCommandOptions) => {
      process.exitCode = await conformanceCommand(opts, (s) => process.stdout.write(s));
    });

  program
    .command('virtual-terminal')
    .description('run the native virtual terminal (firmware SDK runtime); each stdin line is scanned')
    .option('--listen <url>', 'tcp://host:port to listen on', 'tcp://127.0.0.1:0')
    .option('--pty', 'expose it as a pseudo-terminal instead (Linux, python3)')
    .option('--vendor <name>', 'vendor in DeviceInfo')
    .option('--model <name>', 'model in DeviceInfo')
    .option('--firmware <version>', 'firmware version in DeviceInfo')
    .option('--serial <serial>', 'serial number in DeviceInfo')
    .option('--certified-model-id <id>', 'certified model id in DeviceInfo')
    .option('--heartbeat-ms <ms>', 'default heartbeat interval')
    .option('--ack-timeout-ms <ms>', 're-send an unacknowledged scan after this long')
    .action(async (opts: VirtualTerminalCommandOptions) => {
      const vt = await startVirtualTerminal(opts);
      process.stdout.write(`${JSON.stringify({ listening: vt.address, identity: vt.terminal.identity })}\n`);
      const lines = createInterface({ input: process.stdin, terminal: false });
      lines.on('line', (line) => {
        if (line.length > 0) vt.link.scan(line);
      });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      lines.close();
      await vt.close();
    });
}
