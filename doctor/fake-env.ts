/**
 * For tests: a `DoctorEnv` over a temporary directory (its own sys/, dev/ and group file), the real
 * file system and modules unless overridden, and helpers that lay out a fake sysfs scanner.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemEnv } from './env.js';
import type { DoctorEnv, DoctorFs } from './types.js';

export type EnvOverrides = Partial<Omit<DoctorEnv, 'fs'>> & { readonly fs?: Partial<DoctorFs> };

export function fakeEnv(dir: string, over: EnvOverrides = {}): DoctorEnv {
  const base = systemEnv({});
  mkdirSync(join(dir, 'sys', 'bus', 'usb', 'devices'), { recursive: true });
  mkdirSync(join(dir, 'dev'), { recursive: true });
  writeFileSync(join(dir, 'group'), 'root:x:0:\ndialout:x:20:\nplugdev:x:46:\n');
  const { fs, ...rest } = over;
  return {
    ...base,
    sysRoot: join(dir, 'sys'),
    devRoot: join(dir, 'dev'),
    groupFile: join(dir, 'group'),
    udevRuleFile: join(dir, 'udev', '70-ehc-scanners.rules'),
    ...rest,
    fs: { ...base.fs, ...fs },
  };
}

/** A USB device `name` (e.g. `1-1`) with its ids and tty/hidraw nodes, in sysfs and in dev/. */
export function addUsbDevice(
  dir: string,
  name: string,
  vid: number,
  pid: number,
  nodes: readonly string[] = [],
): void {
  const dev = join(dir, 'sys', 'bus', 'usb', 'devices', name);
  mkdirSync(dev, { recursive: true });
  mkdirSync(join(dir, 'dev'), { recursive: true });
  writeFileSync(join(dev, 'idVendor'), `${vid.toString(16).padStart(4, '0')}\n`);
  writeFileSync(join(dev, 'idProduct'), `${pid.toString(16).padStart(4, '0')}\n`);
  for (const n of nodes) {
    const parent = n.startsWith('hidraw')
      ? join(dev, `${name}:1.0`, '0003:05E0:1300.0001', 'hidraw')
      : join(dev, `${name}:1.0`, 'tty');
    mkdirSync(join(parent, n), { recursive: true });
    writeFileSync(join(dir, 'dev', n), '', { mode: 0o644 });
  }
}

export function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}
