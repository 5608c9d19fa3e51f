import type { DriverStats } from '../../types.js';

/** A fresh `DriverStats` with every counter at zero (each driver owns and bumps its own). */
export function zeroDriverStats(): DriverStats {
  return {
    scans: 0,
    bytesSkipped: 0,
    badFrames: 0,
    partialDropped: 0,
    naks: 0,
    retries: 0,
    duplicates: 0,
  };
}
