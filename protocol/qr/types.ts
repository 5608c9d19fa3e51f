/**
 * The EHC QR text: `<EHC-ID>:<type>[:<validity>[:<org code>]]` (docs/domain.md).
 *
 * - EHC-ID: upper-case hex, a whole number of 16-byte SM4 blocks (32, 64, 96 or 128 hex chars).
 * - type: `1` static, `0` dynamic, `9` temporary (one city).
 * - validity: dynamic codes only, 32 hex chars (SM4-ECB of the generation time under the protect key).
 * - org code: optional, alphanumeric; static codes reach it through an empty validity field (`::`).
 */
export type EhcKind = 'static' | 'dynamic' | 'temporary';

export interface EhcCode {
  /** Upper-case hex. */
  readonly ehcId: string;
  readonly kind: EhcKind;
  /** Dynamic codes only: 32 upper-case hex chars. */
  readonly validity?: string;
  /** Issuing organisation/region code (e.g. `5100A0013`), case kept. */
  readonly orgCode?: string;
  /**
   * The QR text as encoded in the symbol: scanner additions (AIM prefix, ECI designator,
   * surrounding whitespace, CR/LF) removed, case kept. This is what a central `verify` call sends.
   */
  readonly raw: string;
}

/** The closed set of parse failures. */
export type QrErrorType =
  | 'format'
  | 'unknown-type'
  | 'bad-ehc-id'
  | 'bad-validity'
  | 'too-long'
  | 'bad-charset';

export const QR_ERROR_TYPES: readonly QrErrorType[] = [
  'format',
  'unknown-type',
  'bad-ehc-id',
  'bad-validity',
  'too-long',
  'bad-charset',
];

export interface QrError {
  readonly type: QrErrorType;
  /** Human-readable; never contains the input text. */
  readonly message: string;
}

/** Longest input accepted, checked before any other work (real codes are ~66–110 chars). */
export const MAX_QR_TEXT_LENGTH = 512;
export const EHC_ID_MIN_HEX = 32;
export const EHC_ID_MAX_HEX = 128;
export const EHC_ID_BLOCK_HEX = 32;
export const VALIDITY_HEX = 32;
export const MAX_ORG_CODE_LENGTH = 32;

/** The type digit for each kind, and back. */
export const KIND_DIGIT: Readonly<Record<EhcKind, string>> = { static: '1', dynamic: '0', temporary: '9' };
