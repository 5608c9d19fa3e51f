import { err, ok, type Result } from '../result.js';
import { sm4EcbDecrypt, sm4EcbEncrypt } from './sm4.js';
import { fromWallClock, toWallClock } from './time-zone.js';

/**
 * The dynamic code's validity field: SM4-ECB under the cipher machine's protect key (保护密钥) of
 * the generation time `YYYYMMDDHHMMSS` (local time, default Asia/Shanghai) written as 7 BCD bytes
 * and zero-padded to 16 bytes. Hex of the ciphertext is the QR text's third field (32 chars).
 */
export const DEFAULT_VALIDITY_TZ = 'Asia/Shanghai';
export const VALIDITY_BLOCK_BYTES = 16;

export type ValidityBlockErrorType = 'bad-length' | 'not-bcd' | 'bad-padding' | 'bad-date';
export interface ValidityBlockError {
  readonly type: ValidityBlockErrorType;
  readonly message: string;
}

export interface ValidityTime {
  /** `YYYYMMDDHHMMSS` as carried in the block. */
  readonly digits: string;
  /** The instant it denotes, in ms since the epoch. */
  readonly instantMs: number;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function validityDigits(instantMs: number, timeZone = DEFAULT_VALIDITY_TZ): string {
  const w = toWallClock(Math.floor(instantMs / 1000) * 1000, timeZone);
  return `${w.year}${pad2(w.month)}${pad2(w.day)}${pad2(w.hour)}${pad2(w.minute)}${pad2(w.second)}`;
}

/** 14 decimal digits → the 16-byte zero-padded BCD plaintext block. */
export function encodeValidityBlock(digits: string): Buffer {
  if (!/^\d{14}$/.test(digits)) throw new RangeError('validity time must be 14 decimal digits');
  const out = Buffer.alloc(VALIDITY_BLOCK_BYTES);
  for (let i = 0; i < 7; i++) {
    out[i] = ((digits.charCodeAt(2 * i) - 48) << 4) | (digits.charCodeAt(2 * i + 1) - 48);
  }
  return out;
}

/** The 16-byte plaintext block → its digits and instant; a value, never an exception. */
export function decodeValidityBlock(
  block: Uint8Array,
  timeZone = DEFAULT_VALIDITY_TZ,
): Result<ValidityTime, ValidityBlockError> {
  if (block.byteLength !== VALIDITY_BLOCK_BYTES) {
    return err({ type: 'bad-length', message: 'validity block must be 16 bytes' });
  }
  let digits = '';
  for (let i = 0; i < 7; i++) {
    const b = block[i]!;
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return err({ type: 'not-bcd', message: 'validity time is not BCD' });
    digits += String.fromCharCode(48 + hi, 48 + lo);
  }
  for (let i = 7; i < VALIDITY_BLOCK_BYTES; i++) {
    if (block[i] !== 0) return err({ type: 'bad-padding', message: 'validity block padding is not zero' });
  }
  const n = (a: number, b: number): number => Number(digits.slice(a, b));
  const instantMs = fromWallClock(
    { year: n(0, 4), month: n(4, 6), day: n(6, 8), hour: n(8, 10), minute: n(10, 12), second: n(12, 14) },
    timeZone,
  );
  if (instantMs === undefined)
    return err({ type: 'bad-date', message: 'validity time is not a calendar date' });
  return ok({ digits, instantMs });
}

/** Encrypts the validity time for `instantMs` under the protect key: 16 ciphertext bytes. */
export function encryptValidity(
  protectKey: Uint8Array,
  instantMs: number,
  timeZone = DEFAULT_VALIDITY_TZ,
): Buffer {
  return sm4EcbEncrypt(protectKey, encodeValidityBlock(validityDigits(instantMs, timeZone)), {
    padding: false,
  });
}

/**
 * Decrypts a validity block. A block made under another key decrypts to garbage, which fails the
 * BCD, padding or date check: a definite "no" (about 1 in 2^72 random blocks would pass).
 */
export function decryptValidity(
  protectKey: Uint8Array,
  block: Uint8Array,
  timeZone = DEFAULT_VALIDITY_TZ,
): Result<ValidityTime, ValidityBlockError> {
  if (block.byteLength !== VALIDITY_BLOCK_BYTES) {
    return err({ type: 'bad-length', message: 'validity block must be 16 bytes' });
  }
  return decodeValidityBlock(sm4EcbDecrypt(protectKey, block, { padding: false }), timeZone);
}

export interface ValidityWindow {
  /** How long a dynamic code is valid after its generation time, in seconds (default 60). */
  readonly lifetimeS: number;
  /** Allowed clock difference between generator and verifier, in seconds (default 5). */
  readonly skewS: number;
}

export const DEFAULT_VALIDITY_WINDOW: ValidityWindow = { lifetimeS: 60, skewS: 5 };

export type WindowVerdict = 'valid' | 'expired' | 'not-yet-valid';

/** valid iff generated − skew ≤ now ≤ generated + lifetime + skew. */
export function checkValidityWindow(
  generatedMs: number,
  nowMs: number,
  window: ValidityWindow = DEFAULT_VALIDITY_WINDOW,
): WindowVerdict {
  if (nowMs < generatedMs - window.skewS * 1000) return 'not-yet-valid';
  if (nowMs > generatedMs + (window.lifetimeS + window.skewS) * 1000) return 'expired';
  return 'valid';
}
