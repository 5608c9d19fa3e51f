import { type Cipher, createCipheriv, createDecipheriv, type Decipher } from 'node:crypto';
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

/**
 * ECB keeps no state between blocks, so one OpenSSL context per key and direction serves every
 * message: `update` on whole blocks with padding off returns exactly those blocks, and the
 * context is never finalised. That saves the key schedule and context set-up of a fresh
 * `createCipheriv` per message (most of SM4's cost on short envelopes). PKCS#7 is applied and
 * checked here. Contexts are kept for the most recent keys only (a handful of app secrets and
 * cipher-machine keys in practice).
 */
const ECB_CONTEXTS_MAX = 64;
const ecbContexts = new Map<string, { enc: Cipher; dec: Decipher }>();

function ecbContext(key: Uint8Array): { enc: Cipher; dec: Decipher } {
  const k = checkKey(key);
  const id = k.toString('latin1');
  let c = ecbContexts.get(id);
  if (c === undefined) {
    c = { enc: createCipheriv('sm4-ecb', k, null), dec: createDecipheriv('sm4-ecb', k, null) };
    c.enc.setAutoPadding(false);
    c.dec.setAutoPadding(false);
    if (ecbContexts.size >= ECB_CONTEXTS_MAX) ecbContexts.delete(ecbContexts.keys().next().value!);
    ecbContexts.set(id, c);
  }
  return c;
}

export function sm4EcbEncrypt(key: Uint8Array, data: Uint8Array, opts: Sm4Options = {}): Buffer {
  const padding = opts.padding ?? true;
  checkBlocks(data, padding, false);
  const ctx = ecbContext(key);
  if (!padding) return ctx.enc.update(asBuffer(data));
  const pad = SM4_BLOCK - (data.byteLength % SM4_BLOCK);
  const padded = Buffer.allocUnsafe(data.byteLength + pad);
  padded.set(data, 0);
  padded.fill(pad, data.byteLength);
  return ctx.enc.update(padded);
}

export function sm4EcbDecrypt(key: Uint8Array, data: Uint8Array, opts: Sm4Options = {}): Buffer {
  const padding = opts.padding ?? true;
  checkBlocks(data, padding, true);
  const ctx = ecbContext(key);
  const plain = ctx.dec.update(asBuffer(data));
  if (!padding) return plain;
  const pad = plain.length === 0 ? 0 : plain[plain.length - 1]!;
  let bad = pad === 0 || pad > SM4_BLOCK;
  for (let i = 1; i <= pad && !bad; i++) bad = plain[plain.length - i] !== pad;
  if (bad) throw new CryptoError('CRYPTO_BAD_PADDING', 'SM4 decryption failed: bad padding');
  return plain.subarray(0, plain.length - pad);
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
