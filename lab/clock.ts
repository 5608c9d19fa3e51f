import { EhcError } from '../protocol/errors.js';

/**
 * A wall clock the lab can move (spec `clock: "movable"`): the account clock of agents (sessions,
 * password age, unused accounts), so the 10-minute and 90-day rules of spec §5.1.1-8 can be checked
 * on the running agent without waiting. `reset()` sets it back to real time.
 */
export class MovableClock {
  #offsetMs = 0;
  readonly movable: boolean;

  /** `movable: false`: real time that refuses to move (a lab with `clock: 'real'`). */
  constructor(o: { readonly movable?: boolean } = {}) {
    this.movable = o.movable ?? true;
  }

  readonly now = (): number => Date.now() + this.#offsetMs;

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    if (!this.movable)
      throw new EhcError('LAB_CLOCK_FIXED', "this lab's clock is real time (spec clock: 'movable')");
    this.#offsetMs += ms;
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}
