import { err, ok, type Result } from '../result.js';
import { asBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

/**
 * SM2 signatures in their two wire forms (GB/T 35276): raw `r ‖ s` (64 bytes, each 32 bytes
 * big-endian) and DER `SEQUENCE { INTEGER r, INTEGER s }`. The DER reader is strict (minimal
 * lengths and integers, positive values of at most 32 bytes, no trailing bytes): anything else
 * is a value, never an exception, so a verifier can answer "invalid" for hostile input.
 */
export const SM2_RAW_SIGNATURE_BYTES = 64;
/** 2 (SEQUENCE header) + 2 × (2 + 33): the longest DER form. */
export const SM2_MAX_DER_SIGNATURE_BYTES = 72;

export type Sm2SignatureErrorType = 'bad-length' | 'bad-der';
export interface Sm2SignatureError {
  readonly type: Sm2SignatureErrorType;
  readonly message: string;
}

/** Raw `r ‖ s` → DER. Throws CRYPTO_BAD_LENGTH unless given exactly 64 bytes. */
export function sm2SignatureToDer(raw: Uint8Array): Buffer {
  if (raw.byteLength !== SM2_RAW_SIGNATURE_BYTES) {
    throw new CryptoError('CRYPTO_BAD_LENGTH', 'raw SM2 signature must be 64 bytes');
  }
  const b = asBuffer(raw);
  const r = derInteger(b.subarray(0, 32));
  const s = derInteger(b.subarray(32, 64));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

/** DER → raw `r ‖ s` (64 bytes), strictly. */
export function sm2SignatureFromDer(der: Uint8Array): Result<Buffer, Sm2SignatureError> {
  if (der.byteLength < 8 || der.byteLength > SM2_MAX_DER_SIGNATURE_BYTES) {
    return err({ type: 'bad-length', message: `DER signature of ${der.byteLength} bytes` });
  }
  if (der[0] !== 0x30) return bad('not a SEQUENCE');
  if (der[1] !== der.byteLength - 2) return bad('SEQUENCE length does not match');
  const out = Buffer.alloc(SM2_RAW_SIGNATURE_BYTES);
  let at = 2;
  for (let part = 0; part < 2; part++) {
    if (at + 2 > der.byteLength || der[at] !== 0x02) return bad('expected an INTEGER');
    const len = der[at + 1]!;
    const from = at + 2;
    if (len < 1 || len > 33 || from + len > der.byteLength) return bad('bad INTEGER length');
    const first = der[from]!;
    if (first & 0x80) return bad('negative INTEGER');
    if (first === 0 && len > 1 && (der[from + 1]! & 0x80) === 0) return bad('INTEGER not minimal');
    const value = der.subarray(first === 0 && len > 1 ? from + 1 : from, from + len);
    if (value.byteLength > 32) return bad('INTEGER longer than 32 bytes');
    out.set(value, part * 32 + 32 - value.byteLength);
    at = from + len;
  }
  if (at !== der.byteLength) return bad('trailing bytes');
  return ok(out);
}

function derInteger(be32: Buffer): Buffer {
  let i = 0;
  while (i < be32.length - 1 && be32[i] === 0) i++;
  const v = be32.subarray(i);
  const pad = v[0]! & 0x80 ? 1 : 0;
  const out = Buffer.alloc(2 + pad + v.length);
  out[0] = 0x02;
  out[1] = pad + v.length;
  v.copy(out, 2 + pad);
  return out;
}

function bad(message: string): Result<never, Sm2SignatureError> {
  return err({ type: 'bad-der', message });
}
