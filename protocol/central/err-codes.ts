import type { EnvelopeErrorType } from './errors.js';

/**
 * Machine-readable `err_code` values for failure replies (code "00"). The wire field is a free
 * string (platforms have their own); these are the ones our reference server sends and the agent
 * understands. A client passes an unknown err_code through unchanged.
 */
export const CENTRAL_ERR_CODES = {
  /** The request could not be parsed or a biz field is missing/invalid. */
  badRequest: 'BAD_REQUEST',
  unknownMethod: 'UNKNOWN_METHOD',
  unknownApp: 'UNKNOWN_APP',
  badDigest: 'BAD_DIGEST',
  badEncryption: 'BAD_ENCRYPTION',
  staleTimestamp: 'STALE_TIMESTAMP',
  /** The QR text is not an EHC code. */
  codeMalformed: 'CODE_MALFORMED',
  /** The validity block did not decrypt to a time under the protect key: forged or foreign. */
  codeForged: 'CODE_FORGED',
  codeExpired: 'CODE_EXPIRED',
  codeNotYetValid: 'CODE_NOT_YET_VALID',
  /** A dynamic code already used (replay) or with no verifications left. */
  codeUsed: 'CODE_USED',
  cardNotFound: 'CARD_NOT_FOUND',
  cardSuspended: 'CARD_SUSPENDED',
  cardClosed: 'CARD_CLOSED',
  /** Already registered (register) — the reply may still carry the card id. */
  cardExists: 'CARD_EXISTS',
  terminalUnknown: 'TERMINAL_UNKNOWN',
  /** The platform's own dependency (cipher machine, database) failed: not a verdict on the code. */
  internal: 'INTERNAL',
  /** The platform's cipher machine is unreachable: nothing was accepted or created (spec §5.2-4). */
  hsmUnavailable: 'HSM_UNAVAILABLE',
  /** The same signed request was seen before (request replay inside the timestamp window). */
  requestReplayed: 'REQUEST_REPLAYED',
  /** The app may not call this method. */
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** register: the same register_no with different data. */
  registerConflict: 'REGISTER_CONFLICT',
  /** The platform is overloaded: retry later. */
  busy: 'BUSY',
} as const;

export type CentralErrCode = (typeof CENTRAL_ERR_CODES)[keyof typeof CENTRAL_ERR_CODES];

/** The err_code a server answers with when it cannot open a request. */
export function errCodeForEnvelopeError(type: EnvelopeErrorType): CentralErrCode {
  switch (type) {
    case 'malformed':
      return CENTRAL_ERR_CODES.badRequest;
    case 'unknown-app':
      return CENTRAL_ERR_CODES.unknownApp;
    case 'bad-encryption':
      return CENTRAL_ERR_CODES.badEncryption;
    case 'bad-digest':
      return CENTRAL_ERR_CODES.badDigest;
    case 'stale-timestamp':
      return CENTRAL_ERR_CODES.staleTimestamp;
  }
}
