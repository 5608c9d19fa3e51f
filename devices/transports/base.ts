/**
 * The common half of every transport: the open/close state machine, exactly one `disconnected`
 * per open, serialised writes and typed errors. A concrete transport only implements `doOpen`
 * (acquire the handle, wire its events to the `TransportLink`), `doWrite` and `doClose` (release
 * the handle; called once per open, also after the device went away).
 */
import { EventEmitter } from 'node:events';
import { type EhcError, isEhcError } from '../../protocol/errors.js';
import type {
  DeviceIdentity,
  DisconnectCause,
  DisconnectReason,
  MonoNs,
  Transport,
  TransportEvents,
  TransportKind,
} from '../types.js';
import { TransportError } from './errors.js';

/**
 * What a concrete transport reports back for one open. Calls after the open ended (closed, lost,
 * or a later re-open) are ignored, so stale native callbacks can never leak into a new session.
 */
export interface TransportLink {
  /** True until this open ends. */
  readonly active: boolean;
  /** A chunk (HID: one whole input report, report id first) arrived from the device. */
  data(chunk: Uint8Array): void;
  /** The device went away or the channel failed; ends this open (only the first call counts). */
  lost(reason: Exclude<DisconnectReason, 'closed'>, error: EhcError): void;
}

type State = 'closed' | 'opening' | 'open' | 'closing';

class Link implements TransportLink {
  active = true;
  lostWhileOpening: { reason: Exclude<DisconnectReason, 'closed'>; error: EhcError } | undefined;

  constructor(
    private readonly onData: (link: Link, chunk: Uint8Array) => void,
    private readonly onLost: (
      link: Link,
      reason: Exclude<DisconnectReason, 'closed'>,
      error: EhcError,
    ) => void,
  ) {}

  data(chunk: Uint8Array): void {
    if (this.active) this.onData(this, chunk);
  }

  lost(reason: Exclude<DisconnectReason, 'closed'>, error: EhcError): void {
    if (this.active) this.onLost(this, reason, error);
  }
}

export interface BaseTransportOptions {
  /** Monotonic clock for `data` timestamps (default `process.hrtime.bigint`). */
  readonly nowNs?: () => MonoNs;
}

export abstract class BaseTransport extends EventEmitter<TransportEvents> implements Transport {
  abstract readonly kind: TransportKind;
  abstract readonly identity: DeviceIdentity;

  #state: State = 'closed';
  #link: Link | undefined;
  #opening: Promise<void> | undefined;
  #ending: Promise<void> | undefined;
  #writes: Promise<unknown> = Promise.resolve();
  readonly #nowNs: () => MonoNs;

  constructor(options: BaseTransportOptions = {}) {
    super();
    this.#nowNs = options.nowNs ?? (() => process.hrtime.bigint());
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Acquire the handle and wire its events to `link`. Throw to fail the open. */
  protected abstract doOpen(link: TransportLink): Promise<void>;
  /** Send bytes (or one HID output report). Only called while open, one at a time. */
  protected abstract doWrite(data: Uint8Array): Promise<void>;
  /** Release the handle. Called once per successful open, and after a failed open. */
  protected abstract doClose(): Promise<void>;

  open(): Promise<void> {
    if (this.#state !== 'closed') {
      return Promise.reject(
        new TransportError('TRANSPORT_OPEN_FAILED', `${this.identity.path} is already open or opening`),
      );
    }
    this.#state = 'opening';
    const link = new Link(
      (l, chunk) => this.#onData(l, chunk),
      (l, reason, error) => this.#onLost(l, reason, error),
    );
    this.#link = link;
    this.#opening = this.#open(link).finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #open(link: Link): Promise<void> {
    let failure: unknown;
    try {
      await this.doOpen(link);
      if (link.lostWhileOpening) failure = link.lostWhileOpening.error;
    } catch (e) {
      failure = e;
    }
    if (failure === undefined) {
      this.#state = 'open';
      return;
    }
    link.active = false;
    this.#link = undefined;
    await this.doClose().catch(() => undefined);
    this.#state = 'closed';
    throw isEhcError(failure)
      ? failure
      : new TransportError('TRANSPORT_OPEN_FAILED', `cannot open ${this.identity.path}`, { cause: failure });
  }

  write(data: Uint8Array): Promise<void> {
    return this.enqueue(() => this.doWrite(data));
  }

  /**
   * Runs `op` after every earlier write finished, while this open is still active. Subclasses use
   * it for other exclusive operations (HID feature reports).
   */
  protected enqueue<T>(op: () => Promise<T>): Promise<T> {
    const link = this.#link;
    if (this.#state !== 'open' || !link) return Promise.reject(this.#closedError());
    const run = async (): Promise<T> => {
      if (!link.active) throw this.#closedError();
      try {
        return await op();
      } catch (e) {
        if (isEhcError(e)) throw e;
        if (!link.active) throw new TransportError('TRANSPORT_CLOSED', this.#closedMessage(), { cause: e });
        throw new TransportError('TRANSPORT_IO', `write to ${this.identity.path} failed`, { cause: e });
      }
    };
    const result = this.#writes.then(run, run);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    if (this.#state === 'closed') return this.#ending ?? Promise.resolve();
    if (this.#state === 'opening') {
      const opening = this.#opening ?? Promise.resolve();
      return opening.then(
        () => this.close(),
        () => undefined,
      );
    }
    if (this.#state === 'closing') return this.#ending ?? Promise.resolve();
    const link = this.#link;
    this.#state = 'closing';
    this.#link = undefined;
    if (link) link.active = false;
    this.#ending = this.#end({ reason: 'closed' });
    return this.#ending;
  }

  #onData(link: Link, chunk: Uint8Array): void {
    if (link !== this.#link || chunk.length === 0) return;
    this.emit('data', chunk, this.#nowNs());
  }

  #onLost(link: Link, reason: Exclude<DisconnectReason, 'closed'>, error: EhcError): void {
    if (link !== this.#link) return;
    if (this.#state === 'opening') {
      link.lostWhileOpening ??= { reason, error };
      return;
    }
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    this.#link = undefined;
    link.active = false;
    this.#ending = this.#end({ reason, error });
  }

  /** Releases the handle, then reports the end of this open exactly once. */
  async #end(cause: DisconnectCause): Promise<void> {
    let closeError: unknown;
    try {
      await this.doClose();
    } catch (e) {
      closeError = e;
    }
    this.#state = 'closed';
    this.#ending = undefined;
    const final: DisconnectCause =
      cause.reason === 'closed' && closeError !== undefined
        ? {
            reason: 'closed',
            error: new TransportError('TRANSPORT_IO', `closing ${this.identity.path} failed`, {
              cause: closeError,
            }),
          }
        : cause;
    this.emit('disconnected', final);
  }

  #closedMessage(): string {
    return `${this.identity.path} is not open`;
  }

  #closedError(): TransportError {
    return new TransportError('TRANSPORT_CLOSED', this.#closedMessage());
  }
}
