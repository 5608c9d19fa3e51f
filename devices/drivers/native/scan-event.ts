import type { ScanMessage } from '../../../protocol/device/messages.js';
import { parseAimPrefix } from '../../text/aim.js';
import { charsetForEci, decodePayload } from '../../text/charset.js';
import type { Charset, MonoNs, ScanEvent } from '../../types.js';

/**
 * A native scan report → the ScanEvent the session delivers. The payload is exact (the native
 * protocol carries the AIM id and charset in their own fields, so nothing is stripped from it);
 * the charset is the ECI's, else the one the device declared, else the UTF-8-else-GBK heuristic.
 */
export function nativeScanEvent(
  s: ScanMessage,
  firstByteNs: MonoNs,
  lastByteNs: MonoNs,
): { readonly event: Omit<ScanEvent, 'deviceId'>; readonly valid: boolean } {
  const eciCharset = s.eci > 0 ? charsetForEci(s.eci) : undefined;
  const deviceCharset: Charset | undefined = s.charset === 'unspecified' ? undefined : s.charset;
  const decoded = decodePayload(s.payload, eciCharset ?? deviceCharset);
  const aim = s.aimId ? parseAimPrefix(new TextEncoder().encode(`]${s.aimId}`)) : undefined;
  const symbology = s.symbology !== 'unknown' ? s.symbology : (aim?.symbology ?? 'unknown');
  const event: Omit<ScanEvent, 'deviceId'> = {
    bytes: s.payload,
    text: decoded.text,
    charset: decoded.charset,
    charsetSource: eciCharset ? 'eci' : deviceCharset ? 'device' : 'heuristic',
    symbology,
    symbologySource: s.symbology !== 'unknown' ? 'vendor' : aim ? 'aim' : 'none',
    firstByteNs,
    lastByteNs,
    deviceSeq: s.scanSeq,
    ...(s.aimId ? { aimId: s.aimId } : {}),
    ...(s.vendorCode ? { vendorCode: s.vendorCode } : {}),
  };
  return { event, valid: decoded.valid };
}
