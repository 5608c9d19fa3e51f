import { describe, expect, it } from 'vitest';
import type { EhcError } from '../../protocol/errors.js';
import { fakeDriver, silent } from '../../test/devices/support/fake-driver.js';
import { ManualClock } from '../../test/devices/support/manual-clock.js';
import { createRawDriver } from '../drivers/raw/index.js';
import { MockTransport } from '../transports/mock.js';
import type { Driver, ScanEvent, ScannerStatus } from '../types.js';
import { ScannerSession } from './session.js';

const settle = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

function setup(options: { queueLimit?: number; createDriver?: () => Driver } = {}) {
  const clock = new ManualClock();
  const drivers: Driver[] = [];
  const session = new ScannerSession({
    id: 'usb-0c2e-0b01-SN1',
    driverName: 'raw',
    identity: { path: 'mock://0', vid: 0x0c2e },
    clock,
    createDriver: () => {
      const d = options.createDriver?.() ?? createRawDriver();
      drivers.push(d);
      return d;
    },
    ...(options.queueLimit ? { queueLimit: options.queueLimit } : {}),
  });
  const scans: ScanEvent[] = [];
  const statuses: ScannerStatus[] = [];
  const errors: EhcError[] = [];
  session.on('status', (s) => statuses.push(s));
  session.on('error', (e) => errors.push(e));
  return { clock, session, drivers, scans, statuses, errors };
}

describe('ScannerSession', () => {
  it('goes closed → opened → claimed → enabled and delivers every scan in order without re-arming', async () => {
    const { session, scans, statuses } = setup();
    session.on('scan', (s) => scans.push(s));
    const t = new MockTransport();
    expect(session.state).toBe('closed');
    const info = await session.connect(t);
    expect(info.model).toBe('raw-text scanner');
    expect(session.state).toBe('opened');
    await session.claim();
    await session.enable();
    for (let i = 0; i < 20; i++) t.feed(`SCAN-${i}\r`);
    await settle();
    expect(scans.map((s) => s.text)).toEqual(Array.from({ length: 20 }, (_, i) => `SCAN-${i}`));
    expect(scans.every((s) => s.deviceId === 'usb-0c2e-0b01-SN1')).toBe(true);
    expect(statuses.map((s) => `${s.state}/${s.connected}`)).toEqual([
      'opened/true',
      'claimed/true',
      'enabled/true',
    ]);
    await session.close();
    expect(session.state).toBe('closed');
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', connected: false });
    expect(t.isOpen).toBe(false);
  });

  it('ignores (and counts) scans while not enabled, and refuses out-of-order calls', async () => {
    const { session, scans } = setup();
    session.on('scan', (s) => scans.push(s));
    await expect(session.claim()).rejects.toMatchObject({ code: 'SCANNER_STATE' });
    const t = new MockTransport();
    await session.connect(t);
    await expect(session.enable()).rejects.toMatchObject({ code: 'SCANNER_STATE' });
    await expect(session.beep('good')).rejects.toMatchObject({ code: 'SCANNER_STATE' });
    t.feed('EARLY\r');
    await settle();
    await session.claim();
    await expect(session.beep('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await session.enable();
    t.feed('LATE\r');
    await settle();
    await session.disable();
    t.feed('AFTER\r');
    await settle();
    expect(scans.map((s) => s.text)).toEqual(['LATE']);
    expect(session.sessionStats().ignored).toBe(2);
    await expect(session.connect(new MockTransport())).rejects.toMatchObject({ code: 'SCANNER_STATE' });
    await session.close();
  });

  it('holds scans in a bounded queue until a listener comes, dropping the oldest', async () => {
    const { session } = setup({ queueLimit: 3 });
    const t = new MockTransport();
    await session.connect(t);
    await session.claim();
    await session.enable();
    for (const s of ['A', 'B', 'C', 'D', 'E']) t.feed(`${s}\r`);
    await settle();
    expect(session.sessionStats()).toMatchObject({ queued: 3, queueDropped: 2, delivered: 0 });
    const got: string[] = [];
    session.on('scan', (s) => got.push(s.text));
    await settle();
    expect(got).toEqual(['C', 'D', 'E']);
    expect(session.sessionStats()).toMatchObject({ queued: 0, delivered: 3 });
    await session.close();
  });

  it('unplug mid-frame: one disconnected status, partial frame dropped and counted, no scan from it', async () => {
    const { session, scans, statuses, clock } = setup();
    session.on('scan', (s) => scans.push(s));
    const t = new MockTransport();
    await session.connect(t);
    await session.claim();
    await session.enable();
    t.feed('WHOLE\rPART');
    await settle();
    t.unplug();
    t.unplug();
    await settle();
    clock.advance(10_000);
    await settle();
    expect(scans.map((s) => s.text)).toEqual(['WHOLE']);
    expect(statuses.filter((s) => !s.connected)).toHaveLength(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'enabled', connected: false });
    expect(session.stats()).toMatchObject({ scans: 1, partialDropped: 1 });
    expect(clock.pendingTimers).toBe(0);
    await expect(session.trigger(true)).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });

    // Reconnect: same id, still enabled, a fresh driver, counters carried over.
    const t2 = new MockTransport({ identity: { path: 'mock://1' } });
    await session.connect(t2);
    expect(session.identity.path).toBe('mock://1');
    expect(statuses.at(-1)).toMatchObject({ state: 'enabled', connected: true });
    t2.feed('AGAIN\r');
    await settle();
    expect(scans.map((s) => [s.text, s.deviceId])).toEqual([
      ['WHOLE', 'usb-0c2e-0b01-SN1'],
      ['AGAIN', 'usb-0c2e-0b01-SN1'],
    ]);
    expect(session.stats()).toMatchObject({ scans: 2, partialDropped: 1 });
    expect(session.sessionStats()).toMatchObject({ connects: 2, disconnects: 1 });
    await session.close();
  });

  it('a driver that does not start in time fails the connect and closes the transport', async () => {
    const hang = fakeDriver('raw', silent);
    const { session, clock } = setup({ createDriver: () => hang });
    const t = new MockTransport();
    const p = session.connect(t);
    await settle();
    clock.advance(5000);
    await expect(p).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    expect(t.isOpen).toBe(false);
    expect(session.connected).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    expect(hang.resets).toEqual([{ reason: 'closed' }]);
  });

  it('driver errors reach error listeners; without one they are kept, never thrown', async () => {
    const { session, errors } = setup({ createDriver: () => createRawDriver({ maxFrameBytes: 4 }) });
    const t = new MockTransport();
    await session.connect(t);
    t.feed('TOOLONG\r');
    await settle();
    expect(errors.map((e) => e.code)).toEqual(['DEVICE_MESSAGE_TOO_LARGE']);
    session.removeAllListeners('error');
    t.feed('AGAINTOOLONG\r');
    await settle();
    expect(session.lastError?.code).toBe('DEVICE_MESSAGE_TOO_LARGE');
    expect(session.sessionStats().unobservedErrors).toBe(1);
    await session.close();
  });

  it('a throwing scan listener is reported and does not stop delivery', async () => {
    const { session, errors } = setup();
    const got: string[] = [];
    session.on('scan', (s) => {
      got.push(s.text);
      if (s.text === 'BOOM') throw new Error('listener bug');
    });
    const t = new MockTransport();
    await session.connect(t);
    await session.claim();
    await session.enable();
    t.feed('BOOM\rNEXT\r');
    await settle();
    expect(got).toEqual(['BOOM', 'NEXT']);
    expect(errors.map((e) => e.code)).toEqual(['SCANNER_LISTENER_FAILED']);
    await session.close();
  });
});
