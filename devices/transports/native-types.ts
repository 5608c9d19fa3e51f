/**
 * The parts of the native modules (`@serialport/bindings-cpp`, `node-hid`, `usb`) the transports
 * use, as structural types. Tests pass fakes of exactly these shapes; production passes the real
 * modules, loaded lazily by `native.ts`. Types only — nothing here loads a native module.
 */
import type { SerialPortStream } from '@serialport/stream';

/** A serialport binding (`@serialport/bindings-interface`'s `BindingInterface`). */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
/** One entry of `binding.list()`: path, manufacturer, serialNumber, pnpId, locationId, vendorId, productId. */
export type SerialPortInfo = Awaited<ReturnType<SerialBinding['list']>>[number];

// ───────────── node-hid (async API) ─────────────

/** One entry of `HID.devicesAsync()`: one per interface / top-level collection. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly release: number;
  readonly interface: number;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
}

/** An open `HIDAsync` device. Without a `data` listener nothing is read. */
export interface HidAsyncHandle {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  /** `values[0]` is the report id (0 when the device has no numbered reports). */
  write(values: number[] | Buffer): Promise<number>;
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  getFeatureReport(reportId: number, reportLength: number): Promise<Buffer>;
  close(): Promise<void>;
}

export interface HidModule {
  readonly HIDAsync: {
    open(path: string, options?: { nonExclusive?: boolean }): Promise<HidAsyncHandle>;
  };
  devicesAsync(): Promise<HidDeviceInfo[]>;
  getHidapiVersion(): string;
}

// ───────────── usb (node-usb, legacy API) ─────────────

export interface UsbEndpointBase {
  readonly direction: 'in' | 'out';
  /** `usb.LIBUSB_TRANSFER_TYPE_BULK` = 2. */
  readonly transferType: number;
  readonly address: number;
  /** Transfer timeout in ms; node-usb's default 0 means infinite. */
  timeout: number;
  readonly descriptor: { readonly wMaxPacketSize: number };
}

export interface UsbInEndpoint extends UsbEndpointBase {
  readonly direction: 'in';
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  startPoll(nTransfers?: number, transferSize?: number): unknown;
  stopPoll(callback?: () => void): void;
  readonly pollActive: boolean;
}

export interface UsbOutEndpoint extends UsbEndpointBase {
  readonly direction: 'out';
  transfer(buffer: Buffer, callback?: (error: unknown, actual: number) => void): unknown;
}

export interface UsbInterfaceHandle {
  readonly interfaceNumber: number;
  readonly endpoints: ReadonlyArray<UsbInEndpoint | UsbOutEndpoint>;
  claim(): void;
  release(closeEndpoints: boolean, callback: (error?: unknown) => void): void;
  isKernelDriverActive(): boolean;
  detachKernelDriver(): void;
}

export interface UsbDeviceHandle {
  readonly busNumber: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: {
    readonly idVendor: number;
    readonly idProduct: number;
    readonly iSerialNumber: number;
  };
  open(): void;
  close(): void;
  interface(interfaceNumber: number): UsbInterfaceHandle;
  getStringDescriptor(index: number, callback: (error: unknown, value?: string) => void): void;
}

export interface UsbHotplugEmitter {
  on(event: 'attach' | 'detach', listener: (device: UsbDeviceHandle) => void): void;
  removeListener(event: 'attach' | 'detach', listener: (device: UsbDeviceHandle) => void): void;
  /** Lets the process exit while hot-plug listeners are attached. */
  unrefHotplugEvents(): void;
}

export interface UsbModule {
  getDeviceList(): UsbDeviceHandle[];
  readonly usb: UsbHotplugEmitter;
}

export const LIBUSB_TRANSFER_TYPE_BULK = 2;

/** `1-1.4`: bus number, then the port chain (the Linux sysfs spelling). */
export function usbLocationOf(device: Pick<UsbDeviceHandle, 'busNumber' | 'portNumbers'>): string {
  return device.portNumbers.length === 0
    ? `${device.busNumber}`
    : `${device.busNumber}-${device.portNumbers.join('.')}`;
}
