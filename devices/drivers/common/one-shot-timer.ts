import type { DriverIo } from '../../types.js';

/**
 * One restartable time-out on the driver's clock (e.g. the silence after which an unterminated
 * scan is dropped): starting it again cancels the running one; it forgets itself when it fires.
 */
export class OneShotTimer {
  private cancelFn: (() => void) | undefined;

  cancel(): void {
    this.cancelFn?.();
    this.cancelFn = undefined;
  }

  start(io: DriverIo, ms: number, fn: () => void): void {
    this.cancel();
    this.cancelFn = io.setTimer(ms, () => {
      this.cancelFn = undefined;
      fn();
    });
  }
}
