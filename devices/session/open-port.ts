/**
 * Opening one scanner by port string (what `ehc scan --port` and bench tools need): parse the
 * port (serial path, HID path, `usb:vid:pid`, `tcp://host:port`), pick the driver (given, or by
 * probing in the profile's order), connect a `ScannerSession`, and hand back a `Reconnector`
 * (not started) that reopens the same port.
 */
import type { DriverOptions, DriverRegistry } from '../drivers/registry.js';
import { DEFAULT_SERIAL_PROBE, matchProfile } from '../profiles.js';
import { type Clock, systemClock } from '../transports/clock.js';
import { DeviceError } from '../transports/errors.js';
import { createTransport, type PortSpec, parsePortSpec } from '../transports/port-spec.js';
import type { DeviceIdentity, DriverName, Transport, TransportKind } from '../types.js';
import { type ProbeAttempt, probeDriver } from './probe.js';
import { type BackoffOptions, Reconnector } from './reconnect.js';
import { ScannerSession } from './session.js';

export interface OpenPortOptions {
  readonly port: string;
  readonly registry: DriverRegistry;
  /** Skip probing and use this driver. */
  readonly driver?: DriverName;
  readonly baudRate?: number;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** What is known about the device at this port (VID/PID for the profile), e.g. from a listing. */
  readonly identity?: Omit<DeviceIdentity, 'path'>;
  /** Builds the transport; defaults to `createTransport` (tests inject mocks). */
  readonly transportFor?: (spec: PortSpec, identity: Omit<DeviceIdentity, 'path'> | undefined) => Transport;
  readonly clock?: Clock;
  readonly probeTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly queueLimit?: number;
}

export interface OpenedPort {
  readonly session: ScannerSession;
  readonly reconnector: Reconnector;
  readonly driverName: DriverName;
  /** Drivers that did not answer before the chosen one (empty when `driver` was given). */
  readonly probeFailures: readonly ProbeAttempt[];
}

export function scannerIdFor(spec: PortSpec): string {
  switch (spec.kind) {
    case 'tcp':
      return spec.url;
    case 'usb':
      return `usb:${spec.vid.toString(16).padStart(4, '0')}:${spec.pid.toString(16).padStart(4, '0')}${spec.usbLocation ? `@${spec.usbLocation}` : ''}`;
    default:
      return `${spec.kind}:${spec.path}`;
  }
}

export async function openPort(options: OpenPortOptions): Promise<OpenedPort> {
  const spec = parsePortSpec(options.port);
  const clock = options.clock ?? systemClock;
  const make = () =>
    options.transportFor
      ? options.transportFor(spec, options.identity)
      : createTransport(spec, {
          ...(options.baudRate ? { baudRate: options.baudRate } : {}),
          ...(options.identity ? { identity: options.identity } : {}),
        });
  const first = make();
  const driverOptions: DriverOptions = {
    identity: first.identity,
    transportKind: first.kind,
    ...(options.settings ? { settings: options.settings } : {}),
  };
  let driverName = options.driver;
  let probeFailures: readonly ProbeAttempt[] = [];
  if (driverName === undefined) {
    const kind: TransportKind = spec.kind;
    const profile = matchProfile(first.identity, kind);
    // A HID path given without its usage (no listing): HID POS is the only HID protocol we speak.
    const unknownHid = kind === 'hid' && first.identity.usagePage === undefined;
    if (profile.unsupported && !unknownHid) {
      throw new DeviceError('DEVICE_UNSUPPORTED', `${options.port}: ${profile.unsupported}`);
    }
    const candidates: readonly DriverName[] = unknownHid
      ? ['hid-pos']
      : profile.probe.length > 0
        ? profile.probe
        : DEFAULT_SERIAL_PROBE;
    const probed = await probeDriver(first, {
      registry: options.registry,
      candidates,
      driverOptions,
      clock,
      ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}),
    });
    driverName = probed.driverName;
    probeFailures = probed.failed;
  }
  const name = driverName;
  if (!options.registry.has(name)) {
    throw new DeviceError('DRIVER_UNKNOWN', `driver "${name}" is not part of this build`);
  }
  const session = new ScannerSession({
    id: scannerIdFor(spec),
    driverName: name,
    identity: first.identity,
    clock,
    createDriver: () => options.registry.create(name, driverOptions),
    ...(options.queueLimit ? { queueLimit: options.queueLimit } : {}),
  });
  await session.connect(first);
  const reconnector = new Reconnector(session, make, {
    clock,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  return { session, reconnector, driverName: name, probeFailures };
}
