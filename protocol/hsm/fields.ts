import { err, ok, type Result } from '../result.js';
import { HsmProtocolError } from './errors.js';

/**
 * Field encoding: every field is `u16 BE length` + bytes, in the order of the command's schema.
 * Numbers are fixed-size big-endian fields (u8 = 1 byte … u64 = 8 bytes, at most 2^53 − 1);
 * `bytes` and `text` (UTF-8) fields carry their own length within the schema's bounds.
 */
export type FieldKind = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes' | 'text';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** bytes/text: smallest byte length (default 0). */
  readonly min?: number;
  /** bytes/text: largest byte length (default: what the frame allows). */
  readonly max?: number;
  /** bytes: the length must be a multiple of this. */
  readonly multipleOf?: number;
}

interface KindValue {
  u8: number;
  u16: number;
  u32: number;
  u64: number;
  bytes: Buffer;
  text: string;
}
interface KindInput extends Omit<KindValue, 'bytes'> {
  bytes: Uint8Array;
}

/** The decoded object of a schema: `{ [name]: value }`. */
export type FieldValues<S extends readonly FieldSpec[]> = {
  -readonly [F in S[number] as F['name']]: KindValue[F['kind']];
};
/** What an encoder accepts for a schema (bytes as any Uint8Array). */
export type FieldInputs<S extends readonly FieldSpec[]> = {
  readonly [F in S[number] as F['name']]: KindInput[F['kind']];
};

const FIXED: Readonly<Record<FieldKind, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, bytes: -1, text: -1 };
const LIMIT: Readonly<Record<FieldKind, number>> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffffffff,
  u64: Number.MAX_SAFE_INTEGER,
  bytes: 0,
  text: 0,
};
const TWO_32 = 0x1_0000_0000;

function badField(spec: FieldSpec, why: string): HsmProtocolError {
  return new HsmProtocolError('HSM_BAD_FIELD', `field ${spec.name}: ${why}`);
}

function checkSize(spec: FieldSpec, n: number): string | undefined {
  if (n < (spec.min ?? 0)) return `shorter than ${spec.min} bytes`;
  if (spec.max !== undefined && n > spec.max) return `longer than ${spec.max} bytes`;
  if (spec.multipleOf !== undefined && n % spec.multipleOf !== 0)
    return `not a multiple of ${spec.multipleOf}`;
  return undefined;
}

/** Byte size of each field's value (without its length prefix); throws HSM_BAD_FIELD. */
export function fieldSizes(
  schema: readonly FieldSpec[],
  values: Readonly<Record<string, unknown>>,
): number[] {
  const sizes: number[] = [];
  for (const spec of schema) {
    const v = values[spec.name];
    const fixed = FIXED[spec.kind];
    let n: number;
    if (fixed > 0) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > LIMIT[spec.kind]) {
        throw badField(spec, `not an integer in 0..${LIMIT[spec.kind]}`);
      }
      n = fixed;
    } else if (spec.kind === 'text') {
      if (typeof v !== 'string') throw badField(spec, 'not a string');
      n = Buffer.byteLength(v, 'utf8');
    } else {
      if (!(v instanceof Uint8Array)) throw badField(spec, 'not bytes');
      n = v.byteLength;
    }
    const why = checkSize(spec, n);
    if (why !== undefined) throw badField(spec, why);
    sizes.push(n);
  }
  return sizes;
}

/** Writes the fields at `off`; `sizes` from `fieldSizes`. Returns the offset after them. */
export function writeFields(
  out: Buffer,
  off: number,
  schema: readonly FieldSpec[],
  values: Readonly<Record<string, unknown>>,
  sizes: readonly number[],
): number {
  for (let i = 0; i < schema.length; i++) {
    const spec = schema[i]!;
    const n = sizes[i]!;
    const v = values[spec.name];
    out.writeUInt16BE(n, off);
    off += 2;
    switch (spec.kind) {
      case 'u8':
        out[off] = v as number;
        break;
      case 'u16':
        out.writeUInt16BE(v as number, off);
        break;
      case 'u32':
        out.writeUInt32BE(v as number, off);
        break;
      case 'u64': {
        const x = v as number;
        out.writeUInt32BE(Math.floor(x / TWO_32), off);
        out.writeUInt32BE(x % TWO_32, off + 4);
        break;
      }
      case 'text':
        out.write(v as string, off, n, 'utf8');
        break;
      case 'bytes': {
        const b = v as Uint8Array;
        out.set(b, off);
        break;
      }
    }
    off += n;
  }
  return off;
}

export type FieldDecodeFailure = { readonly type: 'bad-field' | 'trailing-bytes'; readonly message: string };

/** Reads the schema's fields from `frame[off..]`; every field must be present and nothing may follow. */
export function readFields(
  frame: Buffer,
  off: number,
  schema: readonly FieldSpec[],
): Result<Record<string, number | Buffer | string>, FieldDecodeFailure> {
  const out: Record<string, number | Buffer | string> = {};
  const end = frame.length;
  for (const spec of schema) {
    if (off + 2 > end) return err({ type: 'bad-field', message: `field ${spec.name} is missing` });
    const n = frame.readUInt16BE(off);
    off += 2;
    if (off + n > end) return err({ type: 'bad-field', message: `field ${spec.name} is truncated` });
    const fixed = FIXED[spec.kind];
    if (fixed > 0 && n !== fixed) {
      return err({ type: 'bad-field', message: `field ${spec.name} must be ${fixed} bytes` });
    }
    const why = fixed > 0 ? undefined : checkSize(spec, n);
    if (why !== undefined) return err({ type: 'bad-field', message: `field ${spec.name}: ${why}` });
    switch (spec.kind) {
      case 'u8':
        out[spec.name] = frame[off]!;
        break;
      case 'u16':
        out[spec.name] = frame.readUInt16BE(off);
        break;
      case 'u32':
        out[spec.name] = frame.readUInt32BE(off);
        break;
      case 'u64': {
        const hi = frame.readUInt32BE(off);
        if (hi > 0x1f_ffff) return err({ type: 'bad-field', message: `field ${spec.name} exceeds 2^53 - 1` });
        out[spec.name] = hi * TWO_32 + frame.readUInt32BE(off + 4);
        break;
      }
      case 'text':
        out[spec.name] = frame.toString('utf8', off, off + n);
        break;
      case 'bytes':
        out[spec.name] = frame.subarray(off, off + n);
        break;
    }
    off += n;
  }
  if (off !== end) return err({ type: 'trailing-bytes', message: `${end - off} bytes after the last field` });
  return ok(out);
}
