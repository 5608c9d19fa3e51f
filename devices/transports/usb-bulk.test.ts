import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DisconnectCause } from '../types.js';
import type {
  UsbDeviceHandle,
  UsbInEndpoint,
  UsbInterfaceHandle,
  UsbModule,
  UsbOutEndpoint,
} from './native-types.js';
import { UsbBulkTransport } from './usb-bulk.js';

class FakeIn extends EventEmitter implements UsbInEndpoint {
  readonly direction = 'in' as const;
  readonly transferType = 2;
  readonly address = 0x81;
  timeout = 0;
  readonly descriptor = { wMaxPacketSize: 64 };
  pollActive = false;
  polls: [number | undefined, number | undefined][] = [];
  startPoll(n?: number, size?: number) {
    this.pollActive = true;
    this.polls.push([n, size]);
    return [];
  }
  stopPoll(cb?: () => void) {
    this.pollActive = false;
    setImmediate(() => cb?.());
  }
}

class FakeOut implements UsbOutEndpoint {
  readonly direction = 'out' as const;
  readonly transferType = 2;
  readonly address = 0x02;
  timeout = 0;
  readonly descriptor = { wMaxPacketSize: 64 };
  readonly sent: number[][] = [];
  fail: Error | undefined;
  transfer(buffer: Buffer, cb?: (error: unknown, actual: number) => void) {
    setImmediate(() => {
      if (this.fail) return cb?.(this.fail, 0);
      this.sent.push([...buffer]);
      cb?.(undefined, buffer.length);
    });
    return this;
  }
}

class FakeDevice implements UsbDeviceHandle {
  readonly in = new FakeIn();
  readonly out = new FakeOut();
  opened = false;
  claimed = false;
  kernelDriver = true;
  readonly iface: UsbInterfaceHandle;
  constructor(
    readonly busNumber: number,
    readonly portNumbers: number[],
    readonly deviceDescriptor: { idVendor: number; idProduct: number; iSerialNumber: number },
    readonly serial: string,
  ) {
    this.iface = {
      interfaceNumber: 0,
      endpoints: [this.in, this.out],
      claim: () => {
        this.claimed = true;
      },
      release: (_close, cb) => {
        this.claimed = false;
        setImmediate(() => cb());
      },
      isKernelDriverActive: () => this.kernelDriver,
      detachKernelDriver: () => {
        this.kernelDriver = false;
      },
    };
  }
  open() {
    this.opened = true;
  }
  close() {
    this.opened = false;
  }
  interface() {
    return this.iface;
  }
  getStringDescriptor(_i: number, cb: (error: unknown, value?: string) => void) {
    setImmediate(() => cb(undefined, this.serial));
  }
}

function fakeUsb(devices: FakeDevice[]): UsbModule {
  return {
    getDeviceList: () => devices,
    usb: { on: () => undefined, removeListener: () => undefined, unrefHotplugEvents: () => undefined },
  };
}

const desc = { idVendor: 0x1eab, idProduct: 0x1d06, iSerialNumber: 3 };

describe('UsbBulkTransport with an injected usb module', () => {
  it('finds the device by VID/PID and serial, claims the interface, polls IN and writes OUT with a timeout', async () => {
    const a = new FakeDevice(1, [1, 2], desc, 'AAA');
    const b = new FakeDevice(1, [1, 4], desc, 'BBB');
    const t = new UsbBulkTransport({ vid: 0x1eab, pid: 0x1d06, serialNumber: 'BBB', usb: fakeUsb([a, b]) });
    expect(t.identity).toMatchObject({ path: 'usb:1eab:1d06', vid: 0x1eab, serialNumber: 'BBB' });
    const chunks: number[][] = [];
    t.on('data', (c) => chunks.push([...c]));
    await t.open();
    expect(a.opened).toBe(false);
    expect(b.opened && b.claimed && !b.kernelDriver).toBe(true);
    expect(b.in.polls).toEqual([[2, 64]]);
    expect(b.out.timeout).toBe(2000);
    b.in.emit('data', Buffer.from([1, 2, 3]));
    expect(chunks).toEqual([[1, 2, 3]]);
    await Promise.all([t.write(Uint8Array.of(9)), t.write(Uint8Array.of(8))]);
    expect(b.out.sent).toEqual([[9], [8]]);
    await t.close();
    expect(b.in.pollActive || b.claimed || b.opened).toBe(false);
  });

  it('matches by USB location, and reports a missing device', async () => {
    const a = new FakeDevice(1, [1, 2], desc, 'AAA');
    const b = new FakeDevice(1, [1, 4], desc, 'BBB');
    const t = new UsbBulkTransport({ vid: 0x1eab, pid: 0x1d06, usbLocation: '1-1.2', usb: fakeUsb([a, b]) });
    expect(t.identity.path).toBe('usb:1eab:1d06@1-1.2');
    await t.open();
    expect(a.claimed).toBe(true);
    expect(b.opened).toBe(false);
    await t.close();
    const missing = new UsbBulkTransport({ vid: 0x1234, pid: 1, usb: fakeUsb([a]) });
    await expect(missing.open()).rejects.toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
  });

  it('many transfer errors from one unplug are one disconnected; write errors keep the cause', async () => {
    const d = new FakeDevice(2, [3], desc, 'S');
    const t = new UsbBulkTransport({ vid: 0x1eab, pid: 0x1d06, usb: fakeUsb([d]) });
    const ends: DisconnectCause[] = [];
    t.on('disconnected', (c) => ends.push(c));
    await t.open();
    const noDevice = Object.assign(new Error('LIBUSB_ERROR_NO_DEVICE'), { errno: -4 });
    d.out.fail = noDevice;
    const w = await t.write(Uint8Array.of(1)).catch((e: unknown) => e);
    expect(w).toMatchObject({ code: 'TRANSPORT_IO' });
    expect((w as Error).cause).toBe(noDevice);
    for (let i = 0; i < 4; i++) d.in.emit('error', noDevice);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ reason: 'unplugged', error: { code: 'TRANSPORT_DISCONNECTED' } });
    expect(d.claimed || d.opened).toBe(false);
  });

  it('validates ids and refuses an interface without bulk endpoints', async () => {
    expect(() => new UsbBulkTransport({ vid: 0x10000, pid: 1 })).toThrow(/vid/);
    const d = new FakeDevice(1, [], desc, 'S');
    (d.iface as unknown as { endpoints: unknown[] }).endpoints = [d.in];
    const t = new UsbBulkTransport({ vid: 0x1eab, pid: 0x1d06, usb: fakeUsb([d]) });
    await expect(t.open()).rejects.toThrow(/bulk IN\/OUT/);
    expect(d.opened || d.claimed).toBe(false);
  });
});
