import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import { nativeCheck } from './native.js';

const fakes: Record<string, unknown> = {
  '@serialport/bindings-cpp': { autoDetect: () => ({ list: async () => [] }) },
  'node-hid': { HIDAsync: {}, devicesAsync: async () => [], getHidapiVersion: () => '0.14.0' },
  usb: { getDeviceList: () => [] },
};

function env(broken: Record<string, string>) {
  return fakeEnv(mkdtempSync(join(tmpdir(), 'ehc-doctor-')), {
    loadModule: async (name) => {
      if (broken[name]) throw new Error(broken[name]);
      return name === 'better-sqlite3' ? import('better-sqlite3') : fakes[name];
    },
  });
}

describe('doctor native', () => {
  it('names libusb and the apt-get fix when usb cannot load, the other stacks stay ok', async () => {
    const results = await runChecks([nativeCheck], {
      env: env({ usb: 'libusb-1.0.so.0: cannot open shared object file: No such file or directory' }),
    });
    const usb = results.find((r) => r.detail.includes('usb transport'));
    expect(usb?.status).toBe('fail');
    expect(usb?.detail).toContain('libusb-1.0.so.0 is missing');
    expect(usb?.fix).toContain('apt-get install libusb-1.0-0');
    expect(results.filter((r) => r.status === 'ok').map((r) => r.detail)).toEqual([
      '@serialport/bindings-cpp loads',
      'node-hid loads (0.14.0)',
      expect.stringMatching(/^better-sqlite3 loads \(SQLite \d/),
    ]);
  });

  it('says a better-sqlite3 binary needs a newer glibc', async () => {
    const results = await runChecks([nativeCheck], {
      env: env({
        'better-sqlite3':
          "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by better_sqlite3.node)",
      }),
    });
    const sqlite = results.find((r) => r.detail.startsWith('better-sqlite3'));
    expect(sqlite).toMatchObject({ status: 'fail', detail: expect.stringContaining('glibc 2.38 or newer') });
    expect(sqlite?.fix).toContain('--build-from-source');
  });
});
