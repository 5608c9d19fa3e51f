import { payloadFields } from '../../text/index.js';
import type { ScanEvent } from '../../types.js';
import type { HidPosProfile } from './profiles.js';
import type { HidPosEvent } from './report-decoder.js';

/**
 * A reassembled HID POS message → ScanEvent fields. The AIM id travels in its own report field;
 * it is put back in front of the data so the shared text layer strips and interprets it (and any
 * ECI escapes) exactly as for serial scanners. The vendor code id is the fallback symbology.
 */
export function hidPosScan(
  msg: Extract<HidPosEvent, { type: 'message' }>,
  profile: Pick<HidPosProfile, 'codeIdFormat' | 'codeIds'> | undefined,
): Omit<ScanEvent, 'deviceId'> {
  const raw = msg.aim ? Uint8Array.from([...msg.aim, ...msg.data]) : msg.data;
  const code = msg.codeId;
  const codeText =
    code === undefined
      ? undefined
      : profile?.codeIdFormat === 'char' && code >= 0x20 && code < 0x7f
        ? String.fromCharCode(code)
        : `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  const vendorSymbology = codeText === undefined ? undefined : profile?.codeIds?.[codeText];
  const { valid: _valid, ...fields } = payloadFields(raw, vendorSymbology ? { vendorSymbology } : {});
  return {
    ...fields,
    ...(codeText === undefined ? {} : { vendorCode: codeText }),
    firstByteNs: msg.firstNs,
    lastByteNs: msg.lastNs,
  };
}
