/** A `DriverIo` that records what a driver did, on a manual clock. */

import type { DriverIo, ScanEvent } from '../../../devices/types.js';
import type { EhcError } from '../../../protocol/errors.js';
import { ManualClock } from './manual-clock.js';

export interface RecordingIo extends DriverIo {
  readonly clock: ManualClock;
  readonly scans: Omit<ScanEvent, 'deviceId'>[];
  readonly errors: EhcError[];
  readonly writes: Uint8Array[];
}

export function recordingIo(clock = new ManualClock()): RecordingIo {
  const scans: Omit<ScanEvent, 'deviceId'>[] = [];
  const errors: EhcError[] = [];
  const writes: Uint8Array[] = [];
  return {
    clock,
    scans,
    errors,
    writes,
    write: async (d) => {
      writes.push(Uint8Array.from(d));
    },
    emitScan: (s) => scans.push(s),
    emitError: (e) => errors.push(e),
    now: () => clock.nowNs(),
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
  };
}
