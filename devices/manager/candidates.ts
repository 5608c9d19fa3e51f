/**
 * Listings (`SerialPort.list()`, `HID.devicesAsync()`, sysfs) → candidates: one per interface,
 * each with a stable device key and a profile. The key identifies the physical device across
 * replugs and interfaces: VID/PID + serial number, else VID/PID + USB location, else the path
 * (only for ports with no USB identity, e.g. `/dev/ttyS0` or a pseudo-terminal).
 */
import { matchProfile, type ProfileMatch, type UsbMode, vendorProfile } from '../profiles.js';
import type { HidDeviceInfo, SerialPortInfo } from '../transports/native-types.js';
import type { DeviceIdentity } from '../types.js';

/** A serial listing, plus what Linux sysfs adds (bindings-cpp leaves `locationId` empty there). */
export interface SerialListing extends SerialPortInfo {
  readonly usbLocation?: string;
  readonly interfaceNumber?: number;
  readonly product?: string;
}

export interface Candidate {
  readonly key: string;
  readonly kind: 'serial' | 'hid';
  readonly identity: DeviceIdentity;
  readonly mode: UsbMode;
  readonly profile: ProfileMatch;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** `'0C2E'`, `'0c2e'`, `'0x0c2e'` → 0x0c2e (Windows lists upper case, Linux lower case). */
export function parseUsbId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,4}$/i.test(t)) return undefined;
  return Number.parseInt(t, 16);
}

/** The stable key of the physical device an interface belongs to. */
export function deviceKey(identity: DeviceIdentity): string {
  const { vid, pid, serialNumber, usbLocation } = identity;
  if (vid !== undefined && pid !== undefined) {
    const ids = `usb:${hex4(vid)}:${hex4(pid)}`;
    if (serialNumber) return `${ids}:sn:${serialNumber}`;
    if (usbLocation) return `${ids}@${usbLocation}`;
  }
  return `path:${identity.path}`;
}

function build(kind: 'serial' | 'hid', identity: DeviceIdentity): Candidate {
  const profile = matchProfile(identity, kind);
  return { key: deviceKey(identity), kind, identity, mode: profile.mode, profile };
}

type IdentityFields = { readonly [K in keyof DeviceIdentity]: DeviceIdentity[K] | undefined } & {
  readonly path: string;
};

/** Drops unknown (undefined or empty) fields, as `exactOptionalPropertyTypes` wants. */
function identityOf(fields: IdentityFields): DeviceIdentity {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''),
  ) as unknown as DeviceIdentity;
}

export function fromSerial(info: SerialListing): Candidate {
  const identity = identityOf({
    path: info.path,
    vid: parseUsbId(info.vendorId),
    pid: parseUsbId(info.productId),
    serialNumber: info.serialNumber,
    usbLocation: info.usbLocation,
    interfaceNumber: info.interfaceNumber,
    manufacturer: info.manufacturer,
    product: info.product,
  });
  return build('serial', identity);
}

/** HID entries without a path cannot be opened and are skipped. */
export function fromHid(dev: HidDeviceInfo): Candidate | undefined {
  if (!dev.path) return undefined;
  const identity = identityOf({
    path: dev.path,
    vid: dev.vendorId,
    pid: dev.productId,
    serialNumber: dev.serialNumber,
    interfaceNumber: dev.interface >= 0 ? dev.interface : undefined,
    usagePage: dev.usagePage,
    usage: dev.usage,
    manufacturer: dev.manufacturer,
    product: dev.product,
  });
  return build('hid', identity);
}

/**
 * Whether a candidate is worth listing as a scanner: a known scanner vendor, a HID POS
 * interface of any vendor, or (when asked) any USB serial port.
 */
export function isScannerCandidate(c: Candidate, includeUnknownSerial: boolean): boolean {
  if (vendorProfile(c.identity.vid)) return true;
  if (c.mode === 'hid-pos') return true;
  return includeUnknownSerial && c.kind === 'serial' && c.identity.vid !== undefined;
}
