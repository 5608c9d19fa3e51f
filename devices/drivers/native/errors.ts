import { EhcError, isEhcError } from '../../../protocol/errors.js';

/**
 * Errors of the native driver. The codes the Driver contract names (`devices/types.ts`) keep
 * their device-layer spelling, so the session's guards recognise them by code:
 * `DEVICE_TIMEOUT` (no reply in time), `DEVICE_DISCONNECTED` (the transport went away while a
 * command waited), `DEVICE_UNSUPPORTED`, `DEVICE_PROBE_FAILED` (no DeviceInfo after Hello),
 * `DEVICE_PAYLOAD_CHARSET` (payload neither UTF-8 nor GBK; delivered, flagged). Native-only:
 * - `NATIVE_BAD_OPTION`: a driver option outside its range;
 * - `NATIVE_BAD_FRAME`: a frame failed its CRC, was oversize, of an unknown version, or held no
 *   valid envelope (reported through `emitError`; the driver keeps running);
 * - `NATIVE_HEARTBEAT_MISSED`: nothing heard for `heartbeatMissFactor` heartbeat intervals;
 * - `NATIVE_COMMAND_FAILED`: the device answered a command with `error`, `invalid` or `busy`;
 * - `NATIVE_SCANS_LOST`: the device dropped scans from its full queue;
 * - `NATIVE_IMAGE_INVALID`: an uploaded image was incomplete, too large or failed its CRC.
 */
export type NativeDriverErrorCode =
  | 'DEVICE_TIMEOUT'
  | 'DEVICE_DISCONNECTED'
  | 'DEVICE_UNSUPPORTED'
  | 'DEVICE_PROBE_FAILED'
  | 'DEVICE_PAYLOAD_CHARSET'
  | 'NATIVE_BAD_OPTION'
  | 'NATIVE_BAD_FRAME'
  | 'NATIVE_HEARTBEAT_MISSED'
  | 'NATIVE_COMMAND_FAILED'
  | 'NATIVE_SCANS_LOST'
  | 'NATIVE_IMAGE_INVALID';

const CODES: ReadonlySet<string> = new Set<NativeDriverErrorCode>([
  'DEVICE_TIMEOUT',
  'DEVICE_DISCONNECTED',
  'DEVICE_UNSUPPORTED',
  'DEVICE_PROBE_FAILED',
  'DEVICE_PAYLOAD_CHARSET',
  'NATIVE_BAD_OPTION',
  'NATIVE_BAD_FRAME',
  'NATIVE_HEARTBEAT_MISSED',
  'NATIVE_COMMAND_FAILED',
  'NATIVE_SCANS_LOST',
  'NATIVE_IMAGE_INVALID',
]);

export class NativeDriverError extends EhcError {
  declare readonly code: NativeDriverErrorCode;

  constructor(code: NativeDriverErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isNativeDriverError = (x: unknown): x is NativeDriverError => isEhcError(x) && CODES.has(x.code);
