/**
 * `@serialport/binding-mock` plus the knob it lacks: unplug. An unplugged port fails its pending
 * and later reads and writes with a non-cancelled error (what a real binding does on EIO/ENXIO),
 * which `@serialport/stream` turns into `close` with a `DisconnectedError`. Replug = open again.
 */

import type { SerialBinding } from '../../../devices/transports/native-types.js';
import { MockBinding, type MockPortBinding } from './mock-binding.js';

type Port = Awaited<ReturnType<SerialBinding['open']>>;

export class UnpluggablePort {
  #unplugged = false;
  #failRead: ((e: Error) => void) | undefined;

  constructor(readonly inner: MockPortBinding) {}

  get isOpen(): boolean {
    return this.inner.isOpen;
  }
  get openOptions() {
    return this.inner.openOptions;
  }
  get lastWrite(): Buffer | null {
    return this.inner.lastWrite;
  }
  get recording(): Buffer {
    return this.inner.recording;
  }

  emitData(data: Buffer | string): void {
    this.inner.emitData(data);
  }

  unplug(): void {
    this.#unplugged = true;
    this.#failRead?.(Object.assign(new Error('EIO: device unplugged'), { code: 'EIO' }));
  }

  read(buffer: Buffer, offset: number, length: number) {
    if (this.#unplugged) return Promise.reject(new Error('EIO: device unplugged'));
    return new Promise<{ buffer: Buffer; bytesRead: number }>((resolve, reject) => {
      this.#failRead = reject;
      this.inner.read(buffer, offset, length).then(resolve, (e: unknown) => {
        // A cancelled inner read after an unplug was already reported as the unplug.
        if (!this.#unplugged) reject(e);
      });
    });
  }
  write(buffer: Buffer) {
    if (this.#unplugged) return Promise.reject(new Error('EIO: device unplugged'));
    return this.inner.write(buffer);
  }
  close() {
    return this.inner.close();
  }
  update(o: { baudRate: number }) {
    return this.inner.update(o);
  }
  set(o: Parameters<MockPortBinding['set']>[0]) {
    return this.inner.set(o);
  }
  get() {
    return this.inner.get();
  }
  getBaudRate() {
    return this.inner.getBaudRate();
  }
  flush() {
    return this.inner.flush();
  }
  drain() {
    return this.inner.drain();
  }
}

export class UnpluggableBinding {
  /** The most recent open port per path. */
  readonly ports = new Map<string, UnpluggablePort>();
  opens = 0;

  list() {
    return MockBinding.list();
  }

  async open(options: Parameters<SerialBinding['open']>[0]): Promise<Port> {
    const inner = await MockBinding.open(options);
    const port = new UnpluggablePort(inner);
    this.ports.set(options.path, port);
    this.opens++;
    return port as unknown as Port;
  }

  port(path: string): UnpluggablePort {
    const p = this.ports.get(path);
    if (!p) throw new Error(`${path} was never opened`);
    return p;
  }

  asBinding(): SerialBinding {
    return this as unknown as SerialBinding;
  }
}
