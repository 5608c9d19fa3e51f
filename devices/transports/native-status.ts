/**
 * Which native stacks load on this machine, for `ehc devices` and the agent's /health. Loading is
 * attempted (once per loader); nothing is opened.
 */
import { isEhcError } from '../../protocol/errors.js';
import { type NativeLoader, type NativeStack, nativeLoader } from './native.js';

export interface NativeStackStatus {
  readonly stack: NativeStack;
  readonly module: string;
  readonly available: boolean;
  /** hidapi version for the HID stack, when it loaded. */
  readonly version?: string;
  /** `TRANSPORT_UNAVAILABLE` and the explanation (library missing, fix) when it did not. */
  readonly code?: string;
  readonly message?: string;
}

async function probe(
  stack: NativeStack,
  module: string,
  load: () => Promise<unknown>,
  version?: (loaded: unknown) => string,
): Promise<NativeStackStatus> {
  try {
    const loaded = await load();
    return version
      ? { stack, module, available: true, version: version(loaded) }
      : { stack, module, available: true };
  } catch (e) {
    return {
      stack,
      module,
      available: false,
      code: isEhcError(e) ? e.code : 'TRANSPORT_UNAVAILABLE',
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

export async function nativeStatus(loader: NativeLoader = nativeLoader): Promise<NativeStackStatus[]> {
  return Promise.all([
    probe('serial', '@serialport/bindings-cpp', () => loader.serialBinding()),
    probe(
      'hid',
      'node-hid',
      () => loader.hid(),
      (m) => (m as { getHidapiVersion(): string }).getHidapiVersion(),
    ),
    probe('usb', 'usb', () => loader.usb()),
  ]);
}
