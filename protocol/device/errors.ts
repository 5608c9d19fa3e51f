import { EhcError, isEhcError } from '../errors.js';

/**
 * Exceptions of the native device protocol. Decoding never throws for bad input (a bad frame or
 * message is a value, see `FrameDecodeError`/`MessageDecodeError`); these are raised only for
 * programming errors:
 * - `DEVICE_PROTO_BAD_OPTION`: a codec option outside its allowed range (checked in constructors);
 * - `DEVICE_PROTO_FRAME_TOO_LARGE`: `encodeFrame` handed a payload above the maximum;
 * - `DEVICE_PROTO_ENCODE_FAILED`: a message object the schema cannot encode (the protobufjs error
 *   is kept as `cause`);
 * - `DEVICE_PROTO_BAD_INPUT`: `push` handed something that is not a `Uint8Array`.
 */
export type DeviceProtocolErrorCode =
  | 'DEVICE_PROTO_BAD_OPTION'
  | 'DEVICE_PROTO_FRAME_TOO_LARGE'
  | 'DEVICE_PROTO_ENCODE_FAILED'
  | 'DEVICE_PROTO_BAD_INPUT';

export class DeviceProtocolError extends EhcError {
  declare readonly code: DeviceProtocolErrorCode;

  constructor(code: DeviceProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isDeviceProtocolError = (x: unknown): x is DeviceProtocolError =>
  isEhcError(x) && x.code.startsWith('DEVICE_PROTO_');

/** Why bytes that looked like a frame were rejected: a value, never an exception. */
export type FrameDecodeErrorType =
  /** The header (start marker + header check) is valid but announces an unknown version. */
  | 'unsupported-version'
  /** The header announces a payload longer than the decoder's maximum (rejected before buffering). */
  | 'too-large'
  /** Header and length were valid, the CRC-32 over header and payload was not. */
  | 'bad-crc';

export interface FrameDecodeError {
  readonly type: FrameDecodeErrorType;
  readonly message: string;
}

/** A frame with a good CRC whose payload is not a valid `Envelope`. */
export interface MessageDecodeError {
  readonly type: 'bad-message';
  readonly message: string;
}

export type DeviceDecodeError = FrameDecodeError | MessageDecodeError;
