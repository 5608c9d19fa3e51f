import { describe, expect, it } from 'vitest';
import { NativeLoader, unavailableError } from './native.js';
import { nativeStatus } from './native-status.js';

describe('native stack loading', () => {
  it('names the missing library and the fix, and keeps the cause', () => {
    const cause = new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');
    const e = unavailableError('usb', cause);
    expect(e.code).toBe('TRANSPORT_UNAVAILABLE');
    expect(e.message).toContain('libusb-1.0.so.0');
    expect(e.message).toContain('apt-get install libusb-1.0-0');
    expect(e.cause).toBe(cause);
    const udev = unavailableError('hid', new Error('libudev.so.1: cannot open shared object file'));
    expect(udev.message).toContain('libudev.so.1');
    expect(udev.message).toContain('libudev1');
    const other = unavailableError('serial', new Error('Cannot find module'));
    expect(other.message).toContain('@serialport/bindings-cpp');
    expect(other.message).toContain('npm ci');
  });

  it('tells a too-old glibc from a missing library', () => {
    const cause = new Error(
      "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by usb_bindings.node)",
    );
    const e = unavailableError('usb', cause);
    expect(e.message).toContain('glibc 2.38 or newer');
    expect(e.message).not.toContain('libc.so.6 is missing');
    expect(e.message).toContain('--build-from-source');
  });

  it('loads each stack once and reports status without throwing', async () => {
    let hidImports = 0;
    const loader = new NativeLoader({
      serial: async () => ({ autoDetect: () => ({ list: async () => [], open: async () => undefined }) }),
      hid: async () => {
        hidImports++;
        return { HIDAsync: {}, devicesAsync: async () => [], getHidapiVersion: () => '0.14.0' };
      },
      usb: async () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
    });
    const status = await nativeStatus(loader);
    expect(status).toEqual([
      { stack: 'serial', module: '@serialport/bindings-cpp', available: true },
      { stack: 'hid', module: 'node-hid', available: true, version: '0.14.0' },
      {
        stack: 'usb',
        module: 'usb',
        available: false,
        code: 'TRANSPORT_UNAVAILABLE',
        message: expect.stringContaining('libusb-1.0.so.0'),
      },
    ]);
    await loader.hid();
    expect(hidImports).toBe(1);
  });

  it('reports the real stacks of this machine without crashing', async () => {
    const status = await nativeStatus(new NativeLoader());
    expect(status.map((s) => s.stack)).toEqual(['serial', 'hid', 'usb']);
    for (const s of status) {
      if (!s.available) expect(s.code).toBe('TRANSPORT_UNAVAILABLE');
    }
  });
});
