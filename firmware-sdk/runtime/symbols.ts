import type { ScanMessage, WireCharset, WireSymbology } from '../../protocol/device/messages.js';
import type { DecodedSymbol } from '../hal/types.js';

/** The AIM identifier (ISO/IEC 15424) a reader reports for a symbology with default options. */
const AIM: Partial<Record<WireSymbology, string>> = {
  qr_code: 'Q1',
  micro_qr_code: 'Q1',
  data_matrix: 'd1',
  pdf417: 'L0',
  aztec: 'z0',
  han_xin: 'h0',
  code_128: 'C0',
  code_39: 'A0',
  ean_13: 'E0',
  ean_8: 'E4',
  upc_a: 'E0',
  itf: 'I0',
};

export function aimIdFor(symbology: WireSymbology): string {
  return AIM[symbology] ?? '';
}

export interface ScanSettings {
  /** `auto`: the symbol's own charset (or none); otherwise declared for every scan. */
  readonly charset: string;
  readonly aimId: boolean;
}

/** Builds the scan report for a decoded symbol (without `attempt`, set on each send). */
export function scanReport(
  symbol: DecodedSymbol,
  scanSeq: number,
  bootId: number,
  deviceTimeUs: number,
  settings: ScanSettings,
): Omit<ScanMessage, 'attempt'> {
  const declared: WireCharset =
    settings.charset === 'utf-8' || settings.charset === 'gbk'
      ? settings.charset
      : (symbol.charset ?? 'unspecified');
  return {
    scanSeq,
    bootId,
    deviceTimeUs: Math.max(0, Math.floor(deviceTimeUs)),
    payload: symbol.payload,
    symbology: symbol.symbology,
    charset: declared,
    eci: symbol.eci ?? 0,
    aimId: settings.aimId ? (symbol.aimId ?? aimIdFor(symbol.symbology)) : '',
    vendorCode: symbol.vendorCode ?? '',
  };
}
