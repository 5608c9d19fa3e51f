/**
 * Argument checks done by the client before anything is sent: a malformed argument is a definite
 * `no` (`bad-input`) without a round trip. Each returns the wire value or a message.
 */
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const good = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (message: string): Checked<never> => ({ ok: false, message });

export function hexBytes(name: string, hex: unknown, lengths?: readonly number[]): Checked<Buffer> {
  if (typeof hex !== 'string' || !HEX.test(hex)) return bad(`${name} must be an even-length hex string`);
  if (lengths && !lengths.includes(hex.length / 2))
    return bad(`${name} must be ${lengths.join(' or ')} bytes`);
  return good(Buffer.from(hex, 'hex'));
}

export function integer(name: string, v: unknown, min: number, max: number): Checked<number> {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return bad(`${name} must be an integer in ${min}..${max}`);
  }
  return good(v);
}

export function bytesOf(data: unknown): Checked<Buffer> {
  if (typeof data === 'string') return good(Buffer.from(data, 'utf8'));
  if (data instanceof Uint8Array) return good(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return bad('data must be bytes or a string');
}

export function printableAscii(name: string, v: unknown, maxLength: number): Checked<string> {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength || !/^[\x20-\x7e]+$/.test(v)) {
    return bad(`${name} must be 1..${maxLength} printable ASCII characters`);
  }
  return good(v);
}

export function timeoutOf(v: unknown, def: number): Checked<number> {
  if (v === undefined) return good(def);
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 0x7fff_ffff) {
    return bad('timeoutMs must be a positive number of milliseconds');
  }
  return good(v);
}
