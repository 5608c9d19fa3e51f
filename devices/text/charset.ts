import type { Charset } from '../types.js';

/**
 * Payload bytes → text. UTF-8 when the bytes are valid UTF-8 (pure ASCII reports 'ascii'),
 * otherwise GBK (GB18030 superset, as Chinese scanners send it). Never Latin-1 by accident: bytes
 * that are neither valid UTF-8 nor valid GBK come back with `valid: false` and U+FFFD in `text`.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const gbk = new TextDecoder('gb18030', { fatal: true });
const gbkLoose = new TextDecoder('gb18030');

export interface DecodedText {
  readonly text: string;
  readonly charset: Charset;
  readonly valid: boolean;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

/**
 * Share of characters plausible in a Chinese hospital payload: ASCII, CJK symbols and
 * punctuation, CJK unified ideographs, full-width forms. Short GBK text can be valid UTF-8 by
 * accident (GBK `D2 A1` "摇" is UTF-8 "ҡ"); UTF-8 decodings of such bytes land in U+0080–U+07FF.
 */
function plausibility(text: string): number {
  if (text.length === 0) return 1;
  let good = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c < 0x80 ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0x3400 && c <= 0x9fff) ||
      (c >= 0xff00 && c <= 0xffef)
    ) {
      good++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      good++; // astral characters (emoji, CJK extension B+): neutral
    }
  }
  return good / text.length;
}

function tryDecode(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodePayload(bytes: Uint8Array, hint?: Charset): DecodedText {
  if (isAscii(bytes))
    return { text: String.fromCharCode(...bytesToCodes(bytes)), charset: 'ascii', valid: true };
  const asUtf8 = tryDecode(utf8, bytes);
  const asGbk = tryDecode(gbk, bytes);
  if (hint === 'gbk' && asGbk !== undefined) return { text: asGbk, charset: 'gbk', valid: true };
  if (asUtf8 !== undefined && asGbk !== undefined && hint !== 'utf-8') {
    // Both decode: take UTF-8 unless GBK reads as clearly more plausible text.
    return plausibility(asGbk) > plausibility(asUtf8)
      ? { text: asGbk, charset: 'gbk', valid: true }
      : { text: asUtf8, charset: 'utf-8', valid: true };
  }
  if (asUtf8 !== undefined) return { text: asUtf8, charset: 'utf-8', valid: true };
  if (asGbk !== undefined) return { text: asGbk, charset: 'gbk', valid: true };
  return { text: gbkLoose.decode(bytes), charset: 'gbk', valid: false };
}

function bytesToCodes(bytes: Uint8Array): number[] {
  // String.fromCharCode(...bytes) on a Uint8Array works but spreads a typed array; keep it small.
  return Array.from(bytes);
}

/** ECI assignment numbers for the charsets we meet (ISO/IEC 15424, AIM ECI). */
export function charsetForEci(eci: number): Charset | undefined {
  if (eci === 26) return 'utf-8';
  if (eci === 29 || eci === 32) return 'gbk'; // GB2312 / GB18030
  if (eci === 3 || eci === 27) return 'ascii'; // treat ISO-8859-1 / US-ASCII payloads as ASCII-checked
  return undefined;
}
