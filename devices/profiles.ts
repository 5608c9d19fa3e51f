/**
 * Known scanner USB ids → vendor, USB personality and the driver to use, from
 * `research/scanner-protocols.md` §1.8, §2, §3.3 and §4.1. Confidence as in the notes: `C`
 * confirmed by two sources, `S` single source, `U` unverified — `S`/`U` entries are starting
 * points, and the manager falls back to probing when a profile's driver does not answer.
 *
 * Identity is VID/PID (+ serial number / USB location), never the OS path.
 */
import type { DeviceIdentity, DriverName, TransportKind } from './types.js';

export type Confidence = 'C' | 'S' | 'U';

/** The USB personality a device (or one of its interfaces) presents. */
export type UsbMode = 'serial' | 'hid-pos' | 'keyboard' | 'vendor-hid' | 'other';

export interface VendorProfile {
  readonly vid: number;
  readonly vendor: string;
  readonly confidence: Confidence;
  /** Drivers to try, in order, on this vendor's serial/CDC/TCP interfaces. */
  readonly serialProbe: readonly DriverName[];
  /** How to leave keyboard mode (shown when one is found in keyboard mode). */
  readonly keyboardHints: readonly string[];
}

export interface ModelProfile {
  readonly vid: number;
  readonly pid: number;
  readonly model: string;
  readonly mode: UsbMode;
  /** The driver for this personality; absent when we cannot drive it (keyboard, SNAPI, IBM). */
  readonly driver?: DriverName;
  readonly confidence: Confidence;
  readonly note?: string;
}

const GENERIC_KEYBOARD_HINT =
  "scan the 'USB COM port emulation / USB serial (CDC)' or 'USB HID POS' programming barcode in the scanner's user guide, then replug it";

export const VENDORS: readonly VendorProfile[] = [
  {
    vid: 0x05e0,
    vendor: 'Zebra (Symbol)',
    confidence: 'C',
    serialProbe: ['zebra-ssi', 'raw'],
    keyboardHints: [
      "scan 'USB CDC Host' (SSI over USB CDC, PID 0x1701) or 'Simple COM Port Emulation' (PID 0x0600) from the product reference guide",
      'SNAPI (PID 0x1900) and IBM hand-held (PID 0x1300) modes are not supported by this agent',
    ],
  },
  {
    vid: 0x0c2e,
    vendor: 'Honeywell',
    confidence: 'C',
    serialProbe: ['honeywell', 'raw'],
    keyboardHints: [
      "scan the 'USB Serial' (terminal ID 130, TRMUSB130) or 'USB HID POS' (terminal ID 131, PAP131) barcode from the user's guide",
    ],
  },
  {
    vid: 0x0536,
    vendor: 'Hand Held Products (Honeywell)',
    confidence: 'C',
    serialProbe: ['honeywell', 'raw'],
    keyboardHints: ["scan the 'USB Serial' (terminal ID 130) or 'USB HID POS' (terminal ID 131) barcode"],
  },
  {
    vid: 0x23d0,
    vendor: 'Youjie (Honeywell)',
    confidence: 'S',
    serialProbe: ['honeywell', 'raw'],
    keyboardHints: ["scan the 'USB Serial' or 'USB HID POS' barcode (Honeywell terminal IDs 130 / 131)"],
  },
  {
    vid: 0x1eab,
    vendor: 'Newland',
    confidence: 'C',
    serialProbe: ['newland', 'raw'],
    keyboardHints: [
      "scan the 'USB COM port emulation' or 'HID POS' interface barcode from the Newland user guide",
    ],
  },
  {
    vid: 0x05f9,
    vendor: 'Datalogic',
    confidence: 'C',
    serialProbe: ['raw'],
    keyboardHints: ["scan the 'USB-COM' or 'USB HID POS' interface barcode from the product reference guide"],
  },
  {
    vid: 0x067e,
    vendor: 'Intermec',
    confidence: 'S',
    serialProbe: ['raw'],
    keyboardHints: ["scan the 'USB HID POS' or 'USB serial' interface barcode"],
  },
  {
    vid: 0x6666,
    vendor: 'Hangzhou Grow (GM65/GM8xx)',
    confidence: 'S',
    serialProbe: ['grow', 'raw'],
    keyboardHints: [
      "scan the 'USB virtual COM' setting barcode from the module manual, or write the interface register with the Grow 7E 00 protocol over UART",
    ],
  },
];

export const MODELS: readonly ModelProfile[] = [
  {
    vid: 0x05e0,
    pid: 0x1701,
    model: 'SSI over USB CDC',
    mode: 'serial',
    driver: 'zebra-ssi',
    confidence: 'S',
  },
  {
    vid: 0x05e0,
    pid: 0x0600,
    model: 'simple COM port emulation',
    mode: 'serial',
    driver: 'raw',
    confidence: 'S',
  },
  { vid: 0x05e0, pid: 0x1200, model: 'HID keyboard', mode: 'keyboard', confidence: 'S' },
  {
    vid: 0x05e0,
    pid: 0x1300,
    model: 'IBM hand-held (USB OPOS)',
    mode: 'other',
    confidence: 'S',
    note: 'IBM OPOS personality is not supported; switch to USB CDC (SSI) or simple COM port emulation',
  },
  { vid: 0x05e0, pid: 0x1400, model: 'IBM table-top', mode: 'other', confidence: 'S' },
  {
    vid: 0x05e0,
    pid: 0x1900,
    model: 'SNAPI',
    mode: 'vendor-hid',
    confidence: 'S',
    note: 'SNAPI is Zebra-proprietary (not SSI); switch to USB CDC (SSI) mode',
  },
  { vid: 0x0c2e, pid: 0x1001, model: 'keyboard mode', mode: 'keyboard', confidence: 'U' },
  { vid: 0x1eab, pid: 0x1d10, model: 'FM430 (HID POS)', mode: 'hid-pos', driver: 'hid-pos', confidence: 'S' },
  {
    vid: 0x1eab,
    pid: 0x1d06,
    model: 'Rakinda LV3000U (serial)',
    mode: 'serial',
    driver: 'newland',
    confidence: 'S',
  },
  { vid: 0x067e, pid: 0x0809, model: 'SG20 (HID POS)', mode: 'hid-pos', driver: 'hid-pos', confidence: 'S' },
  {
    vid: 0x6666,
    pid: 0x7777,
    model: 'GM65/GM8xx virtual COM',
    mode: 'serial',
    driver: 'grow',
    confidence: 'S',
  },
];

export const HID_POS_USAGE_PAGE = 0x8c;
export const GENERIC_DESKTOP_PAGE = 0x01;
export const KEYBOARD_USAGE = 0x06;

export function vendorProfile(vid: number | undefined): VendorProfile | undefined {
  return vid === undefined ? undefined : VENDORS.find((v) => v.vid === vid);
}

export function modelProfile(vid: number | undefined, pid: number | undefined): ModelProfile | undefined {
  return vid === undefined || pid === undefined
    ? undefined
    : MODELS.find((m) => m.vid === vid && m.pid === pid);
}

export function isKeyboardInterface(identity: Pick<DeviceIdentity, 'usagePage' | 'usage'>): boolean {
  return identity.usagePage === GENERIC_DESKTOP_PAGE && identity.usage === KEYBOARD_USAGE;
}

/** The USB personality of one interface, from its HID usage or the model table. */
export function usbModeOf(identity: DeviceIdentity, kind: TransportKind): UsbMode {
  if (kind === 'hid') {
    if (identity.usagePage === HID_POS_USAGE_PAGE) return 'hid-pos';
    if (isKeyboardInterface(identity)) return 'keyboard';
    return modelProfile(identity.vid, identity.pid)?.mode === 'hid-pos' ? 'hid-pos' : 'vendor-hid';
  }
  if (kind === 'serial' || kind === 'tcp' || kind === 'mock') return 'serial';
  return 'other';
}

export interface ProfileMatch {
  readonly vendor?: VendorProfile;
  readonly model?: ModelProfile;
  readonly mode: UsbMode;
  /** The driver the profile names, if any (tried first). */
  readonly driver?: DriverName;
  /** Drivers to probe, in order, when there is no driver or it does not answer. */
  readonly probe: readonly DriverName[];
  /** Why this interface cannot be driven (keyboard mode, unsupported personality). */
  readonly unsupported?: string;
}

/** Default probe order for a serial-like channel with no profile (raw text last: it always answers). */
export const DEFAULT_SERIAL_PROBE: readonly DriverName[] = [
  'native',
  'zebra-ssi',
  'honeywell',
  'newland',
  'grow',
  'raw',
];

export function matchProfile(identity: DeviceIdentity, kind: TransportKind): ProfileMatch {
  const vendor = vendorProfile(identity.vid);
  const model = modelProfile(identity.vid, identity.pid);
  const mode = usbModeOf(identity, kind);
  const base = { ...(vendor ? { vendor } : {}), ...(model ? { model } : {}), mode };
  if (mode === 'keyboard') {
    return { ...base, probe: [], unsupported: 'keyboard mode: the operating system owns keyboard input' };
  }
  if (mode === 'hid-pos') return { ...base, driver: 'hid-pos', probe: ['hid-pos'] };
  if (mode === 'vendor-hid' || mode === 'other') {
    const note =
      model?.note ?? `a ${mode === 'other' ? 'USB' : 'vendor-defined HID'} interface we have no driver for`;
    return { ...base, probe: [], unsupported: note };
  }
  const probe = vendor?.serialProbe ?? DEFAULT_SERIAL_PROBE;
  const driver = model?.driver;
  return driver
    ? { ...base, driver, probe: [driver, ...probe.filter((d) => d !== driver)] }
    : { ...base, probe };
}

export function keyboardHintsFor(vid: number | undefined): readonly string[] {
  return vendorProfile(vid)?.keyboardHints ?? [GENERIC_KEYBOARD_HINT];
}
