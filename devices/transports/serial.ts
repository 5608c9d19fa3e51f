/**
 * Serial ports (RS-232, USB CDC-ACM virtual COM, pseudo-terminals) through `@serialport/stream`
 * with an injected binding: `@serialport/bindings-cpp` (loaded lazily) in production,
 * `@serialport/binding-mock` or a harness binding in tests.
 *
 * The stream reports an unplug as `close` with a `DisconnectedError` (`disconnected: true`); EOF
 * (zero-byte read) as `end`; both become one `disconnected` event with reason `unplugged`.
 */
import { SerialPortStream } from '@serialport/stream';
import type { DeviceIdentity } from '../types.js';
import { BaseTransport, type BaseTransportOptions, type TransportLink } from './base.js';
import { TransportError } from './errors.js';
import { type NativeLoader, nativeLoader } from './native.js';
import type { SerialBinding } from './native-types.js';

export interface SerialTransportOptions extends BaseTransportOptions {
  /** `/dev/ttyACM0`, `/dev/serial/by-id/…`, `COM3`, `/dev/pts/4`. */
  readonly path: string;
  /** Defaults to 9600 (the default of SSI, Honeywell, Newland and Grow devices). */
  readonly baudRate?: number;
  /** Defaults to 8. */
  readonly dataBits?: 5 | 6 | 7 | 8;
  /** Defaults to 1. */
  readonly stopBits?: 1 | 1.5 | 2;
  /** Defaults to `none`. */
  readonly parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  /** Hardware flow control; defaults to false. */
  readonly rtscts?: boolean;
  /** Exclusive open (flock / TIOCEXCL); defaults to true. */
  readonly lock?: boolean;
  /** The binding to use; defaults to `@serialport/bindings-cpp`'s `autoDetect()`, loaded lazily. */
  readonly binding?: SerialBinding;
  /** Where the default binding is loaded from (tests inject a failing loader). */
  readonly loader?: NativeLoader;
  /** What discovery knows about the device (vid, pid, serial number, USB location). */
  readonly identity?: Omit<DeviceIdentity, 'path'>;
}

export class SerialTransport extends BaseTransport {
  readonly kind = 'serial' as const;
  readonly identity: DeviceIdentity;
  readonly #options: SerialTransportOptions;
  #stream: SerialPortStream | undefined;

  constructor(options: SerialTransportOptions) {
    super(options);
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError('"path" must be a non-empty string');
    }
    const baud = options.baudRate ?? 9600;
    if (!Number.isInteger(baud) || baud <= 0) throw new TypeError('"baudRate" must be a positive integer');
    this.#options = options;
    this.identity = { ...options.identity, path: options.path };
  }

  get baudRate(): number {
    return this.#options.baudRate ?? 9600;
  }

  protected async doOpen(link: TransportLink): Promise<void> {
    const o = this.#options;
    const binding = o.binding ?? (await (o.loader ?? nativeLoader).serialBinding());
    const stream = new SerialPortStream({
      binding,
      path: o.path,
      baudRate: this.baudRate,
      dataBits: o.dataBits ?? 8,
      stopBits: o.stopBits ?? 1,
      parity: o.parity ?? 'none',
      rtscts: o.rtscts ?? false,
      lock: o.lock ?? true,
      autoOpen: false,
    });
    this.#stream = stream;
    await new Promise<void>((resolve, reject) => {
      stream.open((err) => (err ? reject(err) : resolve()));
    });
    stream.on('data', (chunk: Buffer) => {
      link.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    stream.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
      if (err) {
        link.lost(
          'unplugged',
          new TransportError('TRANSPORT_DISCONNECTED', `${o.path} disconnected`, { cause: err }),
        );
      }
    });
    stream.on('end', () => {
      link.lost('unplugged', new TransportError('TRANSPORT_DISCONNECTED', `${o.path} reached end of file`));
    });
    stream.on('error', (err: Error) => {
      link.lost('error', new TransportError('TRANSPORT_IO', `${o.path} failed`, { cause: err }));
    });
  }

  protected doWrite(data: Uint8Array): Promise<void> {
    const stream = this.#stream;
    if (!stream)
      return Promise.reject(new TransportError('TRANSPORT_CLOSED', `${this.identity.path} is not open`));
    return new Promise<void>((resolve, reject) => {
      stream.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  protected async doClose(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return;
    stream.removeAllListeners();
    // Late errors from a port that already went away are expected; swallow them.
    stream.on('error', () => undefined);
    if (stream.isOpen) {
      await new Promise<void>((resolve) => {
        stream.close(() => resolve());
      });
    }
    stream.destroy();
  }
}
