/**
 * The project's error base. Every error the project raises is an `EhcError` with a stable,
 * machine-readable `code` (never parse the message). The original error is kept as `cause`
 * (ES2022), never stringified into the message.
 *
 * Recognise errors with the guards (`isEhcError(x)`, `isEhcErrorCode(x, 'FRAME_TOO_LARGE')`), not
 * only `instanceof`: two copies of this module (e.g. the built bundle and the sources) would
 * otherwise not recognise each other's errors.
 */
const BRAND = Symbol.for('ehc-terminal.error');

export class EhcError extends Error {
  readonly code: string;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export function isEhcError(x: unknown): x is EhcError {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
}

export function isEhcErrorCode<C extends string>(x: unknown, code: C): x is EhcError & { code: C } {
  return isEhcError(x) && x.code === code;
}

/** Wraps anything thrown into an EhcError with the given code, keeping the original as cause. */
export function toEhcError(x: unknown, code: string, message: string): EhcError {
  return isEhcError(x) ? x : new EhcError(code, message, { cause: x });
}
