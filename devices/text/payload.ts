import type { Charset, ScanEvent, Symbology } from '../types.js';
import { parseAimPrefix, parseEciDesignator, unescapeEciData } from './aim.js';
import { charsetForEci, decodePayload } from './charset.js';

/**
 * Turns a scanner's payload bytes (terminator already removed) into the text fields of a
 * ScanEvent: strips an AIM prefix and an ECI designator, then decodes with the ECI charset or the
 * UTF-8-else-GBK heuristic. Every driver uses this, so text handling is the same for every vendor.
 */
export interface PayloadFields {
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly charset: Charset;
  readonly charsetSource: ScanEvent['charsetSource'];
  readonly aimId?: string;
  readonly symbology: Symbology;
  readonly symbologySource: ScanEvent['symbologySource'];
  readonly valid: boolean;
}

export interface PayloadHints {
  /** Symbology the vendor protocol reported (SSI type byte, Honeywell code id). */
  readonly vendorSymbology?: Symbology;
  /** Charset the device declared (native protocol). */
  readonly deviceCharset?: Charset;
}

export function payloadFields(raw: Uint8Array, hints: PayloadHints = {}): PayloadFields {
  let data = raw;
  const aim = parseAimPrefix(data);
  if (aim) data = data.subarray(3);
  let eciCharset: Charset | undefined;
  const eci = parseEciDesignator(data);
  if (eci && (aim?.eci ?? true)) {
    eciCharset = charsetForEci(eci.eci);
    data = unescapeEciData(data.subarray(eci.length));
  }
  const hint = eciCharset ?? hints.deviceCharset;
  const decoded = decodePayload(data, hint);
  const charsetSource: ScanEvent['charsetSource'] = eciCharset
    ? 'eci'
    : hints.deviceCharset
      ? 'device'
      : 'heuristic';
  const symbology = aim?.symbology ?? hints.vendorSymbology ?? 'unknown';
  const symbologySource: ScanEvent['symbologySource'] = aim
    ? 'aim'
    : hints.vendorSymbology
      ? 'vendor'
      : 'none';
  const base = {
    bytes: data,
    text: decoded.text,
    charset: decoded.charset,
    charsetSource,
    symbology,
    symbologySource,
    valid: decoded.valid,
  };
  return aim ? { ...base, aimId: aim.aimId } : base;
}
