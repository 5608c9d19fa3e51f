/**
 * Time for the device layer: monotonic nanoseconds for scan timestamps and cancellable timers for
 * inter-byte, probe and reconnect timeouts. Production uses `systemClock`; tests inject a manual
 * clock so nothing depends on wall time.
 */
import type { MonoNs } from '../types.js';

export interface Clock {
  /** Monotonic nanoseconds (`process.hrtime.bigint()`). */
  nowNs(): MonoNs;
  /** Runs `fn` once after `ms`; returns a function that cancels it (idempotent). */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  nowNs: () => process.hrtime.bigint(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}
