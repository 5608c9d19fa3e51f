import { randomInt } from 'node:crypto';
import type { HalClock, HalStorage, HalSystem } from './types.js';

/**
 * Ready-made HAL parts for firmware that runs on Node (embedded Linux kiosks) and for the virtual
 * terminal: a monotonic clock on `performance.now()` and `setTimeout`, an in-memory storage (wrap
 * it to persist), and a system whose reboot is a callback.
 */
export const nodeClock: HalClock = {
  nowMs: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

export class MemoryStorage implements HalStorage {
  readonly #values = new Map<string, string>();
  /** Number of writes so far (flash-wear accounting in tests). */
  writes = 0;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.#values.set(k, v);
  }

  read(key: string): string | undefined {
    return this.#values.get(key);
  }

  write(key: string, value: string): void {
    this.writes++;
    this.#values.set(key, value);
  }

  entries(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}

/** A system whose `reboot()` calls `onReboot` and whose random numbers come from node:crypto. */
export function callbackSystem(onReboot: () => void): HalSystem {
  return { reboot: onReboot, random32: () => randomInt(1, 0xffffffff) };
}
