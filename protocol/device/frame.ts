import { crc8, crc32 } from './crc.js';
import { DeviceProtocolError } from './errors.js';

/**
 * The native frame:
 *
 * ```
 * offset  size  field
 * 0       2     start marker 0xEC 0xA5
 * 2       1     version (1)
 * 3       2     payload length, big-endian (0…65535, and at most the receiver's maximum)
 * 5       1     header check: CRC-8/SMBUS over bytes 0…4
 * 6       n     payload: one protobuf `ehc.device.v1.Envelope`
 * 6+n     4     CRC-32/ISO-HDLC over bytes 0…5+n, big-endian
 * ```
 *
 * The header check lets a decoder reject a start marker that occurs by chance in noise without
 * waiting for the length it announces; the CRC-32 protects the payload (see README for why CRC-32
 * rather than CRC-16).
 */
export const FRAME_MAGIC_0 = 0xec;
export const FRAME_MAGIC_1 = 0xa5;
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 6;
export const FRAME_TRAILER_BYTES = 4;
export const FRAME_OVERHEAD_BYTES = FRAME_HEADER_BYTES + FRAME_TRAILER_BYTES;
/** The largest payload the length field can carry. */
export const FRAME_MAX_PAYLOAD_LIMIT = 0xffff;
/** Default maximum payload accepted by decoders and produced by encoders. */
export const FRAME_DEFAULT_MAX_PAYLOAD = 16 * 1024;
/** Smallest maximum a decoder may be configured with (a DeviceInfo must fit). */
export const FRAME_MIN_MAX_PAYLOAD = 256;

export function validateMaxPayload(max: number): number {
  if (!Number.isInteger(max) || max < FRAME_MIN_MAX_PAYLOAD || max > FRAME_MAX_PAYLOAD_LIMIT) {
    throw new DeviceProtocolError(
      'DEVICE_PROTO_BAD_OPTION',
      `maxPayloadBytes must be an integer in ${FRAME_MIN_MAX_PAYLOAD}…${FRAME_MAX_PAYLOAD_LIMIT}, got ${max}`,
    );
  }
  return max;
}

/** Wraps a payload in a frame. Throws `DEVICE_PROTO_FRAME_TOO_LARGE` above `maxPayloadBytes`. */
export function encodeFrame(payload: Uint8Array, maxPayloadBytes = FRAME_MAX_PAYLOAD_LIMIT): Uint8Array {
  if (payload.length > maxPayloadBytes) {
    throw new DeviceProtocolError(
      'DEVICE_PROTO_FRAME_TOO_LARGE',
      `frame payload of ${payload.length} bytes exceeds the maximum of ${maxPayloadBytes}`,
    );
  }
  const n = payload.length;
  const out = new Uint8Array(FRAME_OVERHEAD_BYTES + n);
  writeHeader(out, n, FRAME_VERSION);
  out.set(payload, FRAME_HEADER_BYTES);
  writeU32(out, FRAME_HEADER_BYTES + n, crc32(out, 0, FRAME_HEADER_BYTES + n));
  return out;
}

/**
 * Writes a header announcing `length` (not checked against any maximum: the conformance suite uses
 * this to send deliberately oversize or future-version headers).
 */
export function writeHeader(out: Uint8Array, length: number, version: number): void {
  out[0] = FRAME_MAGIC_0;
  out[1] = FRAME_MAGIC_1;
  out[2] = version & 0xff;
  out[3] = (length >>> 8) & 0xff;
  out[4] = length & 0xff;
  out[5] = crc8(out, 0, 5);
}

export function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

export function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}
