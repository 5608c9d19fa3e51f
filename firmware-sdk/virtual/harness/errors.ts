import { EhcError, isEhcError } from '../../../protocol/errors.js';

/**
 * Errors the harness raises, shaped like the errors of real serial bindings where the
 * `@serialport/bindings-interface` contract needs it: a read or write cut short by `close()` has
 * `canceled: true`; one cut short by an unplug has `disconnected: true` (and no `canceled`, so
 * `@serialport/stream` treats it as a disconnect).
 */
export type HarnessErrorCode =
  | 'HARNESS_NO_SUCH_PORT'
  | 'HARNESS_PORT_BUSY'
  | 'HARNESS_PORT_CLOSED'
  | 'HARNESS_UNPLUGGED'
  | 'HARNESS_OVERLAPPING_WRITE'
  | 'HARNESS_CANCELED'
  | 'HARNESS_BAD_OPTION'
  | 'HARNESS_PTY_UNAVAILABLE';

export class HarnessError extends EhcError {
  declare readonly code: HarnessErrorCode;
  readonly canceled?: true;
  readonly disconnected?: true;

  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    if (code === 'HARNESS_CANCELED') this.canceled = true;
    if (code === 'HARNESS_UNPLUGGED') this.disconnected = true;
  }
}

export const isHarnessError = (x: unknown): x is HarnessError =>
  isEhcError(x) && x.code.startsWith('HARNESS_');
