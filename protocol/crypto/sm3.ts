import { createHash, createHmac } from 'node:crypto';
import { asBuffer } from './bytes.js';

/** SM3 (GB/T 32905) through Node's native OpenSSL implementation. */
export function sm3(data: Uint8Array | string): Buffer {
  return createHash('sm3').update(asBuffer(data)).digest();
}

export function sm3Hex(data: Uint8Array | string): string {
  return createHash('sm3').update(asBuffer(data)).digest('hex');
}

/** HMAC-SM3. */
export function hmacSm3(key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac('sm3', asBuffer(key)).update(asBuffer(data)).digest();
}
