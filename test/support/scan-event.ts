// A ScanEvent as a scanner would hand it up, for tests that feed the pipeline directly.
import type { ScanEvent } from '../../devices/types.js';

export function scanEvent(text: string, deviceId = 'd1'): ScanEvent {
  const t = process.hrtime.bigint();
  return {
    deviceId,
    bytes: Buffer.from(text),
    text,
    charset: 'ascii',
    charsetSource: 'heuristic',
    symbology: 'qr_code',
    symbologySource: 'none',
    firstByteNs: t,
    lastByteNs: t,
  };
}
