/**
 * The `DriverIo` of one connection: writes go to that connection's transport, timers run on the
 * session clock, scans and errors go to the session. When the connection ends, `dispose()` cancels
 * every timer the driver left behind and silences late callbacks, so a driver from a dead
 * connection can never deliver a scan or keep the process alive.
 */
import type { EhcError } from '../../protocol/errors.js';
import type { Clock } from '../transports/clock.js';
import { TransportError } from '../transports/errors.js';
import type { DriverIo, MonoNs, ScanEvent, Transport } from '../types.js';

export interface ConnectionSink {
  scan(scan: Omit<ScanEvent, 'deviceId'>): void;
  error(error: EhcError): void;
}

export class ConnectionIo implements DriverIo {
  #active = true;
  readonly #timers = new Set<() => void>();

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly sink: ConnectionSink,
  ) {}

  get active(): boolean {
    return this.#active;
  }

  /** Timers still pending (for tests and leak checks). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.#active) {
      return Promise.reject(
        new TransportError('TRANSPORT_CLOSED', `${this.transport.identity.path} is not open`),
      );
    }
    return this.transport.write(data);
  }

  emitScan(scan: Omit<ScanEvent, 'deviceId'>): void {
    if (this.#active) this.sink.scan(scan);
  }

  emitError(error: EhcError): void {
    if (this.#active) this.sink.error(error);
  }

  now(): MonoNs {
    return this.clock.nowNs();
  }

  setTimer(ms: number, fn: () => void): () => void {
    if (!this.#active) return () => undefined;
    const cancel = this.clock.setTimer(ms, () => {
      this.#timers.delete(cancel);
      if (this.#active) fn();
    });
    this.#timers.add(cancel);
    return () => {
      cancel();
      this.#timers.delete(cancel);
    };
  }

  dispose(): void {
    this.#active = false;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
  }
}
