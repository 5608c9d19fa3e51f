import type { HalClock } from '../hal/types.js';

/** Calls `beat(intervalMs)` every `intervalMs` on the HAL clock until stopped or restarted. */
export class HeartbeatTimer {
  readonly #clock: HalClock;
  readonly #beat: (intervalMs: number) => void;
  #cancel: (() => void) | undefined;

  constructor(clock: HalClock, beat: (intervalMs: number) => void) {
    this.#clock = clock;
    this.#beat = beat;
  }

  start(intervalMs: number): void {
    this.stop();
    this.#cancel = this.#clock.setTimer(intervalMs, () => {
      this.#cancel = undefined;
      this.start(intervalMs);
      this.#beat(intervalMs);
    });
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
