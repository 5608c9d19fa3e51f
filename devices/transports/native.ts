/**
 * Lazy loading of the native stacks. This is the only place in the project that imports
 * `@serialport/bindings-cpp`, `node-hid` or `usb`, and it does so with dynamic `import()` when a
 * transport or lister first needs one — never at module load. A stack that cannot load (e.g.
 * `libusb-1.0.so.0` missing) rejects with `TRANSPORT_UNAVAILABLE`, a message naming the library
 * and the fix, and the original error as `cause`; the rest of the agent keeps working.
 */
import { TransportError } from './errors.js';
import type { HidModule, SerialBinding, UsbModule } from './native-types.js';

export type NativeStack = 'serial' | 'hid' | 'usb';

/** How each stack's module is imported; tests replace these. */
export interface NativeImporters {
  readonly serial: () => Promise<unknown>;
  readonly hid: () => Promise<unknown>;
  readonly usb: () => Promise<unknown>;
}

export const defaultImporters: NativeImporters = {
  serial: () => import('@serialport/bindings-cpp'),
  hid: () => import('node-hid'),
  usb: () => import('usb'),
};

const MODULE_NAMES: Record<NativeStack, string> = {
  serial: '@serialport/bindings-cpp',
  hid: 'node-hid',
  usb: 'usb',
};

const FIXES: Record<string, string> = {
  'libusb-1.0':
    'install libusb-1.0 (Debian/Ubuntu: apt-get install libusb-1.0-0; Alpine: apk add libusb; macOS: brew install libusb), then restart the agent',
  libudev:
    'install libudev (Debian/Ubuntu: apt-get install libudev1; Alpine: apk add eudev-libs), then restart the agent',
};

const GENERIC_FIX: Record<NativeStack, string> = {
  serial:
    'reinstall with `npm ci` (package.json allowScripts must approve @serialport/bindings-cpp) on this OS and Node version',
  hid: 'reinstall with `npm ci` (allowScripts must approve node-hid); or switch the scanner to USB serial (CDC) mode and use the serial transport',
  usb: 'reinstall with `npm ci` (allowScripts must approve usb); on Windows the device also needs a WinUSB driver (Zadig)',
};

/** The shared library a dlopen failure names (`libusb-1.0.so.0: cannot open shared object file`). */
function missingLibrary(text: string): string | undefined {
  const m = /(lib[\w+.-]*?\.(?:so(?:\.\d+)*|dylib|dll))\b/.exec(text);
  return m?.[1];
}

/** Why a native binary did not load, in words, and the fix when the cause names one. */
export interface LoadFailure {
  readonly what: string;
  readonly fix?: string;
}

/**
 * Explains a native module's load failure: a missing shared library (libusb, libudev) or a binary
 * built against a newer glibc (`version 'GLIBC_2.34' not found`, which also names libc.so.6 — that
 * library is present, only too old). Any other cause: "its native binary could not be loaded".
 */
export function describeLoadFailure(cause: unknown): LoadFailure {
  const text = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
  const glibc = /GLIBC_([\d.]+)'? not found/.exec(text);
  if (glibc) {
    return {
      what: `its native binary needs glibc ${glibc[1]} or newer, older than this system's`,
      fix: 'rebuild it on this machine (npm rebuild --build-from-source; needs python3, make and g++) or upgrade the OS',
    };
  }
  const lib = missingLibrary(text);
  const family = lib?.startsWith('libusb')
    ? 'libusb-1.0'
    : lib?.startsWith('libudev')
      ? 'libudev'
      : undefined;
  const fix = family ? FIXES[family] : undefined;
  if (!lib) return { what: 'its native binary could not be loaded' };
  return fix
    ? { what: `the shared library ${lib} is missing`, fix }
    : { what: `the shared library ${lib} is missing` };
}

/** Builds the `TRANSPORT_UNAVAILABLE` error for a stack that failed to load. */
export function unavailableError(stack: NativeStack, cause: unknown): TransportError {
  const { what, fix = GENERIC_FIX[stack] } = describeLoadFailure(cause);
  return new TransportError(
    'TRANSPORT_UNAVAILABLE',
    `${stack} transport unavailable: ${MODULE_NAMES[stack]} cannot load because ${what}. Fix: ${fix}.`,
    { cause },
  );
}

function moduleOf<T>(imported: unknown): T {
  const m = imported as { default?: unknown };
  // CommonJS modules imported from ESM: the namespace's named exports, else `default`.
  return (m && typeof m === 'object' && 'default' in m && m.default ? m.default : m) as T;
}

/** Loads each stack once, on first use. */
export class NativeLoader {
  readonly #importers: NativeImporters;
  readonly #cache = new Map<NativeStack, Promise<unknown>>();

  constructor(importers: NativeImporters = defaultImporters) {
    this.#importers = importers;
  }

  serialBinding(): Promise<SerialBinding> {
    return this.#load('serial', async () => {
      const mod = moduleOf<{ autoDetect(): SerialBinding }>(await this.#importers.serial());
      return mod.autoDetect();
    });
  }

  hid(): Promise<HidModule> {
    return this.#load('hid', async () => {
      const mod = moduleOf<HidModule>(await this.#importers.hid());
      // node-hid loads its binary on first use; force it so a missing libusb/libudev shows here.
      mod.getHidapiVersion();
      return mod;
    });
  }

  usb(): Promise<UsbModule> {
    return this.#load('usb', async () => {
      const mod = moduleOf<UsbModule>(await this.#importers.usb());
      if (typeof mod.getDeviceList !== 'function') throw new TypeError('usb module has no getDeviceList');
      return mod;
    });
  }

  #load<T>(stack: NativeStack, load: () => Promise<T>): Promise<T> {
    let p = this.#cache.get(stack) as Promise<T> | undefined;
    if (!p) {
      p = load().catch((e: unknown) => {
        throw unavailableError(stack, e);
      });
      this.#cache.set(stack, p);
    }
    return p;
  }
}

/** The process-wide loader used when a transport is not given an injected module. */
export const nativeLoader = new NativeLoader();
