/**
 * HID devices through node-hid's async API (`HIDAsync`), report-id aware: every `data` chunk is one
 * whole input report with the report id first, and `write(data)` takes the report id in
 * `data[0]` (0x00 for devices without numbered reports). For devices without numbered reports
 * (`numberedReports: false`) a 0x00 id is prepended to incoming reports, so drivers always see the
 * same layout.
 *
 * node-hid has no unplug event: an unplugged device surfaces as an `error` from the read loop
 * ("could not read from HID device"), which ends the open with reason `unplugged`. Keyboards —
 * including scanners in keyboard mode — cannot be read (the OS owns them); see
 * `devices/drivers/keyboard`.
 */
import type { DeviceIdentity } from '../types.js';
import { BaseTransport, type BaseTransportOptions, type TransportLink } from './base.js';
import { TransportError } from './errors.js';
import { type NativeLoader, nativeLoader } from './native.js';
import type { HidAsyncHandle, HidModule } from './native-types.js';

export interface HidTransportOptions extends BaseTransportOptions {
  /** The `path` from `HID.devicesAsync()` (hidraw node on Linux). */
  readonly path: string;
  /** Share the device with other processes (macOS; ignored elsewhere). Defaults to false. */
  readonly nonExclusive?: boolean;
  /** Whether the device uses numbered reports (HID POS scanners do). Defaults to true. */
  readonly numberedReports?: boolean;
  /** The node-hid module; defaults to the real one, loaded lazily. */
  readonly hid?: HidModule;
  readonly loader?: NativeLoader;
  readonly identity?: Omit<DeviceIdentity, 'path'>;
}

export class HidTransport extends BaseTransport {
  readonly kind = 'hid' as const;
  readonly identity: DeviceIdentity;
  readonly #options: HidTransportOptions;
  #device: HidAsyncHandle | undefined;

  constructor(options: HidTransportOptions) {
    super(options);
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError('"path" must be a non-empty string');
    }
    this.#options = options;
    this.identity = { ...options.identity, path: options.path };
  }

  protected async doOpen(link: TransportLink): Promise<void> {
    const o = this.#options;
    const hid = o.hid ?? (await (o.loader ?? nativeLoader).hid());
    const device = await hid.HIDAsync.open(o.path, { nonExclusive: o.nonExclusive ?? false });
    this.#device = device;
    const prefix = o.numberedReports === false;
    device.on('data', (report: Buffer) => {
      const bytes = new Uint8Array(report.buffer, report.byteOffset, report.byteLength);
      if (!prefix) {
        link.data(bytes);
        return;
      }
      const withId = new Uint8Array(bytes.length + 1);
      withId.set(bytes, 1);
      link.data(withId);
    });
    device.on('error', (err: unknown) => {
      link.lost(
        'unplugged',
        new TransportError('TRANSPORT_DISCONNECTED', `HID device ${o.path} stopped reading`, { cause: err }),
      );
    });
  }

  protected async doWrite(data: Uint8Array): Promise<void> {
    if (data.length === 0) throw new TypeError('a HID write needs at least the report id byte');
    await this.#handle().write(Buffer.from(data));
  }

  /** Sends a feature report; `data[0]` is the report id (e.g. Honeywell 0xFE output redirection). */
  sendFeatureReport(data: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      await this.#handle().sendFeatureReport(Buffer.from(data));
    });
  }

  /** Reads a feature report; the result starts with the report id. */
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    return this.enqueue(async () => {
      const b = await this.#handle().getFeatureReport(reportId, length);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    });
  }

  #handle(): HidAsyncHandle {
    const d = this.#device;
    if (!d) throw new TransportError('TRANSPORT_CLOSED', `${this.identity.path} is not open`);
    return d;
  }

  protected async doClose(): Promise<void> {
    const device = this.#device;
    this.#device = undefined;
    if (!device) return;
    device.removeAllListeners('data');
    device.removeAllListeners('error');
    device.on('error', () => undefined);
    await device.close().catch(() => undefined);
  }
}
