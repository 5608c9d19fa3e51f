/**
 * Where the manager's listings come from. Injected: tests pass plain functions; production uses
 * `systemListers()`: `SerialPort.list()` from bindings-cpp (enriched on Linux with the sysfs USB
 * location, and replaced by the sysfs listing when `list()` fails, e.g. `udevadm` missing) and
 * node-hid's `devicesAsync()`. `usb` attach/detach events trigger a re-listing.
 */
import { DeviceError } from '../transports/errors.js';
import { type NativeLoader, nativeLoader } from '../transports/native.js';
import type { HidDeviceInfo, UsbDeviceHandle } from '../transports/native-types.js';
import type { SerialListing } from './candidates.js';
import { sysfsSerialPorts } from './sysfs.js';

export interface DeviceListers {
  readonly serial?: () => Promise<readonly SerialListing[]>;
  readonly hid?: () => Promise<readonly HidDeviceInfo[]>;
}

/** The part of `usb`'s hot-plug emitter the manager uses. */
export interface HotplugSource {
  on(event: 'attach' | 'detach', listener: (device: UsbDeviceHandle) => void): void;
  removeListener(event: 'attach' | 'detach', listener: (device: UsbDeviceHandle) => void): void;
}

export interface SystemListerOptions {
  readonly loader?: NativeLoader;
  readonly platform?: NodeJS.Platform;
  readonly sysfsRoot?: string;
}

async function serialList(o: SystemListerOptions): Promise<SerialListing[]> {
  const linux = (o.platform ?? process.platform) === 'linux';
  let listed: SerialListing[];
  try {
    const binding = await (o.loader ?? nativeLoader).serialBinding();
    listed = await binding.list();
  } catch (e) {
    if (!linux) throw new DeviceError('DEVICE_LIST_FAILED', 'listing serial ports failed', { cause: e });
    // bindings-cpp spawns `udevadm` on Linux; without it, read sysfs directly.
    return sysfsSerialPorts(o.sysfsRoot);
  }
  if (!linux) return listed;
  const sys = new Map((await sysfsSerialPorts(o.sysfsRoot)).map((p) => [p.path, p]));
  return listed.map((p) => {
    const s = sys.get(p.path);
    if (!s) return p;
    return {
      ...p,
      ...(s.usbLocation ? { usbLocation: s.usbLocation } : {}),
      ...(s.interfaceNumber !== undefined ? { interfaceNumber: s.interfaceNumber } : {}),
      ...(p.serialNumber === undefined && s.serialNumber ? { serialNumber: s.serialNumber } : {}),
    };
  });
}

export function systemListers(options: SystemListerOptions = {}): DeviceListers {
  return {
    serial: () => serialList(options),
    hid: async () => {
      const hid = await (options.loader ?? nativeLoader).hid();
      try {
        return await hid.devicesAsync();
      } catch (e) {
        throw new DeviceError('DEVICE_LIST_FAILED', 'listing HID devices failed', { cause: e });
      }
    },
  };
}

/**
 * `usb`'s hot-plug events, or undefined when the usb stack cannot load. The events are unref'd:
 * they never keep the process alive on their own.
 */
export async function systemHotplug(loader: NativeLoader = nativeLoader): Promise<HotplugSource | undefined> {
  try {
    const usb = await loader.usb();
    usb.usb.unrefHotplugEvents();
    return usb.usb;
  } catch {
    return undefined;
  }
}
