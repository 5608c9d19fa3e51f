import { CENTRAL_ERR_CODES } from '../../protocol/central/err-codes.js';
import { EhcError, isEhcError } from '../../protocol/errors.js';

/**
 * Every refusal the central service gives, with its stable machine-readable code. The reply
 * carries the code as `error_code` next to the result `code` "00" and a message; messages never
 * contain personal data (ID numbers, names, phones) or secrets.
 */
export const CENTRAL_ERROR_CODES = {
  /** The HTTP body is not an envelope: missing or mistyped fields, wrong digest/enc type. */
  BAD_ENVELOPE: 'CENTRAL_BAD_ENVELOPE',
  UNKNOWN_APP: 'CENTRAL_UNKNOWN_APP',
  /** The SM3 digest does not match the parameters and the app secret. */
  BAD_DIGEST: 'CENTRAL_BAD_DIGEST',
  /** biz_content does not decrypt under the app secret, or is not a JSON object. */
  BAD_BIZ_CONTENT: 'CENTRAL_BAD_BIZ_CONTENT',
  /** The timestamp is outside the allowed window around the service's clock. */
  STALE_TIMESTAMP: 'CENTRAL_STALE_TIMESTAMP',
  /** The same request (same digest) was already received within the window. */
  REPLAYED_REQUEST: 'CENTRAL_REPLAYED_REQUEST',
  UNKNOWN_METHOD: 'CENTRAL_UNKNOWN_METHOD',
  /** The app may not call this method (apps list their methods in the configuration). */
  METHOD_NOT_ALLOWED: 'CENTRAL_METHOD_NOT_ALLOWED',
  /** A business field is missing or malformed; the message names the field, never its value. */
  BAD_FIELD: 'CENTRAL_BAD_FIELD',
  /** The cipher machine did not answer (spec §5.2-4): nothing was accepted or created. */
  HSM_UNAVAILABLE: 'CENTRAL_HSM_UNAVAILABLE',
  UNKNOWN_TERMINAL: 'CENTRAL_UNKNOWN_TERMINAL',
  /** The QR text is not an EHC code. */
  MALFORMED_CODE: 'CENTRAL_MALFORMED_CODE',
  CODE_EXPIRED: 'CENTRAL_CODE_EXPIRED',
  CODE_NOT_YET_VALID: 'CENTRAL_CODE_NOT_YET_VALID',
  /** The validity block does not decrypt to a time under the protect key. */
  CODE_FORGED: 'CENTRAL_CODE_FORGED',
  /** A dynamic code already accepted once. */
  CODE_REPLAYED: 'CENTRAL_CODE_REPLAYED',
  UNKNOWN_CARD: 'CENTRAL_UNKNOWN_CARD',
  CARD_CLOSED: 'CENTRAL_CARD_CLOSED',
  /** A `register_no` reused for another person. */
  REGISTER_CONFLICT: 'CENTRAL_REGISTER_CONFLICT',
  /** The database did not answer (lost, failing over, timed out): nothing was accepted. */
  DB_UNAVAILABLE: 'CENTRAL_DB_UNAVAILABLE',
  /** The replay cache is full of requests still inside the window: retry later. */
  BUSY: 'CENTRAL_BUSY',
  INTERNAL: 'CENTRAL_INTERNAL',
} as const;

export type CentralErrorCode = (typeof CENTRAL_ERROR_CODES)[keyof typeof CENTRAL_ERROR_CODES];
type Key = keyof typeof CENTRAL_ERROR_CODES;

/**
 * The wire `err_code` of each refusal: protocol/central's CENTRAL_ERR_CODES where one exists (the
 * agent's client understands those), and five more this server needs (`REQUEST_REPLAYED`,
 * `METHOD_NOT_ALLOWED`, `HSM_UNAVAILABLE` — like `INTERNAL`, not a verdict on the code —
 * `REGISTER_CONFLICT`, `BUSY`).
 */
const WIRE: Readonly<Record<Key, string>> = {
  BAD_ENVELOPE: CENTRAL_ERR_CODES.badRequest,
  UNKNOWN_APP: CENTRAL_ERR_CODES.unknownApp,
  BAD_DIGEST: CENTRAL_ERR_CODES.badDigest,
  BAD_BIZ_CONTENT: CENTRAL_ERR_CODES.badEncryption,
  STALE_TIMESTAMP: CENTRAL_ERR_CODES.staleTimestamp,
  REPLAYED_REQUEST: 'REQUEST_REPLAYED',
  UNKNOWN_METHOD: CENTRAL_ERR_CODES.unknownMethod,
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  BAD_FIELD: CENTRAL_ERR_CODES.badRequest,
  HSM_UNAVAILABLE: 'HSM_UNAVAILABLE',
  UNKNOWN_TERMINAL: CENTRAL_ERR_CODES.terminalUnknown,
  MALFORMED_CODE: CENTRAL_ERR_CODES.codeMalformed,
  CODE_EXPIRED: CENTRAL_ERR_CODES.codeExpired,
  CODE_NOT_YET_VALID: CENTRAL_ERR_CODES.codeNotYetValid,
  CODE_FORGED: CENTRAL_ERR_CODES.codeForged,
  CODE_REPLAYED: CENTRAL_ERR_CODES.codeUsed,
  UNKNOWN_CARD: CENTRAL_ERR_CODES.cardNotFound,
  CARD_CLOSED: CENTRAL_ERR_CODES.cardClosed,
  REGISTER_CONFLICT: 'REGISTER_CONFLICT',
  DB_UNAVAILABLE: 'DB_UNAVAILABLE',
  BUSY: 'BUSY',
  INTERNAL: CENTRAL_ERR_CODES.internal,
};

const WIRE_BY_CODE = new Map<string, string>(
  (Object.keys(CENTRAL_ERROR_CODES) as Key[]).map((k) => [CENTRAL_ERROR_CODES[k], WIRE[k]]),
);

/** The wire `err_code` for a refusal code. */
export function wireErrCode(code: CentralErrorCode): string {
  return WIRE_BY_CODE.get(code) ?? CENTRAL_ERR_CODES.internal;
}

export class CentralError extends EhcError {
  declare readonly code: CentralErrorCode;

  constructor(code: CentralErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isCentralError = (x: unknown): x is CentralError =>
  isEhcError(x) && typeof x.code === 'string' && x.code.startsWith('CENTRAL_');

/** Errors of the admin routes and of starting the service (configuration, storage). */
export class CentralSetupError extends EhcError {}

export const isCentralSetupError = (x: unknown): x is CentralSetupError =>
  isEhcError(x) && typeof x.code === 'string' && x.code.startsWith('CENTRAL_SETUP_');
