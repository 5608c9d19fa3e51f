/**
 * Raw USB bulk endpoints through `usb` (libusb): for devices with a vendor-specific interface
 * (e.g. our firmware SDK's native protocol without CDC). Finds the device by VID/PID (and USB
 * location / serial number when given — never by an OS path), claims one interface, keeps
 * `transfers` IN transfers in flight and writes with an explicit timeout (libusb's default is
 * infinite). One unplug makes every in-flight transfer fail; the link reports only the first.
 */
import type { DeviceIdentity } from '../types.js';
import { BaseTransport, type BaseTransportOptions, type TransportLink } from './base.js';
import { TransportError } from './errors.js';
import { type NativeLoader, nativeLoader } from './native.js';
import {
  LIBUSB_TRANSFER_TYPE_BULK,
  type UsbDeviceHandle,
  type UsbInEndpoint,
  type UsbInterfaceHandle,
  type UsbModule,
  type UsbOutEndpoint,
  usbLocationOf,
} from './native-types.js';

export interface UsbBulkTransportOptions extends BaseTransportOptions {
  readonly vid: number;
  readonly pid: number;
  /** Match only the device at this location (`1-1.4`). */
  readonly usbLocation?: string;
  /** Match only the device with this iSerialNumber string (read after opening candidates). */
  readonly serialNumber?: string;
  /** Interface to claim; defaults to 0. */
  readonly interfaceNumber?: number;
  /** Endpoint addresses; default to the interface's first bulk IN / bulk OUT endpoints. */
  readonly inEndpoint?: number;
  readonly outEndpoint?: number;
  /** IN transfers kept in flight; defaults to 2. */
  readonly transfers?: number;
  /** Size of each IN transfer; defaults to the endpoint's max packet size. */
  readonly transferSize?: number;
  /** OUT transfer timeout in ms; defaults to 2000. */
  readonly writeTimeoutMs?: number;
  readonly usb?: UsbModule;
  readonly loader?: NativeLoader;
  readonly identity?: Omit<DeviceIdentity, 'path' | 'vid' | 'pid'>;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function readSerial(device: UsbDeviceHandle): Promise<string | undefined> {
  const index = device.deviceDescriptor.iSerialNumber;
  if (!index) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    device.getStringDescriptor(index, (err, value) => resolve(err ? undefined : value));
  });
}

export class UsbBulkTransport extends BaseTransport {
  readonly kind = 'usb' as const;
  readonly identity: DeviceIdentity;
  readonly #options: UsbBulkTransportOptions;
  #device: UsbDeviceHandle | undefined;
  #iface: UsbInterfaceHandle | undefined;
  #in: UsbInEndpoint | undefined;
  #out: UsbOutEndpoint | undefined;

  constructor(options: UsbBulkTransportOptions) {
    super(options);
    for (const k of ['vid', 'pid'] as const) {
      const v = options[k];
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new TypeError(`"${k}" must be a 16-bit integer`);
    }
    this.#options = options;
    const where = options.usbLocation ? `@${options.usbLocation}` : '';
    this.identity = {
      ...options.identity,
      ...(options.usbLocation ? { usbLocation: options.usbLocation } : {}),
      ...(options.serialNumber ? { serialNumber: options.serialNumber } : {}),
      path: `usb:${hex4(options.vid)}:${hex4(options.pid)}${where}`,
      vid: options.vid,
      pid: options.pid,
    };
  }

  protected async doOpen(link: TransportLink): Promise<void> {
    const o = this.#options;
    const usb = o.usb ?? (await (o.loader ?? nativeLoader).usb());
    const device = await this.#find(usb);
    this.#device = device;
    const iface = device.interface(o.interfaceNumber ?? 0);
    if (iface.isKernelDriverActive()) iface.detachKernelDriver();
    iface.claim();
    this.#iface = iface;
    const bulk = (dir: 'in' | 'out', address: number | undefined) =>
      iface.endpoints.find(
        (e) =>
          e.direction === dir &&
          (address === undefined ? e.transferType === LIBUSB_TRANSFER_TYPE_BULK : e.address === address),
      );
    const inEp = bulk('in', o.inEndpoint) as UsbInEndpoint | undefined;
    const outEp = bulk('out', o.outEndpoint) as UsbOutEndpoint | undefined;
    if (!inEp || !outEp) {
      throw new TransportError(
        'TRANSPORT_OPEN_FAILED',
        `${this.identity.path} interface ${iface.interfaceNumber} has no bulk IN/OUT endpoint pair`,
      );
    }
    outEp.timeout = o.writeTimeoutMs ?? 2000;
    this.#in = inEp;
    this.#out = outEp;
    inEp.on('data', (chunk: Buffer) => {
      link.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    inEp.on('error', (err: unknown) => {
      link.lost(
        'unplugged',
        new TransportError('TRANSPORT_DISCONNECTED', `${this.identity.path} transfer failed`, { cause: err }),
      );
    });
    inEp.startPoll(o.transfers ?? 2, o.transferSize ?? inEp.descriptor.wMaxPacketSize);
  }

  async #find(usb: UsbModule): Promise<UsbDeviceHandle> {
    const o = this.#options;
    const candidates = usb
      .getDeviceList()
      .filter(
        (d) =>
          d.deviceDescriptor.idVendor === o.vid &&
          d.deviceDescriptor.idProduct === o.pid &&
          (o.usbLocation === undefined || usbLocationOf(d) === o.usbLocation),
      );
    for (const d of candidates) {
      if (o.serialNumber === undefined) {
        d.open();
        return d;
      }
      d.open();
      if ((await readSerial(d)) === o.serialNumber) return d;
      d.close();
    }
    throw new TransportError('TRANSPORT_OPEN_FAILED', `no USB device matches ${this.identity.path}`);
  }

  protected doWrite(data: Uint8Array): Promise<void> {
    const out = this.#out;
    if (!out)
      return Promise.reject(new TransportError('TRANSPORT_CLOSED', `${this.identity.path} is not open`));
    return new Promise<void>((resolve, reject) => {
      out.transfer(Buffer.from(data), (err) => (err ? reject(err) : resolve()));
    });
  }

  protected async doClose(): Promise<void> {
    const { inEp, iface, device } = { inEp: this.#in, iface: this.#iface, device: this.#device };
    this.#in = undefined;
    this.#out = undefined;
    this.#iface = undefined;
    this.#device = undefined;
    if (inEp) {
      inEp.removeAllListeners('data');
      inEp.removeAllListeners('error');
      inEp.on('error', () => undefined);
      if (inEp.pollActive) await new Promise<void>((resolve) => inEp.stopPoll(() => resolve()));
    }
    if (iface) await new Promise<void>((resolve) => iface.release(true, () => resolve()));
    if (device) {
      try {
        device.close();
      } catch {
        // The device is already gone (unplug); nothing left to release.
      }
    }
  }
}
