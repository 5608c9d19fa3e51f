/**
 * An in-memory transport with failure knobs, for driver, session and manager tests. It keeps the
 * real contract (the shared `BaseTransport` state machine): one `disconnected` per open, writes
 * serialised and rejected when closed, no data after the end. Device output is delivered
 * asynchronously, as real ports do.
 */
import type { DeviceIdentity } from '../types.js';
import { BaseTransport, type BaseTransportOptions, type TransportLink } from './base.js';
import { TransportError } from './errors.js';

export interface MockTransportOptions extends BaseTransportOptions {
  readonly identity?: Partial<DeviceIdentity>;
  /** Called with each write (after it was accepted), e.g. to let a device engine answer. */
  readonly onWrite?: (data: Uint8Array, transport: MockTransport) => void;
}

export class MockTransport extends BaseTransport {
  readonly kind = 'mock' as const;
  readonly identity: DeviceIdentity;
  /** Every write, in order, across opens. */
  readonly written: Uint8Array[] = [];
  /** Number of successful opens. */
  opens = 0;
  /** When set, the next open fails with this error (then the knob clears). */
  failNextOpen: Error | undefined;
  readonly #onWrite: ((data: Uint8Array, transport: MockTransport) => void) | undefined;
  #link: TransportLink | undefined;

  constructor(options: MockTransportOptions = {}) {
    super(options);
    this.identity = { path: 'mock://0', ...options.identity };
    this.#onWrite = options.onWrite;
  }

  protected async doOpen(link: TransportLink): Promise<void> {
    await Promise.resolve();
    const failure = this.failNextOpen;
    if (failure) {
      this.failNextOpen = undefined;
      throw failure;
    }
    this.#link = link;
    this.opens++;
  }

  protected async doWrite(data: Uint8Array): Promise<void> {
    await Promise.resolve();
    const copy = Uint8Array.from(data);
    this.written.push(copy);
    this.#onWrite?.(copy, this);
  }

  protected async doClose(): Promise<void> {
    this.#link = undefined;
  }

  /** The device sends `bytes` (delivered on the next tick; dropped if the open ended by then). */
  feed(bytes: Uint8Array | string): void {
    const link = this.#link;
    if (!link) throw new Error('MockTransport.feed: not open');
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes);
    process.nextTick(() => link.data(data));
  }

  /** The device goes away now (reason `unplugged`). */
  unplug(): void {
    this.#link?.lost(
      'unplugged',
      new TransportError('TRANSPORT_DISCONNECTED', `${this.identity.path} unplugged`),
    );
  }
}
