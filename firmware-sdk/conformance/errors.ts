import { EhcError, isEhcError } from '../../protocol/errors.js';

/**
 * Errors of the conformance runner itself (a failing device is a failed check, not an error):
 * - `CONFORMANCE_NOT_CONNECTED`: a check tried to send with no open connection;
 * - `CONFORMANCE_BAD_OPTION`: a timeout or interval outside its range.
 */
export type ConformanceErrorCode = 'CONFORMANCE_NOT_CONNECTED' | 'CONFORMANCE_BAD_OPTION';

export class ConformanceError extends EhcError {
  declare readonly code: ConformanceErrorCode;

  constructor(code: ConformanceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isConformanceError = (x: unknown): x is ConformanceError =>
  isEhcError(x) && x.code.startsWith('CONFORMANCE_');
