import { EhcError, isEhcError } from '../errors.js';

/**
 * Stream-level failures of the cipher-machine framing (the connection must be closed) and
 * programming errors when encoding (a field out of range). Codes:
 * - `HSM_FRAME_TOO_LARGE` / `HSM_FRAME_TOO_SHORT`: a length prefix outside the accepted range,
 *   detected before anything is buffered;
 * - `HSM_DECODER_CLOSED`: `push` after such a failure (the decoder stays failed);
 * - `HSM_BAD_FIELD`: `encodeRequest`/`encodeReply` handed a value the schema does not allow;
 * - `HSM_BAD_OPTION`: an invalid decoder option.
 */
export class HsmProtocolError extends EhcError {}

export type HsmProtocolErrorCode =
  | 'HSM_FRAME_TOO_LARGE'
  | 'HSM_FRAME_TOO_SHORT'
  | 'HSM_DECODER_CLOSED'
  | 'HSM_BAD_FIELD'
  | 'HSM_BAD_OPTION';

const CODES: ReadonlySet<string> = new Set<HsmProtocolErrorCode>([
  'HSM_FRAME_TOO_LARGE',
  'HSM_FRAME_TOO_SHORT',
  'HSM_DECODER_CLOSED',
  'HSM_BAD_FIELD',
  'HSM_BAD_OPTION',
]);

export const isHsmProtocolError = (x: unknown): x is HsmProtocolError => isEhcError(x) && CODES.has(x.code);

/** Why a frame could not be decoded into a message: a value, never an exception. */
export type HsmDecodeErrorType =
  /** Shorter than header + command (+ error code for replies). */
  | 'too-short'
  /** The command is not in the command table. */
  | 'unknown-command'
  /** A reply whose command is not the request's with its last character + 1. */
  | 'unexpected-reply'
  /** The error code is not two decimal digits. */
  | 'bad-error-code'
  /** A field is missing, truncated, or outside its allowed size or range. */
  | 'bad-field'
  /** Bytes after the last field. */
  | 'trailing-bytes';

export interface HsmDecodeError {
  readonly type: HsmDecodeErrorType;
  readonly message: string;
  /** The request id (header), when the frame was long enough to carry it. */
  readonly id?: number;
  /** The raw 2-character command, when the frame was long enough to carry it. */
  readonly command?: string;
}
