import { EhcError } from '../errors.js';

/** What can be wrong with a received envelope: a closed set, returned as values. */
export type EnvelopeErrorType =
  | 'malformed'
  | 'unknown-app'
  | 'bad-encryption'
  | 'bad-digest'
  | 'stale-timestamp';

export const ENVELOPE_ERROR_TYPES: readonly EnvelopeErrorType[] = [
  'malformed',
  'unknown-app',
  'bad-encryption',
  'bad-digest',
  'stale-timestamp',
];

export interface EnvelopeError {
  readonly type: EnvelopeErrorType;
  /** Human-readable; never contains the secret, the plaintext or personal data. */
  readonly message: string;
}

/**
 * Thrown when *building* an envelope from bad inputs (a secret that is not 16 ASCII characters,
 * a biz object that does not match its method): programming or configuration errors.
 * Codes: CENTRAL_BAD_SECRET, CENTRAL_BAD_BIZ, CENTRAL_BAD_FIELD.
 */
export class CentralEnvelopeError extends EhcError {}

export const isCentralEnvelopeError = (x: unknown): x is CentralEnvelopeError =>
  x instanceof EhcError && typeof x.code === 'string' && x.code.startsWith('CENTRAL_');
