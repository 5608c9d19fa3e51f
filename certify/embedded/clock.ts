/**
 * A wall clock the certification run can move: the front agent's account clock (sessions,
 * password age, unused accounts), so the 10-minute and 90-day rules of spec §5.1.1-8 are checked
 * on the running agent without waiting. `reset()` sets it back to real time.
 */
export class MovableClock {
  #offsetMs = 0;

  readonly now = (): number => Date.now() + this.#offsetMs;

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}
