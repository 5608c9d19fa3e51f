/** Character-class helpers on UTF-16 code units: no regex, no allocation. */

/** Class bits for the ASCII table below. */
export const VISIBLE = 1;
export const HEX = 2;
export const LOWER = 4;
export const ALNUM = 8;
export const ALL = VISIBLE | HEX | LOWER | ALNUM;

/**
 * Class bits of each ASCII code (0 = not allowed in a QR text: controls, space, DEL). Hex digits
 * are HEX (lower-case ones also LOWER); letters and digits are ALNUM; every visible character is
 * VISIBLE.
 */
export const CLASS: Uint8Array = (() => {
  const t = new Uint8Array(0x80);
  for (let c = 0x21; c <= 0x7e; c++) {
    t[c] =
      VISIBLE |
      (hexClass(c) === 0 ? 0 : HEX) |
      (hexClass(c) === 2 ? LOWER : 0) |
      (isAlphanumeric(c) ? ALNUM : 0);
  }
  return t;
})();

/** ASCII whitespace (TAB, LF, VT, FF, CR, space) and the BOM a decoder may leave at the start. */
export function isStrippable(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xfeff;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** 0 = not hex, 1 = digit or upper-case A–F, 2 = lower-case a–f. */
export function hexClass(c: number): 0 | 1 | 2 {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46)) return 1;
  if (c >= 0x61 && c <= 0x66) return 2;
  return 0;
}

export function isAlphanumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Checks `s[from, to)` is hex. Returns -1 if not, 0 if already upper-case, 1 if it has lower-case
 * digits (the caller upper-cases the slice).
 */
export function scanHex(s: string, from: number, to: number): -1 | 0 | 1 {
  let lower: 0 | 1 = 0;
  for (let i = from; i < to; i++) {
    const k = hexClass(s.charCodeAt(i));
    if (k === 0) return -1;
    if (k === 2) lower = 1;
  }
  return lower;
}

export function allAlphanumeric(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isAlphanumeric(s.charCodeAt(i))) return false;
  return true;
}
