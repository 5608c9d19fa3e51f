import { allAlphanumeric, scanHex } from './chars.js';
import { QrCodeError } from './errors.js';
import {
  EHC_ID_BLOCK_HEX,
  EHC_ID_MAX_HEX,
  EHC_ID_MIN_HEX,
  type EhcCode,
  KIND_DIGIT,
  MAX_ORG_CODE_LENGTH,
  VALIDITY_HEX,
} from './types.js';

/** The fields `formatEhcCode` needs (`raw` is ignored if present). */
export type EhcCodeFields = Omit<EhcCode, 'raw'> & { readonly raw?: string };

/**
 * Writes the canonical QR text of a code: upper-case hex, no scanner additions, and an org code
 * reached through an empty validity field for non-dynamic codes (`<id>:1::<org>`).
 * `parseEhcCode(formatEhcCode(c))` gives back `c`'s fields. Throws `QrCodeError`
 * (`QR_INVALID_CODE`) for fields no valid QR text could carry: a programming error.
 */
export function formatEhcCode(code: EhcCodeFields): string {
  const id = code.ehcId;
  if (
    typeof id !== 'string' ||
    id.length < EHC_ID_MIN_HEX ||
    id.length > EHC_ID_MAX_HEX ||
    id.length % EHC_ID_BLOCK_HEX !== 0 ||
    scanHex(id, 0, id.length) < 0
  ) {
    throw invalid('EHC-ID must be 32, 64, 96 or 128 hex characters');
  }
  const digit = Object.hasOwn(KIND_DIGIT, code.kind) ? KIND_DIGIT[code.kind] : undefined;
  if (digit === undefined) throw invalid('kind must be static, dynamic or temporary');
  let validity = '';
  if (code.kind === 'dynamic') {
    const v = code.validity;
    if (typeof v !== 'string' || v.length !== VALIDITY_HEX || scanHex(v, 0, v.length) < 0) {
      throw invalid(`a dynamic code needs a ${VALIDITY_HEX}-hex validity`);
    }
    validity = v.toUpperCase();
  } else if (code.validity !== undefined) {
    throw invalid(`a ${code.kind} code carries no validity`);
  }
  const head = `${id.toUpperCase()}:${digit}`;
  const org = code.orgCode;
  if (org === undefined || org === '') return validity === '' ? head : `${head}:${validity}`;
  if (typeof org !== 'string' || org.length > MAX_ORG_CODE_LENGTH || !allAlphanumeric(org, 0, org.length)) {
    throw invalid(`org code must be 1–${MAX_ORG_CODE_LENGTH} alphanumeric characters`);
  }
  return `${head}:${validity}:${org}`;
}

function invalid(message: string): QrCodeError {
  return new QrCodeError('QR_INVALID_CODE', message);
}
