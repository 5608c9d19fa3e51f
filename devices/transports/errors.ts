/**
 * The device layer's errors. Transports raise `TransportError` (`TRANSPORT_*` codes); drivers, the
 * session and the manager raise `DeviceError` (`DEVICE_*`, `SCANNER_*`, `DRIVER_*` codes). Both
 * extend the project's `EhcError`: stable `code`, the original error kept as `cause`. The
 * `DEVICE_*` codes are the ones every vendor driver uses (zebra-ssi's `SsiError` has the same set),
 * so callers test `isEhcErrorCode(x, 'DEVICE_UNSUPPORTED')` whatever the vendor.
 *
 * They live here, at the bottom of `devices/`, so every driver can import them without importing
 * the session or the manager.
 */
import { EhcError, isEhcError } from '../../protocol/errors.js';

export type TransportErrorCode =
  /** The port/device/socket could not be opened (busy, missing, permission denied, refused). */
  | 'TRANSPORT_OPEN_FAILED'
  /** The native module behind this transport cannot load; the message names the library and fix. */
  | 'TRANSPORT_UNAVAILABLE'
  /** `write()` on a transport that is not open (or closed while the write waited its turn). */
  | 'TRANSPORT_CLOSED'
  /** The device went away (unplug, EOF, read error). */
  | 'TRANSPORT_DISCONNECTED'
  /** Any other read/write/close failure. */
  | 'TRANSPORT_IO'
  /** Connecting or a transfer took longer than allowed. */
  | 'TRANSPORT_TIMEOUT';

export type DeviceErrorCode =
  /** start(): the device did not answer as this protocol. */
  | 'DEVICE_NO_ANSWER'
  /** A command got no answer after the allowed resends. */
  | 'DEVICE_TIMEOUT'
  /** The transport went away while a command was pending. */
  | 'DEVICE_DISCONNECTED'
  /** The device or its protocol cannot perform this command (e.g. beep on a raw-text scanner). */
  | 'DEVICE_UNSUPPORTED'
  /** The device refused the command. */
  | 'DEVICE_NAK'
  /** The answer did not parse. */
  | 'DEVICE_BAD_REPLY'
  /** Driver options failed validation (constructor). */
  | 'DEVICE_BAD_OPTIONS'
  /** A command before start(). */
  | 'DEVICE_NOT_STARTED'
  /** Non-fatal: bytes skipped, bad checksum, stale partial frame. */
  | 'DEVICE_FRAMING'
  /** Non-fatal: a payload grew past the configured maximum and was dropped. */
  | 'DEVICE_MESSAGE_TOO_LARGE'
  /** Non-fatal: a payload is neither valid UTF-8 nor valid GBK (delivered, but flagged). */
  | 'DEVICE_PAYLOAD_CHARSET'
  /** No driver recognised the device while probing. */
  | 'DEVICE_PROBE_FAILED'
  /** Listing attached devices failed (e.g. `udevadm` missing for `SerialPort.list()`). */
  | 'DEVICE_LIST_FAILED'
  /** A `Scanner` method was called in a state that does not allow it. */
  | 'SCANNER_STATE'
  /** A `scan` listener threw; the scan was delivered, the session keeps running. */
  | 'SCANNER_LISTENER_FAILED'
  /** Unknown driver name, or the driver's module is not built. */
  | 'DRIVER_UNKNOWN'
  /** Same meaning as `DEVICE_BAD_OPTIONS` (the native driver's spelling; to be unified). */
  | 'DRIVER_OPTIONS';

export class TransportError extends EhcError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class DeviceError extends EhcError {
  declare readonly code: DeviceErrorCode;

  constructor(code: DeviceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

const TRANSPORT_CODES: ReadonlySet<string> = new Set<TransportErrorCode>([
  'TRANSPORT_OPEN_FAILED',
  'TRANSPORT_UNAVAILABLE',
  'TRANSPORT_CLOSED',
  'TRANSPORT_DISCONNECTED',
  'TRANSPORT_IO',
  'TRANSPORT_TIMEOUT',
]);

const DEVICE_CODES: ReadonlySet<string> = new Set<DeviceErrorCode>([
  'DEVICE_NO_ANSWER',
  'DEVICE_TIMEOUT',
  'DEVICE_DISCONNECTED',
  'DEVICE_UNSUPPORTED',
  'DEVICE_NAK',
  'DEVICE_BAD_REPLY',
  'DEVICE_BAD_OPTIONS',
  'DEVICE_NOT_STARTED',
  'DEVICE_FRAMING',
  'DEVICE_MESSAGE_TOO_LARGE',
  'DEVICE_PAYLOAD_CHARSET',
  'DEVICE_PROBE_FAILED',
  'DEVICE_LIST_FAILED',
  'SCANNER_STATE',
  'SCANNER_LISTENER_FAILED',
  'DRIVER_UNKNOWN',
  'DRIVER_OPTIONS',
]);

/** Recognises a transport error by its code (works across duplicate module copies). */
export function isTransportError(x: unknown): x is TransportError {
  return isEhcError(x) && TRANSPORT_CODES.has(x.code);
}

export function isDeviceError(x: unknown): x is DeviceError {
  return isEhcError(x) && DEVICE_CODES.has(x.code);
}
