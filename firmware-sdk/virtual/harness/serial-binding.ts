import type { SerialPortStream } from '@serialport/stream';
import type { DeviceEngine } from '../types.js';
import { HarnessError } from './errors.js';
import { VirtualLink, type VirtualLinkOptions } from './link.js';

/** `@serialport/bindings-interface` types, taken from `@serialport/stream` (a direct dependency). */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
type BindingPort = Awaited<ReturnType<SerialBinding['open']>>;
type OpenOptions = Parameters<SerialBinding['open']>[0];
type PortInfo = Awaited<ReturnType<SerialBinding['list']>>[number];
type UpdateOptions = Parameters<BindingPort['update']>[0];
type SetOptions = Parameters<BindingPort['set']>[0];
type PortStatus = Awaited<ReturnType<BindingPort['get']>>;

export interface VirtualPortOptions extends VirtualLinkOptions {
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** Hex strings, as `SerialPort.list()` reports them on Linux (`'0c2e'`). */
  readonly vendorId?: string;
  readonly productId?: string;
  readonly pnpId?: string;
  readonly locationId?: string;
}

/** `@serialport/binding-mock` keeps at most this much in `recording`; so do we. */
const MAX_RECORDING = 1024 * 1024;

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

interface PortEntry {
  readonly link: VirtualLink;
  readonly info: PortInfo;
  open: VirtualPortBinding | undefined;
}

/**
 * A serial binding (the `BindingInterface` of node-serialport) whose ports are virtual devices:
 * `new SerialPortStream({ binding, path, baudRate })` or the project's `SerialTransport` with
 * `binding` talks to a `DeviceEngine` exactly as to a real port. Unlike `@serialport/binding-mock`
 * the registry is per instance (tests do not share global state). The contract it enforces:
 * - `open` is exclusive (a second open of the same path rejects `HARNESS_PORT_BUSY`) and refused
 *   while the device is unplugged or unknown;
 * - `write` must not overlap (`HARNESS_OVERLAPPING_WRITE`); every call resolves asynchronously;
 * - `read` resolves with at least one byte, one delivered piece at most (so chunking is visible);
 * - `close` cancels a pending read (`canceled: true`); an unplug fails it with `disconnected: true`.
 *
 * Port objects also offer binding-mock's test helpers: `emitData`, `lastWrite`, `recording`.
 */
export class VirtualSerialBinding implements SerialBinding {
  readonly #ports = new Map<string, PortEntry>();

  /** Adds a virtual device at `path`; returns its link (the knobs). */
  createPort(path: string, engine: DeviceEngine, options: VirtualPortOptions = {}): VirtualLink {
    if (this.#ports.has(path))
      throw new HarnessError('HARNESS_PORT_BUSY', `a port already exists at ${path}`);
    const { manufacturer, serialNumber, vendorId, productId, pnpId, locationId, ...linkOptions } = options;
    const link = new VirtualLink(engine, linkOptions);
    const id = engine.identity;
    const hex = (n: number | undefined) => (n === undefined ? undefined : n.toString(16).padStart(4, '0'));
    const info: PortInfo = {
      path,
      manufacturer: manufacturer ?? id.vendor,
      serialNumber: serialNumber ?? id.serial,
      pnpId,
      locationId,
      vendorId: vendorId ?? hex(id.vid),
      productId: productId ?? hex(id.pid),
    };
    const entry: PortEntry = { link, info, open: undefined };
    link.on('unplug', () => entry.open?.unplugged());
    this.#ports.set(path, entry);
    return link;
  }

  /** Removes a device (closing it first, as an unplug would). */
  removePort(path: string): void {
    const e = this.#ports.get(path);
    if (!e) return;
    e.link.unplug();
    e.link.dispose();
    this.#ports.delete(path);
  }

  /** Removes every device. */
  reset(): void {
    for (const path of [...this.#ports.keys()]) this.removePort(path);
  }

  link(path: string): VirtualLink | undefined {
    return this.#ports.get(path)?.link;
  }

  async list(): Promise<PortInfo[]> {
    await tick();
    return [...this.#ports.values()].filter((e) => e.link.plugged).map((e) => ({ ...e.info }));
  }

  async open(options: OpenOptions): Promise<VirtualPortBinding> {
    if (typeof options?.path !== 'string' || !options.path) {
      throw new HarnessError('HARNESS_BAD_OPTION', '"path" is not a valid port');
    }
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      throw new HarnessError('HARNESS_BAD_OPTION', '"baudRate" is not a valid baud rate');
    }
    await tick();
    const e = this.#ports.get(options.path);
    if (!e?.link.plugged) {
      throw new HarnessError('HARNESS_NO_SUCH_PORT', `no device at ${options.path}`);
    }
    if (e.open) throw new HarnessError('HARNESS_PORT_BUSY', `${options.path} is already open`);
    const openOptions: Required<OpenOptions> = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    };
    const port = new VirtualPortBinding(e.link, openOptions, () => {
      if (e.open === port) e.open = undefined;
    });
    e.open = port;
    e.link.connect(port);
    return port;
  }
}

interface PendingRead {
  readonly buffer: Buffer;
  readonly offset: number;
  readonly length: number;
  readonly resolve: (r: { buffer: Buffer; bytesRead: number }) => void;
  readonly reject: (e: unknown) => void;
}

export class VirtualPortBinding implements BindingPort {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  lastWrite: Buffer | null = null;
  recording: Buffer = Buffer.alloc(0);
  readonly #link: VirtualLink;
  readonly #onClose: () => void;
  readonly #pieces: Uint8Array[] = [];
  #pendingRead: PendingRead | undefined;
  #writing = false;
  #unplugged = false;
  #baudRate: number;

  constructor(link: VirtualLink, openOptions: Required<OpenOptions>, onClose: () => void) {
    this.#link = link;
    this.openOptions = openOptions;
    this.#onClose = onClose;
    this.#baudRate = openOptions.baudRate;
  }

  /** Called by the link: bytes from the device. */
  deliver(piece: Uint8Array): void {
    this.#pieces.push(piece);
    this.#fulfil();
  }

  /** Called on unplug: the pending read fails as a disconnect; the stream then closes the port. */
  unplugged(): void {
    this.#unplugged = true;
    this.#pieces.length = 0;
    const r = this.#pendingRead;
    this.#pendingRead = undefined;
    r?.reject(new HarnessError('HARNESS_UNPLUGGED', 'the device was unplugged'));
  }

  /** binding-mock compatible: bytes to the host as if the device sent them. */
  emitData(data: Buffer | string): void {
    if (!this.isOpen) throw new HarnessError('HARNESS_PORT_CLOSED', 'port must be open to receive data');
    this.#link.inject(typeof data === 'string' ? Buffer.from(data) : data);
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!Buffer.isBuffer(buffer) || buffer.length < offset + length || length < 1) {
      throw new HarnessError('HARNESS_BAD_OPTION', 'read: bad buffer, offset or length');
    }
    this.#check();
    if (this.#pendingRead) throw new HarnessError('HARNESS_BAD_OPTION', 'read: a read is already pending');
    await tick();
    this.#check();
    return new Promise((resolve, reject) => {
      this.#pendingRead = { buffer, offset, length, resolve, reject };
      this.#fulfil();
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!Buffer.isBuffer(buffer))
      throw new HarnessError('HARNESS_BAD_OPTION', 'write: "buffer" is not a Buffer');
    this.#check();
    if (this.#writing) {
      throw new HarnessError('HARNESS_OVERLAPPING_WRITE', 'overlapping writes are not supported');
    }
    this.#writing = true;
    try {
      await tick();
      if (!this.isOpen) throw new HarnessError('HARNESS_CANCELED', 'write canceled: the port was closed');
      this.#check();
      const data = Buffer.from(buffer);
      this.lastWrite = data;
      if (this.recording.length + data.length <= MAX_RECORDING)
        this.recording = Buffer.concat([this.recording, data]);
      this.#link.fromHost(data);
    } finally {
      this.#writing = false;
    }
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new HarnessError('HARNESS_PORT_CLOSED', 'port is not open');
    this.isOpen = false;
    const r = this.#pendingRead;
    this.#pendingRead = undefined;
    r?.reject(new HarnessError('HARNESS_CANCELED', 'read canceled: the port was closed'));
    this.#pieces.length = 0;
    this.#link.disconnect();
    this.#onClose();
  }

  async update(options: UpdateOptions): Promise<void> {
    if (!Number.isInteger(options?.baudRate) || options.baudRate <= 0) {
      throw new HarnessError('HARNESS_BAD_OPTION', '"baudRate" is not a valid baud rate');
    }
    this.#check();
    await tick();
    this.#baudRate = options.baudRate;
  }

  async set(_options: SetOptions): Promise<void> {
    this.#check();
    await tick();
  }

  async get(): Promise<PortStatus> {
    this.#check();
    await tick();
    return { cts: true, dsr: true, dcd: false };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.#check();
    await tick();
    return { baudRate: this.#baudRate };
  }

  async flush(): Promise<void> {
    this.#check();
    await tick();
    this.#pieces.length = 0;
  }

  async drain(): Promise<void> {
    this.#check();
    await tick();
  }

  #check(): void {
    if (!this.isOpen) throw new HarnessError('HARNESS_PORT_CLOSED', 'port is not open');
    if (this.#unplugged) throw new HarnessError('HARNESS_UNPLUGGED', 'the device was unplugged');
  }

  #fulfil(): void {
    const r = this.#pendingRead;
    const piece = this.#pieces[0];
    if (!r || !piece) return;
    this.#pendingRead = undefined;
    const n = Math.min(r.length, piece.length);
    r.buffer.set(piece.subarray(0, n), r.offset);
    if (n < piece.length) this.#pieces[0] = piece.subarray(n);
    else this.#pieces.shift();
    process.nextTick(() => r.resolve({ buffer: r.buffer, bytesRead: n }));
  }
}
