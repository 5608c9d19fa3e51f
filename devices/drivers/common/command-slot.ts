import type { DeviceError, DeviceErrorCode } from '../../transports/errors.js';
import type { DisconnectCause, DriverIo } from '../../types.js';
import { RequestSlot } from './request-slot.js';

/** A vendor driver's error class (`GrowError`, `NewlandError`, …): a `DeviceError` subclass. */
export type DeviceErrorClass<E extends DeviceError> = new (
  code: DeviceErrorCode,
  message: string,
  options?: { cause?: unknown },
) => E;

/** The `DEVICE_DISCONNECTED` error a driver's pending and later commands reject with after reset(). */
export function disconnectedError<E extends DeviceError>(
  Err: DeviceErrorClass<E>,
  vendor: string,
  cause: DisconnectCause,
): E {
  return new Err('DEVICE_DISCONNECTED', `${vendor} device disconnected (${cause.reason})`, {
    cause: cause.error,
  });
}

/**
 * The command side of one connection for request/reply drivers (Newland, Grow): a `RequestSlot`
 * opened at start() whose requests time out with `DEVICE_TIMEOUT` ("<Vendor> <label>: no reply"),
 * `DEVICE_NOT_STARTED` before start(), and after disconnect() every pending and later command
 * rejects with the same `DEVICE_DISCONNECTED` error.
 */
export class CommandSlot<C, T, E extends DeviceError> {
  private slot: RequestSlot<C, T> | undefined;
  private goneWith: E | undefined;

  constructor(
    private readonly vendor: string,
    private readonly Err: DeviceErrorClass<E>,
  ) {}

  /** The disconnect error once the transport went away. */
  get gone(): E | undefined {
    return this.goneWith;
  }

  /** The request waiting for its reply, if any. */
  get current(): { readonly label: string; readonly ctx: C } | undefined {
    return this.slot?.current;
  }

  open(io: DriverIo): void {
    this.slot = new RequestSlot({
      setTimer: (ms, fn) => io.setTimer(ms, fn),
      timeoutError: (label) => new this.Err('DEVICE_TIMEOUT', `${this.vendor} ${label}: no reply`),
    });
  }

  /** The slot to send on; throws the disconnect error, or `DEVICE_NOT_STARTED` before open(). */
  ready(): RequestSlot<C, T> {
    if (this.goneWith) throw this.goneWith;
    if (!this.slot) throw new this.Err('DEVICE_NOT_STARTED', `${this.vendor} command before start()`);
    return this.slot;
  }

  /** Answers the current request. */
  resolve(value: T): void {
    this.slot?.resolve(value);
  }

  disconnect(cause: DisconnectCause): void {
    this.goneWith = disconnectedError(this.Err, this.vendor, cause);
    this.slot?.close(this.goneWith);
  }
}
