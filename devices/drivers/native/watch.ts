import type { DriverIo, MonoNs } from '../../types.js';

/**
 * Heartbeat supervision: every announced interval it checks how long the device has been silent;
 * past `factor` intervals it calls `onMiss` once, and again only after the device was heard.
 */
export class HeartbeatWatch {
  #cancel: (() => void) | undefined;
  #lastHeardNs: MonoNs = 0n;
  #silent = false;

  heard(atNs: MonoNs): void {
    this.#lastHeardNs = atNs;
    this.#silent = false;
  }

  start(io: DriverIo, intervalMs: number, factor: number, onMiss: (silentMs: number) => void): void {
    this.stop();
    if (intervalMs <= 0) return;
    const limitMs = intervalMs * factor;
    const limitNs = BigInt(limitMs) * 1_000_000n;
    const check = () => {
      if (!this.#silent && io.now() - this.#lastHeardNs > limitNs) {
        this.#silent = true;
        onMiss(limitMs);
      }
      this.#cancel = io.setTimer(intervalMs, check);
    };
    this.#cancel = io.setTimer(intervalMs, check);
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
