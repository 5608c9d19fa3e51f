import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEhcError } from '../errors.js';
import { decodeReply, decodeRequest, encodeRequest } from './codec.js';
import { FrameDecoder } from './framing.js';
import { requestArb } from './test-arbitraries.js';

// biome-ignore lint/suspicious/noExplicitAny: generic case table
const encode = (c: { id: number; cmd: any; fields: any }): Buffer => encodeRequest(c.id, c.cmd, c.fields);

function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

function decodeAll(chunks: Buffer[], mode: 'close' | 'resync'): unknown[] {
  const d = new FrameDecoder({ onGarbage: mode });
  const out: unknown[] = [];
  for (const c of chunks) d.push(c, (b) => out.push(decodeRequest(b)));
  expect(d.bufferedBytes).toBe(0);
  return out;
}

/** Deterministic xorshift32 byte source, so a failure is reproducible. */
function garbage(seed: number): (n: number) => Buffer {
  let s = seed >>> 0 || 1;
  return (n) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      b[i] = s & 0xff;
    }
    return b;
  };
}

describe('FrameDecoder', () => {
  it('any chunking of valid frames, down to 1-byte pieces, yields the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.constantFrom<'close' | 'resync'>('close', 'resync'),
        (cases, cuts, mode) => {
          const stream = Buffer.concat(cases.map(encode));
          const expected = cases.map((c) => ({ ok: true, value: c }));
          expect(decodeAll(split(stream, cuts), mode)).toEqual(expected);
          const bytes = [...stream].map((b) => Buffer.from([b]));
          expect(decodeAll(bytes, mode)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('checks the length before buffering and stays failed in close mode', () => {
    const d = new FrameDecoder({ maxFrameLength: 100 });
    expect(() => d.push(Buffer.from([0, 101]), () => {})).toThrow(
      expect.objectContaining({ code: 'HSM_FRAME_TOO_LARGE' }),
    );
    expect(d.bufferedBytes).toBe(0);
    expect(d.closed).toBe(true);
    expect(() => d.push(Buffer.from([0]), () => {})).toThrow(
      expect.objectContaining({ code: 'HSM_DECODER_CLOSED' }),
    );
    d.reset();
    expect(() => d.push(Buffer.from([0, 5, 1, 2]), () => {})).toThrow(
      expect.objectContaining({ code: 'HSM_FRAME_TOO_SHORT' }),
    );
    // A split length prefix is judged once complete.
    const e = new FrameDecoder({ maxFrameLength: 100 });
    e.push(Buffer.from([1]), () => {});
    expect(() => e.push(Buffer.from([0]), () => {})).toThrow(
      expect.objectContaining({ code: 'HSM_FRAME_TOO_LARGE' }),
    );
  });

  it('resyncs past garbage to the next plausible frame', () => {
    const frame = encodeRequest(42, 'NC', {});
    const noise = Buffer.from([0xff, 0xff, 0x00, 0x01, 0x99]);
    for (const chunks of [
      [Buffer.concat([noise, frame])],
      [...Buffer.concat([noise, frame])].map((b) => Buffer.from([b])),
    ]) {
      const d = new FrameDecoder({ onGarbage: 'resync' });
      const got: unknown[] = [];
      for (const c of chunks) d.push(c, (b) => got.push(decodeRequest(b)));
      expect(got).toEqual([{ ok: true, value: { id: 42, cmd: 'NC', fields: {} } }]);
      expect(d.skippedBytes).toBe(noise.length);
    }
  });

  it('rejects invalid options with its own error', () => {
    expect(() => new FrameDecoder({ maxFrameLength: 70_000 })).toThrow(
      expect.objectContaining({ code: 'HSM_BAD_OPTION' }),
    );
    // biome-ignore lint/suspicious/noExplicitAny: an invalid option on purpose
    expect(() => new FrameDecoder({ onGarbage: 'x' as any })).toThrow(
      expect.objectContaining({ code: 'HSM_BAD_OPTION' }),
    );
  });

  it('100,000 random buffers raise only the project’s errors', () => {
    const resync = new FrameDecoder({ onGarbage: 'resync', maxFrameLength: 512 });
    let frames = 0;
    let thrown = 0;
    const onFrame = (b: Buffer): void => {
      frames++;
      decodeRequest(b);
      decodeReply(b, 'VC');
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (u) => {
        const buf = Buffer.from(u);
        for (const d of [new FrameDecoder({ maxFrameLength: 512 }), resync]) {
          try {
            d.push(buf, onFrame);
          } catch (e) {
            thrown++;
            expect(isEhcError(e)).toBe(true);
          }
        }
        decodeRequest(buf);
        decodeReply(buf, 'NC');
        expect(resync.bufferedBytes).toBeLessThanOrEqual(resync.maxBufferedBytes);
      }),
      { numRuns: 100_000 },
    );
    // The run exercised both outcomes.
    expect(thrown).toBeGreaterThan(0);
    expect(frames).toBeGreaterThan(0);
  });

  it('a 10 MB garbage stream keeps the buffer at or below one maximum frame', () => {
    const next = garbage(0x5eed);
    const sizes = garbage(7);
    for (const mode of ['resync', 'close'] as const) {
      const d = new FrameDecoder({ onGarbage: mode });
      let total = 0;
      let frames = 0;
      let failures = 0;
      while (total < 10 * 1024 * 1024) {
        const n = 1 + sizes(2).readUInt16BE(0);
        try {
          d.push(next(n), () => frames++);
        } catch (e) {
          expect(isEhcError(e)).toBe(true);
          failures++;
          d.reset();
        }
        expect(d.bufferedBytes).toBeLessThanOrEqual(d.maxBufferedBytes);
        total += n;
      }
      expect(frames + failures).toBeGreaterThan(0);
      if (mode === 'resync') expect(d.skippedBytes).toBeGreaterThan(100_000);
    }
  });
});
