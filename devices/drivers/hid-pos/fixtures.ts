/**
 * Report descriptors used as test vectors and by the virtual HID POS devices.
 *
 * `HONEYWELL_HIDPOS_DESCRIPTOR`: the 144-byte (0x90) report descriptor of Honeywell's "USB HID for
 * OEM POS" firmware interface (VID 0x0536), byte values as published: scanned-data report 2
 * (byte count, 3 AIM bytes, 56 buffered data bytes, code id, reserved, 8 "continued" bits),
 * trigger report 4 (flag bits), feature report 254 (output redirection), output report 253
 * (serial data stream: length + 62 bytes).
 */
const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

export const HONEYWELL_HIDPOS_DESCRIPTOR = h(`
  05 8c 09 02 a1 01 09 12 a1 02 85 02 15 00 26 ff 00 75 08 95 01 05 01 09 3b 81 02
  95 03 05 8c 09 fb 09 fc 09 fd 81 02 95 38 09 fe 82 02 01 06 66 ff 95 02 09 04 09 00
  81 02 05 8c 25 01 75 01 95 08 09 ff 81 02 c0
  09 14 a1 02 85 04 15 00 25 01 75 01 95 08 09 00 09 5f 09 60 09 00 09 00 09 85 09 86
  91 86 c0
  06 66 ff 75 08 26 ff 00 09 03 a1 02 85 fe 95 01 09 03 b2 82 01 c0
  09 01 a1 02 85 fd 95 01 09 21 91 02 95 3e 09 22 92 82 01 c0
  c0`);

/** A keyboard's boot report descriptor (no HID POS usages): what a keyboard-mode scanner shows. */
export const BOOT_KEYBOARD_DESCRIPTOR = h(`
  05 01 09 06 a1 01 05 07 19 e0 29 e7 15 00 25 01 75 01 95 08 81 02 95 01 75 08 81 01
  95 05 75 01 05 08 19 01 29 05 91 02 95 01 75 03 91 01 95 06 75 08 15 00 25 65 05 07
  19 00 29 65 81 00 c0`);
