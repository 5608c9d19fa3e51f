import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fakeDriver, silent } from '../../test/devices/support/fake-driver.js';
import { ManualClock } from '../../test/devices/support/manual-clock.js';
import { createRawDriver } from '../drivers/raw/index.js';
import type { DriverRegistry } from '../drivers/registry.js';
import type { ScannerSession } from '../session/session.js';
import { DeviceError } from '../transports/errors.js';
import { MockTransport } from '../transports/mock.js';
import type { HidDeviceInfo, UsbDeviceHandle } from '../transports/native-types.js';
import type { Driver, DriverName } from '../types.js';
import type { SerialListing } from './candidates.js';
import type { DiscoveredDevice } from './dedupe.js';
import type { HotplugSource } from './listers.js';
import { DeviceManager } from './manager.js';

const settle = async (n = 6) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

const port = (path: string, serialNumber = 'SN1', productId = '0b01'): SerialListing => ({
  path,
  manufacturer: 'Honeywell',
  serialNumber,
  pnpId: undefined,
  locationId: undefined,
  vendorId: '0c2e',
  productId,
});

class FakeHotplug extends EventEmitter implements HotplugSource {
  override on(event: 'attach' | 'detach', l: (d: UsbDeviceHandle) => void): this {
    return super.on(event, l);
  }
  override removeListener(event: 'attach' | 'detach', l: (d: UsbDeviceHandle) => void): this {
    return super.removeListener(event, l);
  }
}

function harness(make: Partial<Record<DriverName, () => Driver>>) {
  const clock = new ManualClock();
  let serial: SerialListing[] = [];
  let hid: HidDeviceInfo[] = [];
  let listings = 0;
  const transports: MockTransport[] = [];
  const hotplug = new FakeHotplug();
  const registry: DriverRegistry = {
    has: (n) => make[n] !== undefined,
    create: async (n) => make[n]!(),
  };
  const manager = new DeviceManager({
    clock,
    hotplug,
    registry,
    listers: {
      serial: async () => {
        listings++;
        return serial;
      },
      hid: async () => hid,
    },
    openTransport: (d: DiscoveredDevice) => {
      const t = new MockTransport({ identity: d.identity });
      // Like a real port: opening a path that is no longer attached fails.
      const attached = [...serial.map((p) => p.path), ...hid.map((x) => x.path)].includes(d.identity.path);
      if (!attached)
        t.failNextOpen = Object.assign(new Error(`ENOENT ${d.identity.path}`), { code: 'ENOENT' });
      transports.push(t);
      return t;
    },
    pollIntervalMs: 1000,
    probeTimeoutMs: 100,
    backoff: { initialDelayMs: 50, maxDelayMs: 400 },
  });
  const scanners: ScannerSession[] = [];
  const failures: string[] = [];
  manager.on('scanner', (s) => scanners.push(s));
  manager.on('open-failed', (_d, e) => failures.push(e.code));
  return {
    clock,
    manager,
    transports,
    hotplug,
    scanners,
    failures,
    listings: () => listings,
    setSerial: (s: SerialListing[]) => {
      serial = s;
    },
    setHid: (h: HidDeviceInfo[]) => {
      hid = h;
    },
  };
}

describe('DeviceManager', () => {
  it('opens a discovered scanner, probing past a silent driver to raw text', async () => {
    const h = harness({ honeywell: () => fakeDriver('honeywell', silent), raw: () => createRawDriver() });
    h.setSerial([port('/dev/ttyACM0')]);
    const started = h.manager.start();
    await settle();
    h.clock.advance(100); // honeywell's probe times out
    await started;
    await settle();
    expect(h.scanners).toHaveLength(1);
    const s = h.scanners[0]!;
    expect(s.id).toBe('usb:0c2e:0b01:sn:SN1');
    expect(s.driverName).toBe('raw');
    expect(s.state).toBe('opened');
    expect(h.transports).toHaveLength(1);
    await h.manager.stop();
    expect(s.state).toBe('closed');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('reconnects by identity when the device comes back under another path, keeping the id', async () => {
    const h = harness({ raw: () => createRawDriver() });
    h.setSerial([port('/dev/ttyACM0', 'SN1', '0b02')]);
    // Datalogic-like single-driver profile would skip probing; here the Honeywell profile probes
    // honeywell first, which this registry does not have, so raw is used directly.
    await h.manager.start();
    await settle();
    const s = h.scanners[0]!;
    await s.claim();
    await s.enable();
    const got: string[] = [];
    s.on('scan', (e) => got.push(e.text));
    h.transports[0]!.feed('ONE\r');
    await settle();
    // Unplug: the listing loses it, the port reports it.
    h.setSerial([]);
    h.transports[0]!.unplug();
    await settle();
    expect(s.connected).toBe(false);
    h.clock.advance(50); // a back-off attempt before the next listing fails: the old path is gone
    await settle();
    expect(s.connected).toBe(false);
    expect(h.transports.every((t) => !t.isOpen)).toBe(true);
    h.clock.advance(1000); // the periodic listing marks it absent: attempts stop opening ports
    await settle();
    const opened = h.transports.length;
    h.clock.advance(400);
    await settle();
    expect(h.transports).toHaveLength(opened);
    // Replug as ttyACM1; a usb attach event triggers a listing after the debounce.
    h.setSerial([port('/dev/ttyACM1', 'SN1', '0b02')]);
    h.hotplug.emit('attach', {});
    h.clock.advance(250);
    await settle();
    expect(s.connected).toBe(true);
    expect(s.identity.path).toBe('/dev/ttyACM1');
    expect(h.scanners).toHaveLength(1);
    expect(s.state).toBe('enabled');
    h.transports.at(-1)!.feed('TWO\r');
    await settle();
    expect(got).toEqual(['ONE', 'TWO']);
    await h.manager.stop();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('drops a connection whose device vanished from listings without the port noticing', async () => {
    const h = harness({ raw: () => createRawDriver() });
    h.setSerial([port('/dev/ttyACM0')]);
    await h.manager.start();
    await settle();
    const s = h.scanners[0]!;
    expect(s.connected).toBe(true);
    h.setSerial([]);
    h.clock.advance(1000);
    await settle();
    expect(s.connected).toBe(true); // missing once
    h.clock.advance(1000);
    await settle();
    expect(s.connected).toBe(false); // missing twice: dropped, waiting for it to return
    expect(h.transports[0]!.isOpen).toBe(false);
    await h.manager.stop();
  });

  it('de-duplicates composite devices and announces keyboard-mode scanners once', async () => {
    const h = harness({ 'hid-pos': () => fakeDriver('hid-pos') });
    const notices: string[] = [];
    h.manager.on('keyboard', (n) => notices.push(n.vendor));
    h.setHid([
      {
        vendorId: 0x0c2e,
        productId: 0x0b87,
        serialNumber: 'H1',
        path: '/dev/hidraw0',
        usagePage: 1,
        usage: 6,
        release: 1,
        interface: 0,
      },
      {
        vendorId: 0x0c2e,
        productId: 0x0b87,
        serialNumber: 'H1',
        path: '/dev/hidraw1',
        usagePage: 0x8c,
        usage: 2,
        release: 1,
        interface: 1,
      },
      {
        vendorId: 0x05e0,
        productId: 0x1200,
        serialNumber: 'Z',
        path: '/dev/hidraw2',
        usagePage: 1,
        usage: 6,
        release: 1,
        interface: 0,
      },
    ]);
    await h.manager.start();
    await settle();
    expect(h.scanners.map((s) => [s.id, s.driverName, s.identity.path])).toEqual([
      ['usb:0c2e:0b87:sn:H1', 'hid-pos', '/dev/hidraw1'],
    ]);
    h.clock.advance(1000);
    await settle();
    expect(notices).toEqual(['Zebra (Symbol)']);
    await h.manager.stop();
  });

  it('a device that fails to open is reported and retried after a back-off', async () => {
    let fail = true;
    const h = harness({
      raw: () =>
        fail
          ? fakeDriver('raw', async () => {
              throw new DeviceError('DEVICE_NO_ANSWER', 'not now');
            })
          : createRawDriver(),
    });
    h.setSerial([port('/dev/ttyACM0')]);
    await h.manager.start();
    await settle();
    expect(h.failures).toEqual(['DEVICE_NO_ANSWER']);
    expect(h.transports[0]!.isOpen).toBe(false);
    fail = false;
    h.clock.advance(1000);
    await settle();
    expect(h.scanners).toHaveLength(1);
    await h.manager.stop();
  });

  it('lister failures are reported once until they change', async () => {
    const h = harness({ raw: () => createRawDriver() });
    const listFailures: string[] = [];
    h.manager.on('list-failed', (e) => listFailures.push(`${e.source}:${e.error.code}`));
    (h.manager as unknown as { discover: () => Promise<unknown> }).discover = async () => ({
      devices: [],
      listed: ['hid'],
      errors: [{ source: 'serial', error: new DeviceError('DEVICE_LIST_FAILED', 'udevadm missing') }],
    });
    await h.manager.start();
    h.clock.advance(3000);
    await settle();
    expect(listFailures).toEqual(['serial:DEVICE_LIST_FAILED']);
    expect(h.manager.lastDiscovery?.errors).toHaveLength(1);
    await h.manager.stop();
  });
});
