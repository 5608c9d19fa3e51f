import { sm2 } from 'sm-crypto-v2';
import { asBuffer } from './bytes.js';
import { CryptoError } from './errors.js';
import { SM2_RAW_SIGNATURE_BYTES, sm2SignatureFromDer, sm2SignatureToDer } from './sm2-der.js';

/**
 * SM2 digital signatures (GB/T 32918.2) on the recommended curve, through `sm-crypto-v2`
 * (pinned 1.15.1). Every call passes `hash: true` (e = SM3(ZA ‖ M)) and the user id explicitly:
 * the library's default is `hash` off (raw ECDSA-style signing of M), which no peer accepts.
 * Node's built-in crypto is never used for SM2: its "SM2" signing is plain ECDSA on the curve.
 *
 * Keys are hex (either case): private keys 64 hex; public keys uncompressed `04‖x‖y` (130 hex),
 * bare `x‖y` (128 hex) or compressed `02|03‖x` (66 hex). Keys returned are upper-case,
 * uncompressed. Messages are bytes, or strings taken as UTF-8. Signatures are bytes: raw `r‖s`
 * (64 bytes) or DER.
 */
export const SM2_DEFAULT_USER_ID = '1234567812345678';
/** The order n of the recommended curve's base point. */
export const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** ENTL is 16 bits of *bits*: a user id is at most 8191 bytes. */
export const SM2_MAX_USER_ID_BYTES = 8191;

export type Sm2SignatureForm = 'raw' | 'der';

export interface Sm2KeyPair {
  /** 64 upper-case hex. */
  readonly privateKey: string;
  /** `04‖x‖y`, 130 upper-case hex. */
  readonly publicKey: string;
}

export interface Sm2SignOptions {
  /** Signer's id for ZA, UTF-8 (default `1234567812345678`, passed explicitly to the library). */
  readonly userId?: string;
  /** The signer's public key, if known: saves deriving it (its correctness is the caller's). */
  readonly publicKey?: string;
  /** Signature form (default raw `r‖s`). */
  readonly form?: Sm2SignatureForm;
}

export interface Sm2VerifyOptions {
  readonly userId?: string;
  readonly form?: Sm2SignatureForm;
}

/**
 * The exact options this wrapper hands to `sm2.doSignature`. Exported so the known-answer test
 * can run the library with the annex-A nonce (`pointPool`) under the same options.
 */
export function sm2LibrarySignOptions(
  publicKeyHex: string,
  userId: string,
): { hash: true; der: false; publicKey: string; userId: string } {
  return { hash: true, der: false, publicKey: publicKeyHex, userId };
}

export function sm2GenerateKeyPair(): Sm2KeyPair {
  for (;;) {
    const kp = sm2.generateKeyPairHex();
    const d = BigInt(`0x${kp.privateKey}`);
    // d must lie in [1, n − 2] (1 + d is inverted when signing).
    if (d >= 1n && d <= SM2_N - 2n) {
      return { privateKey: kp.privateKey.toUpperCase(), publicKey: kp.publicKey.toUpperCase() };
    }
  }
}

export function sm2PublicKeyFromPrivateKey(privateKey: string): string {
  return sm2.getPublicKeyFromPrivateKey(checkPrivateKey(privateKey)).toUpperCase();
}

export function sm2Sign(privateKey: string, message: Uint8Array | string, opts: Sm2SignOptions = {}): Buffer {
  const d = checkPrivateKey(privateKey);
  const pub =
    opts.publicKey === undefined ? sm2.getPublicKeyFromPrivateKey(d) : checkPublicKey(opts.publicKey);
  const userId = checkUserId(opts.userId ?? SM2_DEFAULT_USER_ID);
  let hex: string;
  try {
    hex = sm2.doSignature(asBuffer(message), d, sm2LibrarySignOptions(pub, userId));
  } catch (e) {
    throw new CryptoError('CRYPTO_SIGN_FAILED', 'SM2 signing failed', { cause: e });
  }
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== SM2_RAW_SIGNATURE_BYTES) {
    throw new CryptoError('CRYPTO_SIGN_FAILED', 'SM2 library returned a malformed signature');
  }
  return opts.form === 'der' ? sm2SignatureToDer(raw) : raw;
}

/**
 * True only for a valid signature. A malformed signature (wrong length, bad DER, r or s outside
 * [1, n − 1]) is simply invalid; a malformed public key or user id throws CRYPTO_BAD_KEY /
 * CRYPTO_BAD_INPUT (a configuration error, not an answer about the signature).
 */
export function sm2Verify(
  publicKey: string,
  message: Uint8Array | string,
  signature: Uint8Array,
  opts: Sm2VerifyOptions = {},
): boolean {
  const pub = checkPublicKey(publicKey);
  return verifyWith(pub, checkUserId(opts.userId ?? SM2_DEFAULT_USER_ID), message, signature, opts.form);
}

export interface Sm2Verifier {
  /** `04‖x‖y`, upper-case. */
  readonly publicKey: string;
  readonly userId: string;
  verify(message: Uint8Array | string, signature: Uint8Array, form?: Sm2SignatureForm): boolean;
}

/**
 * A verifier for one public key with its curve multiples precomputed once (tens of ms), after
 * which each verification is several times faster than `sm2Verify`: for keys verified often.
 */
export function createSm2Verifier(
  publicKey: string,
  opts: { readonly userId?: string; readonly windowSize?: number } = {},
): Sm2Verifier {
  const pub = checkPublicKey(publicKey);
  const userId = checkUserId(opts.userId ?? SM2_DEFAULT_USER_ID);
  const point = sm2.precomputePublicKey(pub, opts.windowSize ?? 4);
  const upper = point.toHex(false).toUpperCase();
  return {
    publicKey: upper,
    userId,
    verify: (message, signature, form) => verifyWith(point, userId, message, signature, form),
  };
}

type LibPublicKey = Parameters<typeof sm2.doVerifySignature>[2];

function verifyWith(
  pub: LibPublicKey,
  userId: string,
  message: Uint8Array | string,
  signature: Uint8Array,
  form: Sm2SignatureForm | undefined,
): boolean {
  let raw: Buffer;
  if (form === 'der') {
    const r = sm2SignatureFromDer(signature);
    if (!r.ok) return false;
    raw = r.value;
  } else {
    if (signature.byteLength !== SM2_RAW_SIGNATURE_BYTES) return false;
    raw = asBuffer(signature);
  }
  // sm-crypto-v2 1.15.1 does not range-check r and s itself.
  const r = BigInt(`0x${raw.toString('hex', 0, 32)}`);
  const s = BigInt(`0x${raw.toString('hex', 32, 64)}`);
  if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return false;
  try {
    return sm2.doVerifySignature(asBuffer(message), raw.toString('hex'), pub, {
      hash: true,
      der: false,
      userId,
    });
  } catch {
    return false;
  }
}

/** ZA = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), 32 bytes. */
export function sm2Za(publicKey: string, userId: string = SM2_DEFAULT_USER_ID): Buffer {
  return Buffer.from(sm2.getZ(checkPublicKey(publicKey), checkUserId(userId)));
}

/** e = SM3(ZA ‖ M), the value SM2 signs, 32 bytes. */
export function sm2SignedDigest(
  publicKey: string,
  message: Uint8Array | string,
  userId: string = SM2_DEFAULT_USER_ID,
): Buffer {
  return Buffer.from(sm2.getHash(asBuffer(message), checkPublicKey(publicKey), checkUserId(userId)), 'hex');
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const PUB_RE = /^(?:04[0-9a-fA-F]{128}|[0-9a-fA-F]{128}|0[23][0-9a-fA-F]{64})$/;

function checkPrivateKey(hex: string): string {
  if (typeof hex !== 'string' || !HEX64.test(hex)) {
    throw new CryptoError('CRYPTO_BAD_KEY', 'SM2 private key must be 64 hex characters');
  }
  const d = BigInt(`0x${hex}`);
  if (d < 1n || d > SM2_N - 2n) throw new CryptoError('CRYPTO_BAD_KEY', 'SM2 private key out of range');
  return hex.toLowerCase();
}

/** Validates the point (on the curve, not infinity) and returns lower-case hex the library reads. */
function checkPublicKey(hex: string): string {
  if (typeof hex !== 'string' || !PUB_RE.test(hex)) {
    throw new CryptoError('CRYPTO_BAD_KEY', 'SM2 public key must be 04‖x‖y, x‖y or compressed hex');
  }
  const h = (hex.length === 128 ? `04${hex}` : hex).toLowerCase();
  let valid = false;
  try {
    valid = sm2.verifyPublicKey(h);
  } catch (e) {
    throw new CryptoError('CRYPTO_BAD_KEY', 'SM2 public key is not a curve point', { cause: e });
  }
  if (!valid) throw new CryptoError('CRYPTO_BAD_KEY', 'SM2 public key is not a curve point');
  return h;
}

function checkUserId(userId: string): string {
  if (typeof userId !== 'string' || Buffer.byteLength(userId, 'utf8') > SM2_MAX_USER_ID_BYTES) {
    throw new CryptoError(
      'CRYPTO_BAD_INPUT',
      `SM2 user id must be a string of at most ${SM2_MAX_USER_ID_BYTES} bytes`,
    );
  }
  return userId;
}
