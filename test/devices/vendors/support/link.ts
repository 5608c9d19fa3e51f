import type { DisconnectCause, Driver, DriverIo, ScanEvent } from '../../../../devices/types.js';
import type { DeviceEngine } from '../../../../firmware-sdk/virtual/types.js';
import type { EhcError } from '../../../../protocol/errors.js';
import { FakeClock } from './clock.js';

/**
 * Connects a driver and a virtual device engine back to back in memory. Each direction is an
 * ordered queue delivered asynchronously (like a real transport); filters let a test split,
 * corrupt, drop or hold bytes; `unplug()` cuts both ways and resets the driver.
 */
export type Filter = (chunk: Uint8Array) => Uint8Array[];

export interface LinkOptions {
  readonly clock?: FakeClock;
  /** Device → host: each sink call passes through this (default: unchanged). */
  readonly toHost?: Filter;
  /** Host → device: each write passes through this (default: unchanged). */
  readonly toDevice?: Filter;
}

export class Link {
  readonly clock: FakeClock;
  readonly scans: ScanEvent[] = [];
  readonly errors: EhcError[] = [];
  readonly written: Uint8Array[] = [];
  readonly emitted: Uint8Array[] = [];
  toHost: Filter;
  toDevice: Filter;
  private plugged = true;
  private inFlight = 0;
  private holdAfter: number | undefined;
  readonly io: DriverIo;

  constructor(
    readonly driver: Driver,
    readonly engine: DeviceEngine,
    options: LinkOptions = {},
  ) {
    this.clock = options.clock ?? new FakeClock();
    this.toHost = options.toHost ?? ((c) => [c]);
    this.toDevice = options.toDevice ?? ((c) => [c]);
    this.io = {
      write: async (data) => {
        if (!this.plugged) throw new Error('link unplugged');
        const copy = Uint8Array.from(data);
        this.written.push(copy);
        for (const piece of this.toDevice(copy)) this.deliver(() => this.engine.receive(piece));
      },
      emitScan: (scan) => this.scans.push({ ...scan, deviceId: 'virtual' }),
      emitError: (e) => this.errors.push(e),
      now: () => this.clock.now,
      setTimer: this.clock.setTimer,
    };
    engine.attach((data) => this.fromDevice(data));
  }

  /** Holds device output after `bytes` more bytes (a stall); the rest is never delivered. */
  holdDeviceOutputAfter(bytes: number): void {
    this.holdAfter = bytes;
  }

  /** Lets every queued delivery and the reactions to it run (no timers fire). */
  async settle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.inFlight === 0) return;
    }
    throw new Error('link did not settle');
  }

  /** Awaits `p`, settling I/O and firing the fake clock's timers until it is done. */
  async run<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const watched = p.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    for (let i = 0; i < 10_000; i++) {
      await this.settle();
      if (done) return watched;
      if (!this.clock.fireNext()) break;
    }
    await this.settle();
    if (done) return watched;
    throw new Error('promise never settled (no timers left)');
  }

  unplug(cause: DisconnectCause = { reason: 'unplugged' }): void {
    this.plugged = false;
    this.engine.attach(undefined);
    this.driver.reset(cause);
  }

  private fromDevice(data: Uint8Array): void {
    if (!this.plugged) return;
    let chunk = Uint8Array.from(data);
    if (this.holdAfter !== undefined) {
      const n = Math.min(this.holdAfter, chunk.length);
      this.holdAfter -= n;
      chunk = chunk.subarray(0, n);
      if (chunk.length === 0) return;
    }
    this.emitted.push(chunk);
    for (const piece of this.toHost(chunk)) {
      this.deliver(() => this.driver.receive(piece, this.clock.now));
    }
  }

  private deliver(fn: () => void): void {
    this.inFlight++;
    queueMicrotask(() => {
      this.inFlight--;
      if (this.plugged) fn();
    });
  }
}

/** Splits every chunk into pieces of the given sizes (cycled). */
export function splitter(sizes: readonly number[]): Filter {
  let k = 0;
  return (chunk) => {
    const out: Uint8Array[] = [];
    for (let at = 0; at < chunk.length; ) {
      const n = Math.max(1, sizes[k++ % sizes.length] ?? 1);
      out.push(chunk.subarray(at, at + n));
      at += n;
    }
    return out;
  };
}

/** Drops the first chunk matching `pred` (a lost packet), passes everything else. */
export function dropFirst(pred: (chunk: Uint8Array) => boolean): Filter {
  let dropped = false;
  return (chunk) => {
    if (!dropped && pred(chunk)) {
      dropped = true;
      return [];
    }
    return [chunk];
  };
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?=.)/g, '$1 ');
