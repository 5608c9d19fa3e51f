import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type FramerEvent, RawTextFramer, type Terminator } from './framer.js';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (events: FramerEvent[]) =>
  events.map((e) => (e.type === 'frame' ? Buffer.from(e.frame.bytes).toString('latin1') : `!${e.bytes}`));

/** Splits `bytes` at the given cut points (any positions, duplicates allowed). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

function feed(framer: RawTextFramer, chunks: Uint8Array[]): FramerEvent[] {
  return chunks.flatMap((c, i) => framer.push(c, BigInt(i)));
}

/** Payload bytes without CR/LF: ASCII, UTF-8 Chinese or GBK Chinese. */
const payload = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => enc(s.replace(/[\r\n]/g, 'x') || 'x')),
  fc
    .array(fc.integer({ min: 0x4e00, max: 0x9fa5 }), { minLength: 1, maxLength: 20 })
    .map((cs) => enc(String.fromCharCode(...cs))),
  fc
    .array(fc.constantFrom('电', '子', '健', '康', '卡', '张', '三', 'A', '1', ':'), {
      minLength: 1,
      maxLength: 30,
    })
    .map((cs) => Uint8Array.from(iconv.encode(cs.join(''), 'gbk'))),
);

describe('RawTextFramer', () => {
  it('splits at CR, LF and CRLF (eol) and skips empty payloads', () => {
    const f = new RawTextFramer();
    expect(text(f.push(enc('A\rB\nC\r\n\r\nD'), 1n))).toEqual(['A', 'B', 'C']);
    expect(f.pendingBytes).toBe(1);
    expect(text(f.push(enc('\r'), 2n))).toEqual(['D']);
  });

  it('honours cr, lf, crlf and custom sequences exactly', () => {
    expect(text(new RawTextFramer({ terminator: 'cr' }).push(enc('A\nB\rC'), 0n))).toEqual(['A\nB']);
    expect(text(new RawTextFramer({ terminator: 'lf' }).push(enc('A\rB\nC'), 0n))).toEqual(['A\rB']);
    expect(text(new RawTextFramer({ terminator: 'crlf' }).push(enc('A\rB\r\nC\n'), 0n))).toEqual(['A\rB']);
    const etx = new RawTextFramer({ terminator: Uint8Array.of(0x03) });
    expect(text(etx.push(enc('A\r\nB\x03'), 0n))).toEqual(['A\r\nB']);
    const none = new RawTextFramer({ terminator: 'none' });
    expect(none.push(enc('A\rB'), 0n)).toEqual([]);
    expect(text(none.flush())).toEqual(['A\rB']);
  });

  it('stamps each payload with its first and last byte times', () => {
    const f = new RawTextFramer();
    f.push(enc('\rAB'), 10n);
    f.push(enc('C'), 20n);
    const [ev] = f.push(enc('\r'), 30n);
    expect(ev).toMatchObject({ type: 'frame', frame: { firstNs: 10n, lastNs: 30n } });
  });

  it('any chunking of the stream gives the same payloads (eol, crlf, custom)', () => {
    const terminators: [Terminator, Uint8Array][] = [
      ['eol', enc('\r')],
      ['eol', enc('\r\n')],
      ['crlf', enc('\r\n')],
      [Uint8Array.of(0x03, 0x04), Uint8Array.of(0x03, 0x04)],
    ];
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: terminators.length - 1 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, ti, cuts) => {
          const [terminator, sep] = terminators[ti]!;
          const stream = Buffer.concat(payloads.flatMap((p) => [p, sep]));
          const whole = feed(new RawTextFramer({ terminator }), [stream]);
          const chunked = feed(new RawTextFramer({ terminator }), split(stream, cuts));
          const bytes = (evs: FramerEvent[]) =>
            evs.map((e) => (e.type === 'frame' ? Buffer.from(e.frame.bytes).toString('hex') : e.bytes));
          expect(bytes(chunked)).toEqual(bytes(whole));
          expect(bytes(whole)).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')));
        },
      ),
    );
  });

  it('1-byte chunks of a 2 KB payload give one 2 KB payload', () => {
    const big = enc('电子健康卡'.repeat(137)); // 2055 bytes
    const f = new RawTextFramer();
    const out = feed(
      f,
      [...big, 0x0d].map((b) => Uint8Array.of(b)),
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.type === 'frame' && Buffer.from(out[0].frame.bytes).equals(Buffer.from(big))).toBe(true);
  });

  it('is bounded: an oversized payload is dropped to its terminator and reported once', () => {
    for (const terminator of ['eol', 'crlf'] as const) {
      const f = new RawTextFramer({ terminator, maxFrameBytes: 8 });
      const sep = terminator === 'eol' ? '\r' : '\r\n';
      const out = feed(f, split(enc(`12345678${sep}123456789${sep}OK${sep}`), [3, 9, 11, 12, 13, 14, 17]));
      expect(text(out)).toEqual(['12345678', '!9', 'OK']);
      expect(f.pendingBytes).toBe(0);
    }
    // Memory stays bounded however long the unterminated input runs.
    const f = new RawTextFramer({ maxFrameBytes: 16 });
    for (let i = 0; i < 1000; i++) f.push(new Uint8Array(64).fill(0x41), 0n);
    expect(text(f.flush())).toEqual(['!64000']);
  });

  it('property: no input makes a payload larger than the cap or loses a count', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 32 }), (bytes, max) => {
        const f = new RawTextFramer({ maxFrameBytes: max });
        const out = [...f.push(bytes, 0n), ...f.flush()];
        let payloadBytes = 0;
        for (const e of out) {
          if (e.type === 'frame') {
            expect(e.frame.bytes.length).toBeLessThanOrEqual(max);
            payloadBytes += e.frame.bytes.length;
          } else payloadBytes += e.bytes;
        }
        const nonTerminator = bytes.filter((b) => b !== 0x0d && b !== 0x0a).length;
        expect(payloadBytes).toBe(nonTerminator);
      }),
    );
  });

  it('discard drops a partial payload and reports its size', () => {
    const f = new RawTextFramer();
    f.push(enc('PARTIAL'), 0n);
    expect(f.discard()).toBe(7);
    expect(text(f.push(enc('NEXT\r'), 1n))).toEqual(['NEXT']);
  });

  it('validates its options', () => {
    expect(() => new RawTextFramer({ maxFrameBytes: 0 })).toThrow(/maxFrameBytes/);
    expect(() => new RawTextFramer({ terminator: new Uint8Array(9) })).toThrow(/terminator/);
    expect(() => new RawTextFramer({ terminator: 'tab' as Terminator })).toThrow(/terminator/);
  });
});
