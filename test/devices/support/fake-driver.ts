/** A scriptable `Driver` for session, probe and manager tests (behaviour chosen per test). */
import type { DeviceInfo, DisconnectCause, Driver, DriverIo, DriverName } from '../../../devices/types.js';

export interface FakeDriver extends Driver {
  readonly resets: DisconnectCause[];
  readonly received: Uint8Array[];
}

export const FAKE_INFO: DeviceInfo = { vendor: 'Fake', model: 'F1', firmware: '1.0', serial: 'F-1' };

export function fakeDriver(
  name: DriverName,
  start: (io: DriverIo) => Promise<DeviceInfo> = async () => FAKE_INFO,
): FakeDriver {
  const resets: DisconnectCause[] = [];
  const received: Uint8Array[] = [];
  return {
    name,
    capabilities: { trigger: true, beep: true, led: true, identity: true },
    stats: { scans: 0, bytesSkipped: 0, badFrames: 0, partialDropped: 0, naks: 0, retries: 0, duplicates: 0 },
    resets,
    received,
    start,
    receive: (chunk) => {
      received.push(Uint8Array.from(chunk));
    },
    reset: (cause) => {
      resets.push(cause);
    },
    enable: async () => undefined,
    trigger: async () => undefined,
    beep: async () => undefined,
    led: async () => undefined,
  };
}

/** A start() that never settles (a device that does not speak this protocol and stays silent). */
export const silent = (): Promise<DeviceInfo> => new Promise<DeviceInfo>(() => undefined);
