import { LENGTH_BYTES } from './framing.js';

/**
 * The validity check (VC → VD) is the hot path: these read and write its frames at fixed offsets,
 * without the schema walk. They produce and accept exactly the bytes of the generic codec
 * (`encodeRequest`/`decodeRequest`/`encodeReply`/`decodeReply`; fast-vc.test.ts checks it) for the
 * common case of an empty time-zone field; anything else takes the generic path.
 *
 * Request body: id(4) 'VC' | 0002 keyIndex | 0010 block(16) | 0008 nowMs | 0004 lifetimeS |
 * 0004 skewS | 0000 (time zone: the machine's).
 * Reply body: id(4) 'VD' '00' | 0001 verdict | 0008 generatedMs | 000E digits(14) or 0000.
 */
export const VC_BODY_BYTES = 52;
export const VC_AT = { keyIndex: 8, block: 12, nowMs: 30, lifetimeS: 40, skewS: 46 } as const;
/** Each field's length prefix: [offset, expected length]. */
const VC_PREFIXES: readonly (readonly [number, number])[] = [
  [6, 2],
  [10, 16],
  [28, 8],
  [38, 4],
  [44, 4],
  [50, 0],
];
const V = 0x56;
const C = 0x43;
const D = 0x44;
const ZERO = 0x30;
const TWO_32 = 0x1_0000_0000;
const MAX_HI = 0x1f_ffff;
const HEX32 = /^[0-9a-fA-F]{32}$/;

export const VD_BODY_BYTES_VALID = 37;
export const VD_BODY_BYTES_EMPTY = 23;

/** True if `body` is a VC request in the fixed layout (read it with `VC_AT`). */
export function isFastVcRequest(body: Buffer): boolean {
  if (body.length !== VC_BODY_BYTES || body[4] !== V || body[5] !== C) return false;
  for (const [at, n] of VC_PREFIXES) if (body.readUInt16BE(at) !== n) return false;
  return body.readUInt32BE(VC_AT.nowMs) <= MAX_HI;
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

function writeU64(buf: Buffer, at: number, v: number): void {
  buf.writeUInt32BE(Math.floor(v / TWO_32), at);
  buf.writeUInt32BE(v % TWO_32, at + 4);
}

/**
 * The whole VC request frame, block given as 32 hex chars. Returns undefined when an argument is
 * outside the fixed layout (the caller then validates and uses the generic encoder).
 */
export function encodeFastVcRequest(
  id: number,
  keyIndex: number,
  blockHex: string,
  nowMs: number,
  lifetimeS: number,
  skewS: number,
): Buffer | undefined {
  if (!HEX32.test(blockHex)) return undefined;
  const f = Buffer.allocUnsafe(LENGTH_BYTES + VC_BODY_BYTES);
  f.writeUInt16BE(VC_BODY_BYTES, 0);
  const b = f.subarray(LENGTH_BYTES);
  b.writeUInt32BE(id >>> 0, 0);
  b[4] = V;
  b[5] = C;
  for (const [at, n] of VC_PREFIXES) b.writeUInt16BE(n, at);
  b.writeUInt16BE(keyIndex, VC_AT.keyIndex);
  b.write(blockHex, VC_AT.block, 16, 'hex');
  writeU64(b, VC_AT.nowMs, nowMs);
  b.writeUInt32BE(lifetimeS, VC_AT.lifetimeS);
  b.writeUInt32BE(skewS, VC_AT.skewS);
  return f;
}

/**
 * Writes a VD `00` reply frame at `out[off]`; `digitsFrom` holds the 7 BCD bytes whose hex is the
 * digits (or undefined for a garbage verdict: no time, empty digits). Returns the new offset.
 */
export function writeFastVdReply(
  out: Buffer,
  off: number,
  id: number,
  verdict: number,
  generatedMs: number,
  digitsFrom: Buffer | undefined,
  digitsAt = 0,
): number {
  const body = digitsFrom === undefined ? VD_BODY_BYTES_EMPTY : VD_BODY_BYTES_VALID;
  out.writeUInt16BE(body, off);
  const b = off + LENGTH_BYTES;
  out.writeUInt32BE(id, b);
  out[b + 4] = V;
  out[b + 5] = D;
  out[b + 6] = ZERO;
  out[b + 7] = ZERO;
  out.writeUInt16BE(1, b + 8);
  out[b + 10] = verdict;
  out.writeUInt16BE(8, b + 11);
  writeU64(out, b + 13, generatedMs);
  if (digitsFrom === undefined) {
    out.writeUInt16BE(0, b + 21);
  } else {
    out.writeUInt16BE(14, b + 21);
    out.write(digitsFrom.toString('hex', digitsAt, digitsAt + 7), b + 23, 14, 'latin1');
  }
  return b + body;
}

export interface FastVdReply {
  readonly verdict: number;
  readonly generatedMs: number;
  readonly digits: string;
}

/** Reads a `00` VD reply in the fixed layout; undefined for anything else (use `decodeReply`). */
export function readFastVdReply(body: Buffer): FastVdReply | undefined {
  const n = body.length;
  if (n !== VD_BODY_BYTES_VALID && n !== VD_BODY_BYTES_EMPTY) return undefined;
  if (body[4] !== V || body[5] !== D || body[6] !== ZERO || body[7] !== ZERO) return undefined;
  if (body.readUInt16BE(8) !== 1 || body.readUInt16BE(11) !== 8 || body.readUInt32BE(13) > MAX_HI)
    return undefined;
  const digitsLen = body.readUInt16BE(21);
  if (digitsLen !== n - VD_BODY_BYTES_EMPTY) return undefined;
  return {
    verdict: body[10]!,
    generatedMs: readU64(body, 13),
    digits: digitsLen === 0 ? '' : body.toString('latin1', 23, 37),
  };
}
