import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { fakeDriver, silent } from '../../test/devices/support/fake-driver.js';
import { createRawDriver } from '../drivers/raw/index.js';
import { type DriverRegistry, driverRegistry } from '../drivers/registry.js';
import { MockTransport } from '../transports/mock.js';
import { parsePortSpec } from '../transports/port-spec.js';
import type { Driver, DriverName } from '../types.js';
import { openPort } from './open-port.js';

const registry = (make: Partial<Record<DriverName, () => Driver>>): DriverRegistry => ({
  has: (n) => make[n] !== undefined,
  create: async (n) => make[n]!(),
});

describe('port strings', () => {
  it('select the transport', () => {
    expect(parsePortSpec('tcp://127.0.0.1:9100')).toEqual({ kind: 'tcp', url: 'tcp://127.0.0.1:9100' });
    expect(parsePortSpec('/dev/hidraw3')).toEqual({ kind: 'hid', path: '/dev/hidraw3' });
    expect(parsePortSpec('hid:IOService:/AppleACPI/USB')).toEqual({
      kind: 'hid',
      path: 'IOService:/AppleACPI/USB',
    });
    expect(parsePortSpec('usb:1eab:1d06@1-1.4')).toEqual({
      kind: 'usb',
      vid: 0x1eab,
      pid: 0x1d06,
      usbLocation: '1-1.4',
    });
    expect(parsePortSpec('COM3')).toEqual({ kind: 'serial', path: 'COM3' });
    expect(parsePortSpec('serial:/dev/pts/4')).toEqual({ kind: 'serial', path: '/dev/pts/4' });
    expect(() => parsePortSpec('usb:zz')).toThrow(TypeError);
    expect(() => parsePortSpec(' ')).toThrow(TypeError);
  });
});

describe('openPort', () => {
  it('probes in the profile order when no driver is given', async () => {
    const t = new MockTransport({ identity: { path: '/dev/ttyACM0', vid: 0x05e0, pid: 0x1701 } });
    const opened = await openPort({
      port: '/dev/ttyACM0',
      registry: registry({
        'zebra-ssi': () => fakeDriver('zebra-ssi', silent),
        raw: () => createRawDriver(),
      }),
      identity: { vid: 0x05e0, pid: 0x1701 },
      transportFor: () => t,
      probeTimeoutMs: 10,
    });
    expect(opened.driverName).toBe('raw');
    expect(opened.probeFailures.map((f) => [f.driver, f.error.code])).toEqual([
      ['zebra-ssi', 'DEVICE_TIMEOUT'],
    ]);
    expect(opened.session.id).toBe('serial:/dev/ttyACM0');
    expect(opened.session.connected).toBe(true);
    await opened.session.close();
  });

  it('refuses a keyboard-mode device with the reason', async () => {
    const t = new MockTransport({
      identity: { path: '/dev/hidraw0', vid: 0x0c2e, pid: 1, usagePage: 1, usage: 6 },
    });
    await expect(
      openPort({ port: '/dev/hidraw0', registry: registry({}), transportFor: () => t }),
    ).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED', message: expect.stringMatching(/keyboard mode/) });
  });

  it('opens a networked raw-text scanner over tcp:// with the real registry', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.write('电子健康卡:TCP\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const opened = await openPort({
        port: `tcp://127.0.0.1:${port}`,
        registry: driverRegistry,
        driver: 'raw',
      });
      const { session } = opened;
      const got = new Promise<string>((resolve) =>
        session.once('scan', (s) => resolve(`${s.deviceId} ${s.text}`)),
      );
      await session.claim();
      await session.enable();
      // The greeting may have arrived before enable(): send one more scan after it.
      sockets[0]!.write('SECOND\r');
      const first = await got;
      expect([`tcp://127.0.0.1:${port} 电子健康卡:TCP`, `tcp://127.0.0.1:${port} SECOND`]).toContain(first);
      await session.close();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('driver registry', () => {
  it('creates registered drivers lazily and rejects unknown names', async () => {
    const raw = await driverRegistry.create('raw', {
      settings: { terminator: 'hex:03', interByteTimeoutMs: 0 },
    });
    expect(raw.name).toBe('raw');
    expect(driverRegistry.has('raw')).toBe(true);
    const { createDriver } = await import('../drivers/registry.js');
    await expect(createDriver('laser-9000')).rejects.toMatchObject({ code: 'DRIVER_UNKNOWN' });
    await expect(createDriver('raw', { settings: { terminator: 'tab' } })).rejects.toMatchObject({
      code: 'DEVICE_BAD_OPTIONS',
    });
  });
});
