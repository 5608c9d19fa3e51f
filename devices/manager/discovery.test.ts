import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../transports/errors.js';
import type { HidDeviceInfo } from '../transports/native-types.js';
import { deviceKey, parseUsbId, type SerialListing } from './candidates.js';
import { discover, lookupIdentity } from './discovery.js';
import { sysfsSerialPorts } from './sysfs.js';

const serial = (o: Partial<SerialListing> & { path: string }): SerialListing => ({
  manufacturer: undefined,
  serialNumber: undefined,
  pnpId: undefined,
  locationId: undefined,
  vendorId: undefined,
  productId: undefined,
  ...o,
});
const hid = (o: Partial<HidDeviceInfo> & { vendorId: number; productId: number }): HidDeviceInfo => ({
  release: 1,
  interface: 0,
  ...o,
});

const SERIAL: SerialListing[] = [
  serial({
    path: '/dev/ttyACM0',
    vendorId: '05E0',
    productId: '1701',
    serialNumber: 'Z1',
    usbLocation: '1-1.4',
  }),
  serial({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', serialNumber: 'FT1' }),
  serial({ path: '/dev/ttyS0' }),
];
const HID: HidDeviceInfo[] = [
  // Honeywell composite: keyboard + HID POS, one serial number.
  hid({
    vendorId: 0x0c2e,
    productId: 0x0b87,
    serialNumber: 'H1',
    path: '/dev/hidraw0',
    usagePage: 1,
    usage: 6,
  }),
  hid({
    vendorId: 0x0c2e,
    productId: 0x0b87,
    serialNumber: 'H1',
    path: '/dev/hidraw1',
    usagePage: 0x8c,
    usage: 2,
    interface: 1,
  }),
  // Zebra in keyboard mode only.
  hid({
    vendorId: 0x05e0,
    productId: 0x1200,
    serialNumber: 'Z2',
    path: '/dev/hidraw2',
    usagePage: 1,
    usage: 6,
    product: 'LS2208',
  }),
  // An ordinary keyboard and a HID POS scanner of an unknown vendor.
  hid({ vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw3', usagePage: 1, usage: 6 }),
  hid({ vendorId: 0x1234, productId: 0x0001, path: '/dev/hidraw4', usagePage: 0x8c, usage: 2 }),
  hid({ vendorId: 0x0c2e, productId: 0x0b87, serialNumber: 'H1' }), // no path: cannot be opened
];

describe('discovery', () => {
  it('normalises ids and builds stable keys from VID/PID + serial or location, never the tty path', () => {
    expect([parseUsbId('0C2E'), parseUsbId('0x0c2e'), parseUsbId('zz'), parseUsbId(undefined)]).toEqual([
      0x0c2e,
      0x0c2e,
      undefined,
      undefined,
    ]);
    expect(deviceKey({ path: '/dev/ttyACM0', vid: 0x05e0, pid: 0x1701, serialNumber: 'Z1' })).toBe(
      'usb:05e0:1701:sn:Z1',
    );
    expect(deviceKey({ path: '/dev/ttyACM7', vid: 0x05e0, pid: 0x1701, serialNumber: 'Z1' })).toBe(
      'usb:05e0:1701:sn:Z1',
    );
    expect(deviceKey({ path: '/dev/ttyACM0', vid: 0x05e0, pid: 0x1701, usbLocation: '1-1.4' })).toBe(
      'usb:05e0:1701@1-1.4',
    );
    expect(deviceKey({ path: '/dev/pts/3' })).toBe('path:/dev/pts/3');
  });

  it('lists scanners, merges composite interfaces, explains keyboard mode, skips non-scanners', async () => {
    const r = await discover({ serial: async () => SERIAL, hid: async () => HID });
    expect(r.errors).toEqual([]);
    expect(r.listed).toEqual(['serial', 'hid']);
    const byId = new Map(r.devices.map((d) => [d.id, d]));
    // The unknown-vendor HID POS device has neither serial number nor location: keyed by path.
    expect([...byId.keys()]).toEqual([
      'path:/dev/hidraw4',
      'usb:05e0:1200:sn:Z2',
      'usb:05e0:1701:sn:Z1',
      'usb:0c2e:0b87:sn:H1',
    ]);
    const honeywell = byId.get('usb:0c2e:0b87:sn:H1')!;
    expect(honeywell).toMatchObject({
      vendor: 'Honeywell',
      transport: 'hid',
      mode: 'hid-pos',
      driver: 'hid-pos',
      usable: true,
    });
    expect(honeywell.identity.path).toBe('/dev/hidraw1');
    expect(honeywell.interfaces.map((i) => i.mode)).toEqual(['hid-pos', 'keyboard']);
    const zebraCdc = byId.get('usb:05e0:1701:sn:Z1')!;
    expect(zebraCdc).toMatchObject({
      transport: 'serial',
      driver: 'zebra-ssi',
      usable: true,
      confidence: 'S',
    });
    expect(zebraCdc.identity.usbLocation).toBe('1-1.4');
    const zebraKbd = byId.get('usb:05e0:1200:sn:Z2')!;
    expect(zebraKbd.usable).toBe(false);
    expect(zebraKbd.keyboard?.code).toBe('KEYBOARD_MODE');
    expect(zebraKbd.reason).toMatch(/keyboard mode/);
    // Unknown USB serial adapters only when asked for.
    const all = await discover({ serial: async () => SERIAL }, { includeUnknownSerial: true });
    expect(all.devices.map((d) => d.id)).toContain('usb:0403:6001:sn:FT1');
    expect(all.devices.some((d) => d.identity.path === '/dev/ttyS0')).toBe(false);
  });

  it('looks up what the listings know about a port path', async () => {
    const listers = { serial: async () => SERIAL, hid: async () => HID };
    expect(await lookupIdentity(listers, '/dev/ttyACM0')).toMatchObject({
      vid: 0x05e0,
      pid: 0x1701,
      serialNumber: 'Z1',
    });
    expect(await lookupIdentity(listers, '/dev/hidraw1')).toMatchObject({ usagePage: 0x8c });
    expect(await lookupIdentity(listers, '/dev/pts/7')).toBeUndefined();
    const failing = { serial: async () => Promise.reject(new Error('udevadm')) };
    expect(await lookupIdentity(failing, '/dev/ttyACM0')).toBeUndefined();
  });

  it('a failing lister is reported with its cause and the other still counts', async () => {
    const cause = Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
    const r = await discover({
      serial: async () => {
        throw cause;
      },
      hid: async () => {
        throw new DeviceError('DEVICE_LIST_FAILED', 'listing HID devices failed');
      },
    });
    expect(r.devices).toEqual([]);
    expect(r.listed).toEqual([]);
    expect(r.errors.map((e) => [e.source, e.error.code])).toEqual([
      ['serial', 'DEVICE_LIST_FAILED'],
      ['hid', 'DEVICE_LIST_FAILED'],
    ]);
    expect(r.errors[0]?.error.cause).toBe(cause);
  });
});

describe('sysfs serial listing', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('reads USB ids, serial, location and interface through the device links', async () => {
    root = await mkdtemp(join(tmpdir(), 'ehc-sysfs-'));
    const usbDev = join(root, 'devices/pci0/usb1/1-1/1-1.4');
    await mkdir(join(usbDev, '1-1.4:1.0'), { recursive: true });
    for (const [f, v] of Object.entries({
      idVendor: '05e0\n',
      idProduct: '1701\n',
      serial: 'S123\n',
      manufacturer: 'Zebra\n',
      product: 'MS4717\n',
    })) {
      await writeFile(join(usbDev, f), v);
    }
    await writeFile(join(usbDev, '1-1.4:1.0', 'bInterfaceNumber'), '01\n');
    const ftdi = join(root, 'devices/pci0/usb1/1-1/1-1.2');
    await mkdir(join(ftdi, '1-1.2:1.0/ttyUSB0'), { recursive: true });
    await writeFile(join(ftdi, 'idVendor'), '0403\n');
    await writeFile(join(ftdi, 'idProduct'), '6001\n');
    await mkdir(join(root, 'devices/platform/serial8250'), { recursive: true });
    for (const n of ['ttyACM0', 'ttyUSB0', 'ttyS0', 'tty1'])
      await mkdir(join(root, 'class/tty', n), { recursive: true });
    await symlink(join(usbDev, '1-1.4:1.0'), join(root, 'class/tty/ttyACM0/device'));
    await symlink(join(ftdi, '1-1.2:1.0/ttyUSB0'), join(root, 'class/tty/ttyUSB0/device'));
    await symlink(join(root, 'devices/platform/serial8250'), join(root, 'class/tty/ttyS0/device'));
    const ports = await sysfsSerialPorts(root, '/dev');
    expect(ports.map((p) => p.path)).toEqual(['/dev/ttyACM0', '/dev/ttyS0', '/dev/ttyUSB0']);
    expect(ports[0]).toMatchObject({
      vendorId: '05e0',
      productId: '1701',
      serialNumber: 'S123',
      manufacturer: 'Zebra',
      product: 'MS4717',
      usbLocation: '1-1.4',
      interfaceNumber: 1,
    });
    expect(ports[1]?.vendorId).toBeUndefined();
    expect(ports[2]).toMatchObject({ vendorId: '0403', usbLocation: '1-1.2' });
    expect(await sysfsSerialPorts(join(root, 'missing'))).toEqual([]);
  });
});
