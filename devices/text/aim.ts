import type { Symbology } from '../types.js';

/**
 * AIM symbology identifiers (ISO/IEC 15424): `]` + code character + modifier digit/letter.
 * Scanners configured to prefix them send e.g. `]Q1` before a QR payload. For QR, modifiers
 * 2, 4 and 6 mean the payload may carry ECI escapes (`\NNNNNN`).
 */
const AIM_RE = /^\][A-Za-z][0-9A-Za-z]/;

const CODE_TO_SYMBOLOGY: Record<string, Symbology> = {
  Q: 'qr_code',
  d: 'data_matrix',
  L: 'pdf417',
  z: 'aztec',
  h: 'han_xin',
  C: 'code_128',
  A: 'code_39',
  E: 'ean_13',
  I: 'itf',
};

export interface AimPrefix {
  /** Without the `]`, e.g. `Q1`. */
  readonly aimId: string;
  readonly symbology: Symbology;
  /** True when the modifier says ECI escapes may be present. */
  readonly eci: boolean;
}

/** Parses a leading AIM identifier from payload bytes; returns it and the prefix length (3). */
export function parseAimPrefix(bytes: Uint8Array): AimPrefix | undefined {
  if (bytes.length < 3 || bytes[0] !== 0x5d) return undefined;
  const head = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!);
  if (!AIM_RE.test(head)) return undefined;
  const code = head[1]!;
  const mod = head[2]!;
  const symbology = CODE_TO_SYMBOLOGY[code] ?? 'unknown';
  const eci = code === 'Q' && (mod === '2' || mod === '4' || mod === '6');
  return { aimId: head.slice(1), symbology, eci };
}

/**
 * Parses an ECI designator `\NNNNNN` at the start of the data (six digits). A literal backslash
 * in ECI mode is sent doubled (`\\`), which callers unescape with `unescapeEciData`.
 */
export function parseEciDesignator(bytes: Uint8Array): { eci: number; length: number } | undefined {
  if (bytes.length < 7 || bytes[0] !== 0x5c) return undefined;
  let n = 0;
  for (let i = 1; i <= 6; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return { eci: n, length: 7 };
}

/** In ECI mode a data backslash is doubled; undo that. */
export function unescapeEciData(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(0x5c)) return bytes;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    out.push(bytes[i]!);
    if (bytes[i] === 0x5c && bytes[i + 1] === 0x5c) i++;
  }
  return Uint8Array.from(out);
}
