/**
 * The hardware abstraction layer a terminal's firmware implements so the runtime
 * (`firmware-sdk/runtime`) can drive it. Types only; behaviour is in the doc comments. Every
 * method is called from the runtime's single thread of control and must not block: slow work
 * (flash writes, image capture, self-tests) returns a promise or is queued by the implementation.
 *
 * The virtual terminal (`firmware-sdk/virtual/native`) implements all of it in memory; real
 * firmware plugs in its UART/USB-CDC driver, imaging engine, buzzer, LEDs, monotonic timer and
 * flash.
 */
import type { ImageFormat, WireCharset, WireSymbology } from '../../protocol/device/messages.js';

// ───────────────────────────── transport ─────────────────────────────

/** Where the transport delivers what happens on the host link. */
export interface HalLinkHandlers {
  /** Bytes from the host, in order, split anywhere. */
  data(bytes: Uint8Array): void;
  /**
   * The link came up: host port opened (DTR asserted, USB configured), TCP connection accepted.
   * A transport that cannot detect this (a bare UART) calls it once after `open()`.
   */
  up(): void;
  /** The link went down: writes are dropped until the next `up()`. */
  down(): void;
}

/** The byte link to the host: a UART, a USB CDC-ACM function, a TCP socket. */
export interface HalTransport {
  /** Starts delivering to `handlers`; if the link is already up, `handlers.up()` follows. */
  open(handlers: HalLinkHandlers): void;
  /**
   * Queues bytes for the host without blocking. Returns false when the link is down (the bytes
   * are dropped; the runtime keeps unacknowledged scans and re-sends them after `up()`).
   */
  write(bytes: Uint8Array): boolean;
  /** Stops delivering; no handler is called afterwards. */
  close(): void;
}

// ───────────────────────────── imager / decoder ─────────────────────────────

/** One symbol the imaging engine decoded. Bytes, never a pre-rendered string. */
export interface DecodedSymbol {
  readonly payload: Uint8Array;
  readonly symbology: WireSymbology;
  /** The charset the symbol declared (ECI) or the device knows; omit to let the host decide. */
  readonly charset?: WireCharset;
  readonly eci?: number;
  /** AIM identifier without `]`, e.g. `Q1`. */
  readonly aimId?: string;
  /** The engine's own symbology code. */
  readonly vendorCode?: string;
}

export interface HalImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** One line of a self-test report. */
export interface HalCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface HalDecoder {
  /** Starts the imaging engine; every decoded symbol goes to `onSymbol`. */
  open(onSymbol: (symbol: DecodedSymbol) => void): void;
  /**
   * Whether the engine should decode now: the scanner is enabled and, in host-trigger mode, the
   * trigger is on. Symbols delivered while inactive are ignored by the runtime.
   */
  setActive(active: boolean): void;
  /** The latest camera frame, for upload; `undefined` when the engine keeps none. */
  capture(): Promise<HalImage | undefined>;
  selfTest(): Promise<HalCheck>;
  close(): void;
}

// ───────────────────────────── feedback ─────────────────────────────

export interface HalBeeper {
  /** Beeps `count` times (at least once) with the good-read or bad-read tone. */
  beep(kind: 'good' | 'bad', count: number): void;
}

export interface HalLed {
  /** Shows `kind`; `durationMs` 0 keeps it until the next call, otherwise it reverts to off. */
  set(kind: 'good' | 'bad' | 'off', durationMs: number): void;
}

// ───────────────────────────── clock, storage, system ─────────────────────────────

export interface HalClock {
  /** Monotonic milliseconds since an arbitrary origin (boot); may be fractional. */
  nowMs(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels it (idempotent). */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * Small persistent key–value storage (flash, EEPROM, a file). The runtime writes only when the
 * host asks for a persistent setting (and one key in a self-test), so flash wear stays bounded.
 * Reads are synchronous (cache them at boot if the medium is slow).
 */
export interface HalStorage {
  read(key: string): string | undefined;
  write(key: string, value: string): void;
}

export interface HalSystem {
  /** Restarts the device; called after the reply to `reboot` was handed to the transport. */
  reboot(): void;
  /** A random 32-bit value (boot ids, image ids): hardware RNG where there is one. */
  random32(): number;
}

/** Everything the runtime needs from the hardware. */
export interface Hal {
  readonly transport: HalTransport;
  readonly decoder: HalDecoder;
  readonly beeper: HalBeeper;
  readonly led: HalLed;
  readonly clock: HalClock;
  readonly storage: HalStorage;
  readonly system: HalSystem;
}
