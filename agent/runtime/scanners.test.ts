import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ScannerSession } from '../../devices/session/session.js';
import { DeviceError } from '../../devices/transports/errors.js';
import { ScannerSet } from './scanners.js';

/** A connected scanner whose beep and LED answer as told, counting the calls. */
function fakeSession(answer: { beep: () => Promise<void>; led: () => Promise<void> }) {
  const calls = { beep: 0, led: 0 };
  const s = Object.assign(new EventEmitter(), {
    driverName: 'raw',
    connected: true,
    claim: async () => {},
    enable: async () => {},
    info: () => undefined,
    beep: () => {
      calls.beep++;
      return answer.beep();
    },
    led: () => {
      calls.led++;
      return answer.led();
    },
  });
  return { session: s as unknown as ScannerSession, calls };
}

const unsupported = () => Promise.reject(new DeviceError('DEVICE_UNSUPPORTED', 'no beep command'));
const VALID = { verdict: 'VALID', by: 'hsm' } as const;

async function setWith(session: ScannerSession): Promise<ScannerSet> {
  const set = new ScannerSet({ logger: pino({ level: 'silent' }), onScan: () => {} });
  await set.adopt('d1', '/dev/x', session);
  return set;
}

describe('scanner feedback', () => {
  it('asks a driver without beep/LED commands once, not on every scan', async () => {
    const { session, calls } = fakeSession({ beep: unsupported, led: unsupported });
    const set = await setWith(session);
    for (let i = 0; i < 3; i++) await expect(set.feedback('d1', VALID)).resolves.toBeUndefined();
    expect(calls).toEqual({ beep: 1, led: 1 });
  });

  it('keeps asking for what the driver supports, and reports real failures', async () => {
    let fail = false;
    const { session, calls } = fakeSession({
      beep: () => (fail ? Promise.reject(new DeviceError('DEVICE_TIMEOUT', 'no ack')) : Promise.resolve()),
      led: unsupported,
    });
    const set = await setWith(session);
    await set.feedback('d1', VALID);
    await set.feedback('d1', VALID);
    expect(calls).toEqual({ beep: 2, led: 1 });
    fail = true;
    await expect(set.feedback('d1', VALID)).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    fail = false;
    await set.feedback('d1', VALID);
    expect(calls).toEqual({ beep: 4, led: 1 });
  });
});
