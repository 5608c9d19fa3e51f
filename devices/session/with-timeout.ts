/** Races a promise against a clock timer; the timer is always cancelled. */
import type { EhcError } from '../../protocol/errors.js';
import type { Clock } from '../transports/clock.js';

export function withTimeout<T>(
  promise: Promise<T>,
  clock: Clock,
  ms: number,
  onTimeout: () => EhcError,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const cancel = clock.setTimer(ms, () => {
      if (settled) return;
      settled = true;
      reject(onTimeout());
    });
    promise.then(
      (v) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve(v);
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        cancel();
        reject(e);
      },
    );
  });
}
