import { createCipheriv, createDecipheriv } from 'node:crypto';
import { asBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

/**
 * SM4 (GB/T 32907) through Node's native OpenSSL implementation. ECB and CBC, with PKCS#7 padding
 * or none (`padding: false` requires whole 16-byte blocks: the EHC validity and ID blocks).
 */
export const SM4_BLOCK = 16;

export interface Sm4Options {
  /** PKCS#7 padding (default true). Without it the input must be a multiple of 16 bytes. */
  readonly padding?: boolean;
}

function checkKey(key: Uint8Array): Buffer {
  if (key.byteLength !== 16) throw new CryptoError('CRYPTO_BAD_KEY', 'SM4 key must be 16 bytes');
  return asBuffer(key);
}

function checkIv(iv: Uint8Array): Buffer {
  if (iv.byteLength !== 16) throw new CryptoError('CRYPTO_BAD_IV', 'SM4 IV must be 16 bytes');
  return asBuffer(iv);
}

function checkBlocks(data: Uint8Array, padding: boolean, decrypt: boolean): void {
  if ((!padding || decrypt) && data.byteLength % SM4_BLOCK !== 0) {
    throw new CryptoError('CRYPTO_BAD_LENGTH', 'SM4 input must be a whole number of 16-byte blocks');
  }
}

function run(
  encrypt: boolean,
  algo: 'sm4-ecb' | 'sm4-cbc',
  key: Uint8Array,
  iv: Buffer | null,
  data: Uint8Array,
  padding: boolean,
): Buffer {
  checkBlocks(data, padding, !encrypt);
  const k = checkKey(key);
  const c = encrypt ? createCipheriv(algo, k, iv) : createDecipheriv(algo, k, iv);
  c.setAutoPadding(padding);
  try {
    const out = c.update(asBuffer(data));
    const fin = c.final();
    return fin.length === 0 ? out : Buffer.concat([out, fin]);
  } catch (e) {
    throw new CryptoError('CRYPTO_BAD_PADDING', 'SM4 decryption failed: bad padding', { cause: e });
  }
}

export function sm4EcbEncrypt(key: Uint8Array, data: Uint8Array, opts: Sm4Options = {}): Buffer {
  return run(true, 'sm4-ecb', key, null, data, opts.padding ?? true);
}

export function sm4EcbDecrypt(key: Uint8Array, data: Uint8Array, opts: Sm4Options = {}): Buffer {
  return run(false, 'sm4-ecb', key, null, data, opts.padding ?? true);
}

export function sm4CbcEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  opts: Sm4Options = {},
): Buffer {
  return run(true, 'sm4-cbc', key, checkIv(iv), data, opts.padding ?? true);
}

export function sm4CbcDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  opts: Sm4Options = {},
): Buffer {
  return run(false, 'sm4-cbc', key, checkIv(iv), data, opts.padding ?? true);
}
