/**
 * `--port` strings → which transport opens them:
 * - `tcp://host:port` → TCP;
 * - `hid:<path>`, `/dev/hidraw*`, Windows `\\?\hid#…` and macOS `IOService:…` paths → HID;
 * - `usb:<vid>:<pid>[@<location>]` (hex ids) → raw USB bulk;
 * - `serial:<path>` or anything else → serial (`/dev/ttyACM0`, `/dev/pts/3`, `COM3`).
 */
import type { DeviceIdentity } from '../types.js';
import { HidTransport } from './hid.js';
import type { NativeLoader } from './native.js';
import { SerialTransport } from './serial.js';
import { TcpTransport } from './tcp.js';
import { UsbBulkTransport } from './usb-bulk.js';

export type PortSpec =
  | { readonly kind: 'tcp'; readonly url: string }
  | { readonly kind: 'hid'; readonly path: string }
  | { readonly kind: 'usb'; readonly vid: number; readonly pid: number; readonly usbLocation?: string }
  | { readonly kind: 'serial'; readonly path: string };

export function parsePortSpec(port: string): PortSpec {
  const p = port.trim();
  if (p.length === 0) throw new TypeError('the port is empty');
  if (/^tcp:\/\//i.test(p)) return { kind: 'tcp', url: p };
  if (/^hid:/i.test(p)) return { kind: 'hid', path: p.slice(4) };
  if (/^\/dev\/hidraw\d+$/.test(p) || /^\\\\\?\\hid#/i.test(p) || /^IOService:/.test(p)) {
    return { kind: 'hid', path: p };
  }
  const usb = /^usb:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?:@([0-9]+(?:-[0-9.]+)?))?$/i.exec(p);
  if (usb) {
    const spec = {
      kind: 'usb' as const,
      vid: Number.parseInt(usb[1]!, 16),
      pid: Number.parseInt(usb[2]!, 16),
    };
    return usb[3] ? { ...spec, usbLocation: usb[3] } : spec;
  }
  if (/^usb:/i.test(p)) throw new TypeError(`"${p}" is not usb:<vid>:<pid>[@<bus>-<ports>] (hex ids)`);
  if (/^serial:/i.test(p)) return { kind: 'serial', path: p.slice(7) };
  return { kind: 'serial', path: p };
}

export interface TransportFactoryOptions {
  readonly baudRate?: number;
  readonly loader?: NativeLoader;
  readonly identity?: Omit<DeviceIdentity, 'path'>;
}

/** Creates the (unopened) transport for a port spec. */
export function createTransport(
  spec: PortSpec,
  options: TransportFactoryOptions = {},
): SerialTransport | HidTransport | UsbBulkTransport | TcpTransport {
  const common = {
    ...(options.loader ? { loader: options.loader } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
  };
  switch (spec.kind) {
    case 'tcp':
      return new TcpTransport({ url: spec.url, ...(options.identity ? { identity: options.identity } : {}) });
    case 'hid':
      return new HidTransport({ path: spec.path, ...common });
    case 'usb':
      return new UsbBulkTransport({
        vid: spec.vid,
        pid: spec.pid,
        ...(spec.usbLocation ? { usbLocation: spec.usbLocation } : {}),
        ...(options.loader ? { loader: options.loader } : {}),
      });
    case 'serial':
      return new SerialTransport({
        path: spec.path,
        ...(options.baudRate ? { baudRate: options.baudRate } : {}),
        ...common,
      });
  }
}
