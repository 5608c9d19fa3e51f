// ehc devices, ehc scan — the device layer (issue 5)
import {
  type DiscoveredDevice,
  type DiscoveryResult,
  discover,
  driverRegistry,
  isDriverName,
  lookupIdentity,
  type NativeStackStatus,
  nativeStatus,
  openPort,
  rawOptionsFromSettings,
  type ScanEvent,
  systemListers,
} from '../../devices/index.js';
import type { DriverName } from '../../devices/types.js';
import { EXIT, printJson, printJsonLine } from '../output.js';
import type { CliGroups } from '../types.js';

/** An error's message plus its cause chain (codes and messages), for the terminal. */
function describe(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 4; depth++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${code}: ${cur.message}` : cur.message);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      cur = undefined;
    }
  }
  return parts.join(' ← ');
}

function deviceJson(d: DiscoveredDevice) {
  const hex = (n: number | undefined) => (n === undefined ? null : n.toString(16).padStart(4, '0'));
  return {
    id: d.id,
    vendor: d.vendor ?? null,
    model: d.model ?? null,
    vid: hex(d.identity.vid),
    pid: hex(d.identity.pid),
    serialNumber: d.identity.serialNumber ?? null,
    usbLocation: d.identity.usbLocation ?? null,
    transport: d.transport,
    path: d.identity.path,
    mode: d.mode,
    driver: d.driver ?? null,
    probe: d.probe,
    usable: d.usable,
    confidence: d.confidence ?? null,
    reason: d.reason ?? null,
    hints: d.keyboard?.hints ?? [],
    interfaces: d.interfaces,
  };
}

function printDevicesText(native: readonly NativeStackStatus[], result: DiscoveryResult): void {
  const out: string[] = [];
  for (const s of native) {
    out.push(
      `${s.stack.padEnd(6)} ${s.available ? `ok${s.version ? ` (${s.version})` : ''}` : `unavailable: ${s.message}`}`,
    );
  }
  for (const e of result.errors) out.push(`listing ${e.source} failed: ${describe(e.error)}`);
  if (result.devices.length === 0) out.push('no scanners found');
  for (const d of result.devices) {
    const what = [d.vendor, d.model].filter(Boolean).join(' ') || 'unknown scanner';
    const how = d.usable ? `driver ${d.driver ?? `probe ${d.probe.join(' → ')}`}` : `not usable: ${d.reason}`;
    out.push(`${d.id}  ${what}  ${d.transport} ${d.identity.path}  ${d.mode}  ${how}`);
    for (const h of d.keyboard?.hints ?? []) out.push(`    → ${h}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

interface ScanOptions {
  port: string;
  driver?: string;
  baud?: string;
  terminator?: string;
  interByteTimeout?: string;
  maxFrame?: string;
  probeTimeout?: string;
  reconnect: boolean;
  json?: boolean;
}

function scanLine(s: ScanEvent) {
  return {
    text: s.text,
    symbology: s.symbology,
    aim: s.aimId ?? null,
    charset: s.charset,
    device: s.deviceId,
  };
}

async function runScan(opts: ScanOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`ehc scan: ${line}\n`);
  if (opts.driver !== undefined && !isDriverName(opts.driver)) {
    log(`unknown driver "${opts.driver}"`);
    process.exitCode = EXIT.usage;
    return;
  }
  const baudRate = opts.baud === undefined ? undefined : Number(opts.baud);
  const settings = {
    ...(opts.terminator !== undefined ? { terminator: opts.terminator } : {}),
    ...(opts.interByteTimeout !== undefined ? { interByteTimeoutMs: opts.interByteTimeout } : {}),
    ...(opts.maxFrame !== undefined ? { maxFrameBytes: opts.maxFrame } : {}),
  };
  let opened: Awaited<ReturnType<typeof openPort>>;
  try {
    if (baudRate !== undefined && !(Number.isInteger(baudRate) && baudRate > 0)) {
      throw new TypeError(`--baud "${opts.baud}" is not a positive integer`);
    }
    rawOptionsFromSettings(settings); // validate flags before opening anything
    // Without --driver, the vendor profile (found by the port's VID/PID) orders the probe.
    const identity = opts.driver === undefined ? await lookupIdentity(systemListers(), opts.port) : undefined;
    opened = await openPort({
      ...(identity ? { identity } : {}),
      port: opts.port,
      registry: driverRegistry,
      ...(opts.driver !== undefined ? { driver: opts.driver as DriverName } : {}),
      ...(baudRate !== undefined ? { baudRate } : {}),
      settings,
      ...(opts.probeTimeout !== undefined ? { probeTimeoutMs: Number(opts.probeTimeout) } : {}),
    });
  } catch (e) {
    log(`cannot open ${opts.port}: ${describe(e)}`);
    process.exitCode = EXIT.usage;
    return;
  }
  const { session, reconnector } = opened;
  session.on('error', (e) => log(`${session.id}: ${describe(e)}`));
  session.on('status', (s) =>
    log(`${session.id} ${s.state} (${s.connected ? 'connected' : 'disconnected'})`),
  );
  session.on('scan', (s) => {
    if (opts.json) printJsonLine(scanLine(s));
    else process.stdout.write(`${s.deviceId} ${s.symbology} ${s.charset}: ${s.text}\n`);
  });
  reconnector.on('failed', (e, next) => log(`reconnect failed (${describe(e)}); next try in ${next} ms`));
  for (const f of opened.probeFailures) log(`probe: ${f.driver} did not answer (${f.error.code})`);
  const info = session.info();
  log(`${opts.port}: driver ${opened.driverName}${info ? `, ${info.vendor} ${info.model}` : ''}`);
  await session.claim();
  await session.enable();
  if (opts.reconnect) reconnector.start();
  const ended = await new Promise<'signal' | 'gone'>((resolve) => {
    const finish = (why: 'signal' | 'gone') => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      session.off('status', onStatus);
      resolve(why);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal}: closing`);
      finish('signal');
    };
    const onStatus = (s: { connected: boolean }) => {
      if (!s.connected && !opts.reconnect) finish('gone');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    session.on('status', onStatus);
  });
  reconnector.stop();
  await session.close();
  log(`summary ${JSON.stringify({ ...session.stats(), ...session.sessionStats() })}`);
  process.exitCode = ended === 'signal' ? EXIT.ok : EXIT.negative;
}

export function registerDevices({ program }: CliGroups): void {
  program
    .command('devices')
    .description(
      'list attached scanners (known vendors, HID POS, keyboard-mode ones explained) and native stacks',
    )
    .option('--json', 'print {native, devices, errors} as JSON')
    .option('--all', 'also list USB serial ports of unknown vendors')
    .action(async (opts: { json?: boolean; all?: boolean }) => {
      const [native, result] = await Promise.all([
        nativeStatus(),
        discover(systemListers(), { includeUnknownSerial: opts.all ?? false }),
      ]);
      if (opts.json) {
        printJson({
          native,
          devices: result.devices.map(deviceJson),
          errors: result.errors.map((e) => ({
            source: e.source,
            code: e.error.code,
            message: e.error.message,
            ...(e.error.cause !== undefined ? { cause: describe(e.error.cause) } : {}),
          })),
        });
      } else {
        printDevicesText(native, result);
      }
      process.exitCode = EXIT.ok;
    });

  program
    .command('scan')
    .description('open one scanner and print each scan until SIGINT/SIGTERM')
    .requiredOption(
      '--port <port>',
      'serial path (/dev/ttyACM0, COM3, /dev/pts/N), HID path (hid:…), usb:vid:pid or tcp://host:port',
    )
    .option('--driver <name>', 'raw, zebra-ssi, honeywell, newland, grow, hid-pos or native (default: probe)')
    .option('--baud <rate>', 'serial baud rate (default 9600)')
    .option('--terminator <t>', 'raw driver: eol, cr, lf, crlf, none or hex:<bytes> (default eol)')
    .option(
      '--inter-byte-timeout <ms>',
      'raw driver: end a payload after this much silence (default 200, 0 = off)',
    )
    .option('--max-frame <bytes>', 'raw driver: largest payload kept (default 8192)')
    .option('--probe-timeout <ms>', 'per-driver probe limit (default 1500)')
    .option('--no-reconnect', 'end (exit code 1) when the device goes away instead of reopening it')
    .option('--json', 'print each scan as one JSON line {text, symbology, aim, charset, device}')
    .action((opts: ScanOptions) => runScan(opts));
}
