import type { DeviceEngine } from '../../../../firmware-sdk/virtual/types.js';

/** A device that never answers (for the "nothing answers the probe" tests). */
export function silentEngine(): DeviceEngine {
  return {
    protocol: 'none',
    identity: { vendor: '', model: '', firmware: '', serial: '' },
    attach: () => undefined,
    receive: () => undefined,
    scan: () => undefined,
    state: {},
  };
}

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
