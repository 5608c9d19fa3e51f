/**
 * Driver names → factories. Each driver lives in `devices/drivers/<name>/index.ts` and exports
 * `create<Name>Driver(options)`; its module is imported lazily, the first time a device needs it.
 * Adding a driver is one entry in `LOADERS`.
 *
 * `DriverOptions.settings` carries driver-specific settings from untyped sources (CLI flags,
 * configuration); each driver's constructor validates its own and rejects bad ones with
 * `DEVICE_BAD_OPTIONS`.
 */
import { DeviceError } from '../transports/errors.js';
import type { DeviceIdentity, Driver, DriverName, TransportKind } from '../types.js';

export interface DriverOptions {
  /** What discovery knows about the device (profile hints, DeviceInfo fallbacks). */
  readonly identity?: DeviceIdentity;
  readonly transportKind?: TransportKind;
  readonly settings?: Readonly<Record<string, unknown>>;
}

export type DriverFactory = (options: DriverOptions) => Driver;
type Loader = () => Promise<DriverFactory>;

export const DRIVER_NAMES: readonly DriverName[] = [
  'raw',
  'zebra-ssi',
  'honeywell',
  'newland',
  'grow',
  'hid-pos',
  'native',
];

/** The settings, typed as the driver's own options (its constructor validates them). */
function settingsAs<T>(o: DriverOptions): T {
  return { ...(o.settings ?? {}) } as T;
}

const LOADERS: { readonly [N in DriverName]?: Loader } = {
  raw: async () => {
    const m = await import('./raw/index.js');
    return (o) =>
      m.createRawDriver(m.rawOptionsFromSettings(o.settings, o.identity ? { identity: o.identity } : {}));
  },
  'zebra-ssi': async () => {
    const m = await import('./zebra-ssi/index.js');
    return (o) => m.createZebraSsiDriver(settingsAs<import('./zebra-ssi/index.js').ZebraSsiOptions>(o));
  },
  honeywell: async () => {
    const m = await import('./honeywell/index.js');
    return (o) =>
      m.createHoneywellDriver({
        ...settingsAs<import('./honeywell/index.js').HoneywellOptions>(o),
        transport: o.transportKind === 'hid' ? 'hid' : 'serial',
      });
  },
  newland: async () => {
    const m = await import('./newland/index.js');
    return (o) => m.createNewlandDriver(settingsAs<import('./newland/index.js').NewlandOptions>(o));
  },
  grow: async () => {
    const m = await import('./grow/index.js');
    return (o) => m.createGrowDriver(settingsAs<import('./grow/index.js').GrowOptions>(o));
  },
  'hid-pos': async () => {
    const m = await import('./hid-pos/index.js');
    return (o) =>
      m.createHidPosDriver({
        ...settingsAs<import('./hid-pos/index.js').HidPosOptions>(o),
        ...(o.identity?.vid !== undefined ? { vid: o.identity.vid } : {}),
      });
  },
  native: async () => {
    const m = await import('./native/index.js');
    return (o) => {
      const settings = settingsAs<import('./native/index.js').NativeDriverOptions>(o);
      const dedupe = settings.dedupe ?? nativeDedupeFor(o.identity, () => new m.ScanDedupe());
      return m.createNativeDriver(dedupe ? { ...settings, dedupe } : settings);
    };
  },
};

/**
 * The native protocol's duplicate filter must outlive one connection: a terminal re-sends an
 * unacknowledged scan after a reconnect, and the new connection's driver must recognise it. One
 * filter per device (by serial number, else by port), kept for the most recent 256 devices.
 */
const nativeDedupes = new Map<string, unknown>();
function nativeDedupeFor<T>(identity: DeviceIdentity | undefined, make: () => T): T | undefined {
  if (!identity) return undefined;
  const key = identity.serialNumber ? `sn:${identity.serialNumber}` : `path:${identity.path}`;
  let d = nativeDedupes.get(key) as T | undefined;
  if (d === undefined) {
    d = make();
    nativeDedupes.set(key, d);
    if (nativeDedupes.size > 256) nativeDedupes.delete(nativeDedupes.keys().next().value as string);
  }
  return d;
}

export function isDriverName(name: string): name is DriverName {
  return (DRIVER_NAMES as readonly string[]).includes(name);
}

/** Drivers this build can create. */
export function registeredDrivers(): DriverName[] {
  return DRIVER_NAMES.filter((n) => LOADERS[n] !== undefined);
}

const cache = new Map<DriverName, Promise<DriverFactory>>();

export function loadDriverFactory(name: string): Promise<DriverFactory> {
  if (!isDriverName(name)) {
    return Promise.reject(
      new DeviceError('DRIVER_UNKNOWN', `unknown driver "${name}" (known: ${DRIVER_NAMES.join(', ')})`),
    );
  }
  const loader = LOADERS[name];
  if (!loader) {
    return Promise.reject(
      new DeviceError(
        'DRIVER_UNKNOWN',
        `driver "${name}" is not part of this build (available: ${registeredDrivers().join(', ')})`,
      ),
    );
  }
  let p = cache.get(name);
  if (!p) {
    p = loader();
    cache.set(name, p);
    p.catch(() => cache.delete(name));
  }
  return p;
}

export async function createDriver(name: string, options: DriverOptions = {}): Promise<Driver> {
  const factory = await loadDriverFactory(name);
  return factory(options);
}

/** The registry as an injectable dependency (the session's probe and the manager take one). */
export interface DriverRegistry {
  create(name: DriverName, options: DriverOptions): Promise<Driver>;
  has(name: DriverName): boolean;
}

export const driverRegistry: DriverRegistry = {
  create: (name, options) => createDriver(name, options),
  has: (name) => LOADERS[name] !== undefined,
};
