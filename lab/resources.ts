/**
 * Every port, file and timer the lab opens is registered here the moment it exists, with the
 * function that releases it. `release()` runs them in reverse order (last opened, first closed),
 * each once, goes on past a failing one and rethrows the first failure at the end; it is
 * idempotent and safe on a start that failed halfway (it releases what had been opened).
 */
export class Resources {
  private readonly stack: { readonly what: string; readonly release: () => unknown }[] = [];
  private releasing: Promise<void> | undefined;

  /** Registers `release` for `what`; returns `value` (for `const x = r.own(await open(), …)`). */
  own<T>(value: T, what: string, release: (v: T) => unknown): T {
    this.stack.push({ what, release: () => release(value) });
    return value;
  }

  /** Registers a release step with no value. */
  defer(what: string, release: () => unknown): void {
    this.stack.push({ what, release });
  }

  get size(): number {
    return this.stack.length;
  }

  release(): Promise<void> {
    this.releasing ??= (async () => {
      let first: unknown;
      for (const r of this.stack.splice(0).reverse()) {
        try {
          await r.release();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    })().finally(() => {
      this.releasing = undefined;
    });
    return this.releasing;
  }
}
