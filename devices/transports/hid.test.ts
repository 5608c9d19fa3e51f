import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DisconnectCause } from '../types.js';
import { HidTransport } from './hid.js';
import { NativeLoader } from './native.js';
import type { HidAsyncHandle, HidDeviceInfo, HidModule } from './native-types.js';

/** A fake node-hid: one device per path, queued async operations like HIDAsync. */
class FakeHidDevice extends EventEmitter implements HidAsyncHandle {
  readonly writes: number[][] = [];
  readonly features: number[][] = [];
  closed = false;
  inFlight = 0;
  overlapped = false;

  async #op<T>(fn: () => T): Promise<T> {
    if (this.closed) throw new Error('device closed');
    if (this.inFlight > 0) this.overlapped = true;
    this.inFlight++;
    await new Promise((r) => setImmediate(r));
    this.inFlight--;
    return fn();
  }
  write(values: number[] | Buffer) {
    return this.#op(() => {
      this.writes.push([...values]);
      return values.length;
    });
  }
  sendFeatureReport(data: number[] | Buffer) {
    return this.#op(() => {
      this.features.push([...data]);
      return data.length;
    });
  }
  getFeatureReport(id: number, len: number) {
    return this.#op(() => Buffer.from([id, ...new Array<number>(len - 1).fill(7)]));
  }
  async close() {
    this.closed = true;
  }
  /** The device sends an input report. */
  report(bytes: number[]) {
    this.emit('data', Buffer.from(bytes));
  }
}

function fakeHid(devices: Record<string, FakeHidDevice>): HidModule & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    HIDAsync: {
      async open(path: string) {
        const d = devices[path];
        if (!d) throw new Error(`cannot open device with path ${path}`);
        d.closed = false;
        opened.push(path);
        return d;
      },
    },
    devicesAsync: async (): Promise<HidDeviceInfo[]> => [],
    getHidapiVersion: () => '0.14.0',
  };
}

describe('HidTransport with an injected node-hid', () => {
  it('delivers whole input reports with the report id first and serialises writes', async () => {
    const dev = new FakeHidDevice();
    const hid = fakeHid({ '/dev/hidraw3': dev });
    const t = new HidTransport({ path: '/dev/hidraw3', hid });
    const reports: number[][] = [];
    t.on('data', (r) => reports.push([...r]));
    await t.open();
    dev.report([0x02, 3, 0x5d, 0x51, 0x31]);
    expect(reports).toEqual([[0x02, 3, 0x5d, 0x51, 0x31]]);
    await Promise.all([t.write(Uint8Array.of(0x04, 0x04)), t.write(Uint8Array.of(0x04, 0x40))]);
    expect(dev.writes).toEqual([
      [0x04, 0x04],
      [0x04, 0x40],
    ]);
    await t.sendFeatureReport(Uint8Array.of(0xfe, 0x01));
    expect(dev.features).toEqual([[0xfe, 0x01]]);
    expect([...(await t.getFeatureReport(0xfe, 2))]).toEqual([0xfe, 7]);
    expect(dev.overlapped).toBe(false);
    await t.close();
    expect(dev.closed).toBe(true);
  });

  it('prepends report id 0 for devices without numbered reports', async () => {
    const dev = new FakeHidDevice();
    const t = new HidTransport({ path: 'p', hid: fakeHid({ p: dev }), numberedReports: false });
    const reports: number[][] = [];
    t.on('data', (r) => reports.push([...r]));
    await t.open();
    dev.report([0x41, 0x42]);
    expect(reports).toEqual([[0x00, 0x41, 0x42]]);
    await t.close();
  });

  it('a read-loop error is one unplug; later errors and reports are ignored', async () => {
    const dev = new FakeHidDevice();
    const t = new HidTransport({ path: 'p', hid: fakeHid({ p: dev }) });
    const ends: DisconnectCause[] = [];
    const reports: number[][] = [];
    t.on('disconnected', (c) => ends.push(c));
    t.on('data', (r) => reports.push([...r]));
    await t.open();
    dev.emit('error', new Error('could not read from HID device'));
    dev.emit('error', new Error('could not read from HID device'));
    dev.report([0x02, 1, 0x41]);
    await new Promise((r) => setImmediate(r));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ reason: 'unplugged', error: { code: 'TRANSPORT_DISCONNECTED' } });
    expect(reports).toEqual([]);
    expect(dev.closed).toBe(true);
    await expect(t.write(Uint8Array.of(4, 4))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await expect(t.sendFeatureReport(Uint8Array.of(0xfe, 1))).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });
  });

  it('an open failure keeps the cause; a missing libusb gives TRANSPORT_UNAVAILABLE with the fix', async () => {
    const t = new HidTransport({ path: 'nope', hid: fakeHid({}) });
    const err = await t.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
    expect((err as Error).cause).toBeInstanceOf(Error);

    const dlopen = Object.assign(
      new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    const loader = new NativeLoader({
      serial: () => Promise.reject(new Error('unused')),
      hid: async () => ({
        default: {
          HIDAsync: {},
          devicesAsync: async () => [],
          getHidapiVersion: () => {
            throw dlopen;
          },
        },
      }),
      usb: () => Promise.reject(new Error('unused')),
    });
    const u = new HidTransport({ path: '/dev/hidraw0', loader });
    const e2 = await u.open().catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'TRANSPORT_UNAVAILABLE' });
    expect((e2 as Error).message).toMatch(/libusb-1\.0\.so\.0/);
    expect((e2 as Error).message).toMatch(/apt-get install libusb-1\.0-0/);
    expect((e2 as Error).cause).toBe(dlopen);
  });
});
