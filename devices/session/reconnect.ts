/**
 * Reconnect with exponential back-off: when a session loses its device (and was not closed), try
 * `openTransport()` + `session.connect()` after `initialDelayMs`, doubling up to `maxDelayMs`.
 * `poke()` tries at once (the manager calls it when the device re-appears). The scanner keeps
 * its id and logical state; only the transport is new.
 */
import { EventEmitter } from 'node:events';
import { type EhcError, toEhcError } from '../../protocol/errors.js';
import { type Clock, systemClock } from '../transports/clock.js';
import type { ScannerStatus, Transport } from '../types.js';
import type { ScannerSession } from './session.js';

export interface BackoffOptions {
  /** Defaults to 200 ms. */
  readonly initialDelayMs?: number;
  /** Defaults to 10 000 ms. */
  readonly maxDelayMs?: number;
  /** Defaults to 2. */
  readonly factor?: number;
}

export function backoffDelays(options: BackoffOptions = {}): (attempt: number) => number {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  if (!(initial > 0) || !(max >= initial) || !(factor >= 1)) {
    throw new TypeError('back-off needs initialDelayMs > 0, maxDelayMs >= initialDelayMs, factor >= 1');
  }
  return (attempt) => Math.min(max, initial * factor ** Math.max(0, attempt));
}

export interface ReconnectorEvents {
  /** A reconnect attempt failed; the next one is in `nextDelayMs`. */
  failed: [error: EhcError, nextDelayMs: number];
  reconnected: [attempts: number];
}

export class Reconnector extends EventEmitter<ReconnectorEvents> {
  readonly #session: ScannerSession;
  readonly #openTransport: () => Transport | Promise<Transport>;
  readonly #clock: Clock;
  readonly #delay: (attempt: number) => number;
  #attempt = 0;
  #cancel: (() => void) | undefined;
  #running = false;
  #stopped = true;
  readonly #onStatus = (s: ScannerStatus) => {
    if (s.state === 'closed') this.#clearTimer();
    else if (!s.connected && !this.#cancel) this.#schedule(this.#delay(this.#attempt));
  };

  constructor(
    session: ScannerSession,
    openTransport: () => Transport | Promise<Transport>,
    options: { readonly clock?: Clock; readonly backoff?: BackoffOptions } = {},
  ) {
    super();
    this.#session = session;
    this.#openTransport = openTransport;
    this.#clock = options.clock ?? systemClock;
    this.#delay = backoffDelays(options.backoff);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#session.on('status', this.#onStatus);
    if (!this.#session.connected && this.#session.state !== 'closed') this.#schedule(this.#delay(0));
  }

  stop(): void {
    this.#stopped = true;
    this.#session.off('status', this.#onStatus);
    this.#clearTimer();
  }

  /** Try now (e.g. the device was just seen again), resetting the back-off. */
  poke(): void {
    if (this.#stopped || this.#running || this.#session.connected || this.#session.state === 'closed') return;
    this.#attempt = 0;
    this.#clearTimer();
    void this.#tryOnce();
  }

  get pending(): boolean {
    return this.#cancel !== undefined;
  }

  #schedule(ms: number): void {
    if (this.#stopped || this.#running) return;
    this.#clearTimer();
    this.#cancel = this.#clock.setTimer(ms, () => {
      this.#cancel = undefined;
      void this.#tryOnce();
    });
  }

  #clearTimer(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  async #tryOnce(): Promise<void> {
    if (this.#stopped || this.#running || this.#session.connected || this.#session.state === 'closed') return;
    this.#running = true;
    this.#attempt++;
    try {
      const transport = await this.#openTransport();
      await this.#session.connect(transport);
      const attempts = this.#attempt;
      this.#attempt = 0;
      this.#running = false;
      this.emit('reconnected', attempts);
    } catch (e) {
      this.#running = false;
      const next = this.#delay(this.#attempt);
      this.emit('failed', toEhcError(e, 'DEVICE_DISCONNECTED', 'reconnect failed'), next);
      if (!this.#session.connected) this.#schedule(next);
    }
  }
}
