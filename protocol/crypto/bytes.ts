import { CryptoError } from './errors.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Strict hex → bytes (even length, hex digits only). Throws CRYPTO_BAD_HEX. */
export function hexToBytes(hex: string): Buffer {
  if (!HEX_RE.test(hex)) throw new CryptoError('CRYPTO_BAD_HEX', 'not an even-length hex string');
  return Buffer.from(hex, 'hex');
}

export function bytesToHex(bytes: Uint8Array, upper = true): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return upper ? h.toUpperCase() : h;
}

export function asBuffer(x: Uint8Array | string): Buffer {
  if (typeof x === 'string') return Buffer.from(x, 'utf8');
  return Buffer.isBuffer(x) ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** Constant-time equality for secrets (lengths may leak). */
export { timingSafeEqual } from 'node:crypto';
