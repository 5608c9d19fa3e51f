/**
 * Keyboard-mode scanners: a HID interface with usage page 0x01 / usage 0x06 (keyboard) from a
 * known scanner vendor. node-hid cannot read keyboards (the OS owns them; Windows and Linux
 * deliver the keystrokes to the focused window), and keyboard mode cannot carry Chinese text
 * reliably — so such a device is never silently dropped: it is reported with an explanation and
 * the vendor's way to switch it to a serial (CDC) or HID POS personality.
 */
import { isKeyboardInterface, keyboardHintsFor, modelProfile, vendorProfile } from '../../profiles.js';
import type { DeviceIdentity } from '../../types.js';

export interface KeyboardModeNotice {
  readonly code: 'KEYBOARD_MODE';
  readonly vendor: string;
  readonly path: string;
  /** One paragraph: what was found and why it cannot be used. */
  readonly message: string;
  /** What to do, most specific first. */
  readonly hints: readonly string[];
}

const hex4 = (n: number | undefined) => (n === undefined ? '????' : n.toString(16).padStart(4, '0'));

/**
 * Explains a keyboard-mode scanner, or returns undefined when the interface is not a keyboard
 * or its vendor is not a known scanner maker (ordinary keyboards are none of our business).
 * A keyboard-personality PID from the model table (e.g. Zebra 0x1200) counts even when the HID
 * usage is not reported.
 */
export function detectKeyboardMode(identity: DeviceIdentity): KeyboardModeNotice | undefined {
  const vendor = vendorProfile(identity.vid);
  if (!vendor) return undefined;
  const keyboardModel = modelProfile(identity.vid, identity.pid)?.mode === 'keyboard';
  if (!isKeyboardInterface(identity) && !keyboardModel) return undefined;
  const name = identity.product ? `${vendor.vendor} ${identity.product}` : vendor.vendor;
  return {
    code: 'KEYBOARD_MODE',
    vendor: vendor.vendor,
    path: identity.path,
    message:
      `${name} (${hex4(identity.vid)}:${hex4(identity.pid)}) is in USB keyboard mode: its scans are typed ` +
      'into whichever window has focus, node-hid cannot read keyboard interfaces, and Chinese text does ' +
      'not survive keyboard emulation. Switch it to USB serial (CDC) or HID POS mode.',
    hints: [
      ...keyboardHintsFor(identity.vid),
      'then run `ehc devices` again: the scanner should be listed with a driver',
    ],
  };
}
