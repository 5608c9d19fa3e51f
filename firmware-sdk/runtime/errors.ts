import { EhcError, isEhcError } from '../../protocol/errors.js';

/**
 * Errors of the firmware runtime. Codes:
 * - `FIRMWARE_BAD_OPTION`: a runtime or virtual-device option outside its allowed range;
 * - `FIRMWARE_STATE`: a method called in a state that does not allow it (e.g. scanning before
 *   `start()`).
 */
export type FirmwareErrorCode = 'FIRMWARE_BAD_OPTION' | 'FIRMWARE_STATE';

export class FirmwareError extends EhcError {
  declare readonly code: FirmwareErrorCode;

  constructor(code: FirmwareErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isFirmwareError = (x: unknown): x is FirmwareError =>
  isEhcError(x) && x.code.startsWith('FIRMWARE_');
