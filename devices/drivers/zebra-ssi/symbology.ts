import type { Symbology } from '../../types.js';

/**
 * SSI DECODE_DATA barcode type byte → canonical symbology ([C], research notes §1.6). Types not in
 * the canonical set map to `unknown`; the raw byte always travels as the scan's `vendorCode`.
 */
const TYPE_TO_SYMBOLOGY: ReadonlyMap<number, Symbology> = new Map<number, Symbology>([
  [0x01, 'code_39'],
  [0x13, 'code_39'], // Code 39 Full ASCII
  [0x03, 'code_128'],
  [0x0f, 'code_128'], // GS1-128
  [0x06, 'itf'],
  [0x08, 'upc_a'],
  [0x0a, 'ean_8'],
  [0x0b, 'ean_13'],
  [0x11, 'pdf417'],
  [0x28, 'pdf417'], // Macro PDF-417
  [0x1b, 'data_matrix'],
  [0xc1, 'data_matrix'], // GS1 Data Matrix
  [0x1c, 'qr_code'],
  [0x29, 'qr_code'], // Macro QR
  [0xc2, 'qr_code'], // GS1 QR
  [0x2c, 'micro_qr_code'],
  [0x2d, 'aztec'],
  [0xb7, 'han_xin'],
]);

export function ssiSymbology(type: number): Symbology {
  return TYPE_TO_SYMBOLOGY.get(type) ?? 'unknown';
}

/** The type byte as the scan's `vendorCode`, e.g. `0x1C`. */
export function ssiVendorCode(type: number): string {
  return `0x${type.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Canonical symbology → the type byte a device sends (the virtual device uses this). */
export const SSI_TYPE_FOR: Readonly<Record<'qr_code' | 'data_matrix' | 'code_128' | 'pdf417', number>> = {
  qr_code: 0x1c,
  data_matrix: 0x1b,
  code_128: 0x03,
  pdf417: 0x11,
};
