import { EhcError } from '../errors.js';

/** Bad key length, bad block length, bad hex: programming or input errors around crypto. */
export class CryptoError extends EhcError {}

export const isCryptoError = (x: unknown): x is CryptoError =>
  x instanceof EhcError && typeof x.code === 'string' && x.code.startsWith('CRYPTO_');
