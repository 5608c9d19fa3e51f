import type { DriverStats } from '../../types.js';
import { zeroDriverStats } from '../common/stats.js';

export interface NativeDriverStats extends DriverStats {
  heartbeats: number;
  /** Times the device fell silent for longer than the miss factor allows. */
  heartbeatsMissed: number;
  /** Device envelopes whose seq skipped ahead (frames lost on the wire). */
  seqGaps: number;
  /** Frames with a good CRC but no valid envelope. */
  badMessages: number;
  /** Frame headers announcing more than the maximum payload, or an unknown version. */
  oversize: number;
  /** Scans the device reported dropping from its full queue. */
  lostScans: number;
  acksSent: number;
}

export function zeroNativeStats(): NativeDriverStats {
  return {
    ...zeroDriverStats(),
    heartbeats: 0,
    heartbeatsMissed: 0,
    seqGaps: 0,
    badMessages: 0,
    oversize: 0,
    lostScans: 0,
    acksSent: 0,
  };
}
