/**
 * Structured inputs: valid messages damaged the way lines and attackers damage them (bit flips,
 * inserted and deleted runs, truncation, duplication), valid streams with garbage between the
 * messages, and the chunk boundaries a transport splits them at.
 */
import fc from 'fast-check';

type Op =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly n: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'repeat'; readonly at: number; readonly n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x0a, 0x0d),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }) }),
);

function apply(b: Uint8Array, op: Op): Uint8Array {
  const at = b.length === 0 ? 0 : op.at % (b.length + 1);
  const buf = Buffer.from(b);
  switch (op.kind) {
    case 'flip':
      if (at < b.length) buf[at] = buf[at]! ^ (1 << op.bit);
      return buf;
    case 'set':
      if (at < b.length) buf[at] = op.value;
      return buf;
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), op.bytes, buf.subarray(at)]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + op.n)]);
    case 'truncate':
      return buf.subarray(0, at);
    case 'repeat':
      return Buffer.concat([buf.subarray(0, at + op.n), buf.subarray(at)]);
  }
}

/** A valid message with one to four damages applied. */
export function damaged(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(opArb, { minLength: 1, maxLength: 4 }))
    .map(([b, ops]) => ops.reduce(apply, b));
}

/** Valid, damaged or random bytes: what one read of a hostile line can hold. */
export function hostileBytes(valid: fc.Arbitrary<Uint8Array>, maxRandom = 600): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 2, arbitrary: damaged(valid) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
    { weight: 1, arbitrary: valid },
  );
}

/** A stream of valid, damaged and garbage pieces, concatenated. */
export function hostileStream(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .array(hostileBytes(valid, 64), { minLength: 1, maxLength: 6 })
    .map((parts) => new Uint8Array(Buffer.concat(parts)));
}

/** Chunk sizes a transport delivers a stream in (cycled; a 0-free list). */
export const cutsArb: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 1, max: 80 }), {
  minLength: 1,
  maxLength: 8,
});

/** `bytes` split by `cuts` (cycled until the bytes run out). */
export function chunks(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = cuts[i % cuts.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** A text damaged at the character level (for text codecs). */
export function damagedText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 4 }),
    fc.constantFrom(':', '\r\n', '\u0000', '\uFEFF', ']Q1', '\\000026', '\uD800', 'ｚ', '中'),
  );
  return fc.tuple(valid, fc.nat(), fc.nat(8), piece).map(([s, at, del, ins]) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + ins + s.slice(i + del);
  });
}
