import type { Symbology } from '../../types.js';
import type { HidPosLayout } from './layout.js';

/**
 * Per-vendor HID POS layouts, for when the OS does not expose the report descriptor. Offsets
 * include the report id byte at 0. Sources and confidence: devices/README.md (HID POS section).
 */
export interface HidPosProfile {
  readonly name: string;
  readonly vendor: string;
  /** USB vendor ids this profile is chosen for. */
  readonly vids: readonly number[];
  readonly layout: HidPosLayout;
  /** How the code id byte is shown as `vendorCode`: an ASCII character or hex. */
  readonly codeIdFormat: 'char' | 'hex';
  /** Vendor code id → symbology (used when no AIM id came with the scan). */
  readonly codeIds?: Readonly<Record<string, Symbology>>;
}

/** Honeywell Code IDs [C for `s` = QR; the rest S: WebHID library table]. */
export const HONEYWELL_CODE_IDS: Readonly<Record<string, Symbology>> = {
  s: 'qr_code',
  w: 'data_matrix',
  z: 'aztec',
  r: 'pdf417',
  R: 'pdf417',
  j: 'code_128',
  b: 'code_39',
  d: 'ean_13',
  c: 'upc_a',
  D: 'ean_8',
  e: 'itf',
  H: 'han_xin',
};

/** Honeywell `usb2hidpos` layout: 64-byte report 2, trigger report 4 [C]. */
const HONEYWELL_LAYOUT: HidPosLayout = {
  input: {
    reportId: 0x02,
    length: 64,
    byteCount: 1,
    aim: 2,
    data: { offset: 5, length: 56 },
    codeId: 61,
    continued: { offset: 63, mask: 0x01 },
  },
  output: {
    type: 'flags',
    reportId: 0x04,
    length: 2,
    offset: 1,
    prevent: 0x02,
    initiate: 0x04,
    errorBeep: 0x20,
    goodBeep: 0x40,
  },
};

export const HID_POS_PROFILES: Readonly<Record<string, HidPosProfile>> = {
  honeywell: {
    name: 'honeywell',
    vendor: 'Honeywell',
    // Honeywell, Hand Held Products, Youjie (Honeywell's value brand behaves the same [S]).
    vids: [0x0c2e, 0x0536, 0x23d0],
    layout: HONEYWELL_LAYOUT,
    codeIdFormat: 'char',
    codeIds: HONEYWELL_CODE_IDS,
  },
  'access-is': {
    // Access-IS LSR116/118, ATR110 document the same 64-byte layout [C]; no VID in the notes.
    name: 'access-is',
    vendor: 'Access-IS',
    vids: [],
    layout: { input: HONEYWELL_LAYOUT.input },
    codeIdFormat: 'hex',
  },
  'newland-fm430': {
    // Newland FM430 [S: JS driver comments]: [02][len][56 data][4 reserved][symbology id];
    // output report 4 = [04][len][command]; trigger <SOH>T<EOT> / <SOH>P<EOT> [S, U].
    // No continuation flag is documented: payloads over 56 bytes are not supported [U].
    name: 'newland-fm430',
    vendor: 'Newland',
    vids: [0x1eab],
    layout: {
      input: { reportId: 0x02, length: 63, byteCount: 1, data: { offset: 2, length: 56 }, codeId: 62 },
      output: {
        type: 'command',
        reportId: 0x04,
        length: 64,
        triggerOn: Uint8Array.of(0x01, 0x54, 0x04),
        triggerOff: Uint8Array.of(0x01, 0x50, 0x04),
      },
    },
    codeIdFormat: 'hex',
  },
};

export function profileForVid(vid: number | undefined): HidPosProfile | undefined {
  if (vid === undefined) return undefined;
  return Object.values(HID_POS_PROFILES).find((p) => p.vids.includes(vid));
}
