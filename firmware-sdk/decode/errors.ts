import { EhcError, isEhcError } from '../../protocol/errors.js';

export type DecoderErrorCode =
  | 'DECODER_WASM_MISSING'
  | 'DECODER_WASM_MISMATCH'
  | 'DECODER_INIT'
  | 'IMAGE_LOAD';

/**
 * The decoder could not start (its `.wasm` missing or not the one the package was built with), or
 * an image file could not be read. A failed *decode* is never an exception: it is a value.
 */
export class DecoderError extends EhcError {
  declare readonly code: DecoderErrorCode;

  constructor(code: DecoderErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}

export function isDecoderError(x: unknown): x is DecoderError {
  return isEhcError(x) && x.name === 'DecoderError';
}
