import { err, ok, type Result } from '../result.js';
import { ALL, ALNUM, CLASS, HEX, isDigit, isStrippable, LOWER } from './chars.js';
import {
  EHC_ID_BLOCK_HEX,
  EHC_ID_MAX_HEX,
  EHC_ID_MIN_HEX,
  type EhcCode,
  type EhcKind,
  MAX_ORG_CODE_LENGTH,
  MAX_QR_TEXT_LENGTH,
  type QrError,
  type QrErrorType,
  VALIDITY_HEX,
} from './types.js';

/**
 * Parses an EHC QR text into an `EhcCode`. Never throws, for any input: failures are values with
 * a closed set of types (`QrErrorType`). One pass over the characters, no regex, and no
 * allocation beyond the field strings of the result (the input is returned as `raw` when nothing
 * was stripped).
 *
 * Order of checks: length (before any work) → strip scanner additions → charset → structure
 * (number of `:`-separated fields) → EHC-ID → type → validity → org code.
 */
export function parseEhcCode(text: string): Result<EhcCode, QrError> {
  if (typeof text !== 'string') return fail('format', 'QR text must be a string');
  if (text.length > MAX_QR_TEXT_LENGTH) {
    return fail('too-long', `QR text longer than ${MAX_QR_TEXT_LENGTH} characters`);
  }
  const [start, end] = payloadBounds(text);
  if (start >= end) return fail('format', 'QR text is empty');

  // One pass: charset, the positions of the first three colons, and per field the AND/OR of
  // the character classes (so hex, case and alphanumeric checks need no second pass).
  let c1 = -1;
  let c2 = -1;
  let c3 = -1;
  let colons = 0;
  let idAnd = ALL;
  let idOr = 0;
  let valAnd = ALL;
  let valOr = 0;
  let orgAnd = ALL;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const f = c < 0x80 ? CLASS[c]! : 0;
    if (f === 0) return fail('bad-charset', `character U+${hex4(c)} at offset ${i - start}`);
    if (c === 0x3a) {
      colons++;
      if (colons === 1) c1 = i;
      else if (colons === 2) c2 = i;
      else if (colons === 3) c3 = i;
    } else if (colons === 0) {
      idAnd &= f;
      idOr |= f;
    } else if (colons === 2) {
      valAnd &= f;
      valOr |= f;
    } else if (colons === 3) {
      orgAnd &= f;
    }
  }
  if (colons === 0)
    return fail('format', 'no ":" separator: expected <EHC-ID>:<type>[:<validity>[:<org code>]]');
  if (colons > 3) return fail('format', `${colons + 1} fields; at most 4 expected`);

  const idLen = c1 - start;
  if (idLen < EHC_ID_MIN_HEX || idLen > EHC_ID_MAX_HEX || idLen % EHC_ID_BLOCK_HEX !== 0) {
    return fail('bad-ehc-id', `EHC-ID has ${idLen} characters; expected 32, 64, 96 or 128 hex`);
  }
  if ((idAnd & HEX) === 0) return fail('bad-ehc-id', 'EHC-ID is not hex');

  const typeEnd = c2 < 0 ? end : c2;
  if (typeEnd - c1 - 1 === 0) return fail('format', 'type field is empty');
  const kind = typeEnd - c1 - 1 === 1 ? kindOf(text.charCodeAt(c1 + 1)) : undefined;
  if (kind === undefined)
    return fail('unknown-type', 'type must be 0 (dynamic), 1 (static) or 9 (temporary)');

  const valStart = c2 + 1;
  const valEnd = c2 < 0 ? valStart : c3 < 0 ? end : c3;
  const valLen = valEnd - valStart;
  let validity: string | undefined;
  if (kind === 'dynamic') {
    if (valLen !== VALIDITY_HEX) {
      return fail('bad-validity', `dynamic code needs a ${VALIDITY_HEX}-hex validity field, got ${valLen}`);
    }
    if ((valAnd & HEX) === 0) return fail('bad-validity', 'validity field is not hex');
    validity = text.slice(valStart, valEnd);
    if ((valOr & LOWER) !== 0) validity = validity.toUpperCase();
  } else if (valLen !== 0) {
    return fail('bad-validity', `a ${kind} code carries no validity field`);
  }

  let orgCode: string | undefined;
  if (c3 >= 0 && end - c3 - 1 > 0) {
    if (end - c3 - 1 > MAX_ORG_CODE_LENGTH) {
      return fail('format', `org code longer than ${MAX_ORG_CODE_LENGTH} characters`);
    }
    if ((orgAnd & ALNUM) === 0) return fail('format', 'org code must be alphanumeric');
    orgCode = text.slice(c3 + 1, end);
  }

  const ehcId = (idOr & LOWER) === 0 ? text.slice(start, c1) : text.slice(start, c1).toUpperCase();
  const raw = start === 0 && end === text.length ? text : text.slice(start, end);
  const code: { -readonly [K in keyof EhcCode]: EhcCode[K] } = { ehcId, kind, raw };
  if (validity !== undefined) code.validity = validity;
  if (orgCode !== undefined) code.orgCode = orgCode;
  return ok(code);
}

/**
 * The payload's bounds inside `text` once scanner additions are removed: surrounding whitespace
 * and CR/LF, an AIM symbology identifier for QR (`]Q0`–`]Q6`), then an ECI designator
 * (`\` + six digits, e.g. `\000026`).
 */
export function payloadBounds(text: string): [start: number, end: number] {
  let start = 0;
  let end = text.length;
  while (start < end && isStrippable(text.charCodeAt(start))) start++;
  while (end > start && isStrippable(text.charCodeAt(end - 1))) end--;
  if (
    end - start >= 3 &&
    text.charCodeAt(start) === 0x5d &&
    text.charCodeAt(start + 1) === 0x51 &&
    text.charCodeAt(start + 2) >= 0x30 &&
    text.charCodeAt(start + 2) <= 0x36
  ) {
    start += 3;
  }
  if (end - start >= 7 && text.charCodeAt(start) === 0x5c) {
    let digits = true;
    for (let i = start + 1; i <= start + 6; i++) digits &&= isDigit(text.charCodeAt(i));
    if (digits) start += 7;
  }
  return [start, end];
}

/** The QR text without scanner additions (see `payloadBounds`). */
export function stripScannerAdditions(text: string): string {
  const [start, end] = payloadBounds(text);
  return text.slice(start, end);
}

function kindOf(c: number): EhcKind | undefined {
  if (c === 0x31) return 'static';
  if (c === 0x30) return 'dynamic';
  if (c === 0x39) return 'temporary';
  return undefined;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

function fail(type: QrErrorType, message: string): Result<never, QrError> {
  return err({ type, message });
}
