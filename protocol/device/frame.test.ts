import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, envelopeArb, splitAt, xorshift } from '../../test/firmware/device-arbitraries.js';
import { isEhcError } from '../errors.js';
import { crc8, crc32 } from './crc.js';
import { isDeviceProtocolError } from './errors.js';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FRAME_MAX_PAYLOAD_LIMIT,
  FRAME_OVERHEAD_BYTES,
  writeHeader,
} from './frame.js';
import { FrameDecoder, type FrameResult } from './frame-decoder.js';
import { DeviceStreamDecoder } from './stream.js';
import { encodeDeviceFrame } from './wire.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const payloads = (rs: readonly FrameResult<unknown>[]) =>
  rs.flatMap((r) => (r.ok ? [[...r.value.payload]] : []));

describe('checksums', () => {
  it('match the catalogue check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc8(ascii('123456789'))).toBe(0xf4);
  });

  it('CRC-32 agrees with zlib and can be continued over pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, cut) => {
        const at = Math.min(cut, data.length);
        expect(crc32(data)).toBe(zlibCrc32(data));
        expect(crc32(data, at, data.length, crc32(data, 0, at))).toBe(crc32(data));
      }),
    );
  });
});

describe('frame encoder', () => {
  it('lays out marker, version, length, header check, payload, CRC-32', () => {
    const f = encodeFrame(new Uint8Array([1, 2, 3]));
    expect([...f.subarray(0, 5)]).toEqual([0xec, 0xa5, 1, 0, 3]);
    expect(f[5]).toBe(crc8(f, 0, 5));
    expect([...f.subarray(6, 9)]).toEqual([1, 2, 3]);
    expect(f.length).toBe(3 + FRAME_OVERHEAD_BYTES);
    const crc = crc32(f, 0, 9);
    expect([...f.subarray(9)]).toEqual([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]);
  });

  it('refuses payloads above the maximum with a typed error', () => {
    let e: unknown;
    try {
      encodeFrame(new Uint8Array(300), 256);
    } catch (x) {
      e = x;
    }
    expect(isDeviceProtocolError(e) && e.code).toBe('DEVICE_PROTO_FRAME_TOO_LARGE');
    expect(() => encodeFrame(new Uint8Array(FRAME_MAX_PAYLOAD_LIMIT + 1))).toThrow(/exceeds/);
  });

  it('validates decoder options in the constructor', () => {
    expect(() => new FrameDecoder({ maxPayloadBytes: 10 })).toThrow(/maxPayloadBytes/);
    expect(() => new FrameDecoder({ maxPayloadBytes: 70_000 })).toThrow(/maxPayloadBytes/);
    expect(() => new FrameDecoder().push('x' as unknown as Uint8Array)).toThrow(/Uint8Array/);
  });
});

describe('frame decoder', () => {
  it('skips and counts garbage before, between and after frames', () => {
    const a = encodeFrame(ascii('alpha'));
    const b = encodeFrame(ascii('beta'));
    const d = new FrameDecoder();
    const rs = d.push(concatBytes([ascii('xx'), a, ascii('yyy'), b, ascii('z')]));
    expect(payloads(rs)).toEqual([[...ascii('alpha')], [...ascii('beta')]]);
    expect(d.stats).toMatchObject({ frames: 2, bytesSkipped: 6, badFrames: 0 });
    expect(d.buffered).toBe(0);
  });

  it('reports a bad CRC as a value and still finds the frame right behind it', () => {
    const bad = encodeFrame(ascii('corrupt me'));
    bad[8] = (bad[8] ?? 0) ^ 0x01;
    const good = encodeFrame(ascii('good'));
    const d = new FrameDecoder();
    const rs = d.push(concatBytes([bad, good]));
    expect(rs.map((r) => (r.ok ? 'frame' : r.error.type))).toEqual(['bad-crc', 'frame']);
    expect(d.stats.badFrames).toBe(1);
    expect(d.stats.bytesSkipped).toBe(bad.length);
  });

  it('rejects an oversize length before buffering anything', () => {
    const d = new FrameDecoder({ maxPayloadBytes: 1024 });
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    writeHeader(header, 1025, 1);
    const rs = d.push(concatBytes([header, new Uint8Array(500)]));
    expect(rs.map((r) => !r.ok && r.error.type)).toEqual(['too-large']);
    expect(d.buffered).toBe(0);
    expect(d.stats.oversize).toBe(1);
  });

  it('rejects a future version and resynchronises', () => {
    const future = encodeFrame(ascii('v2'));
    writeHeader(future, 2, 2);
    const d = new FrameDecoder();
    const rs = d.push(concatBytes([future, encodeFrame(ascii('v1'))]));
    expect(rs.map((r) => (r.ok ? 'frame' : r.error.type))).toEqual(['unsupported-version', 'frame']);
  });

  it('end() recovers frames hidden behind a truncated frame and counts the partial', () => {
    const truncated = encodeFrame(new Uint8Array(200)).subarray(0, 50);
    const d = new FrameDecoder();
    expect(payloads(d.push(concatBytes([truncated, encodeFrame(ascii('hidden'))])))).toEqual([]);
    expect(payloads(d.end())).toEqual([[...ascii('hidden')]]);
    expect(d.buffered).toBe(0);
    expect(d.stats.partialDropped).toBeGreaterThanOrEqual(1);
  });

  it('reset() drops an incomplete frame and counts it', () => {
    const d = new FrameDecoder();
    d.push(encodeFrame(ascii('half')).subarray(0, 8));
    expect(d.reset()).toBe(8);
    expect(d.stats).toMatchObject({ partialDropped: 1, bytesSkipped: 8 });
  });

  it('marks each frame with the chunk its first byte arrived in', () => {
    const a = encodeFrame(ascii('a'));
    const b = encodeFrame(ascii('b'));
    const d = new FrameDecoder<number>();
    const r1 = d.push(concatBytes([a, b.subarray(0, 3)]), 1);
    const r2 = d.push(b.subarray(3), 2);
    expect([...r1, ...r2].map((r) => r.ok && r.value.mark)).toEqual([1, 1]);
    const r3 = d.push(a, 3);
    expect(r3.map((r) => r.ok && r.value.mark)).toEqual([3]);
  });
});

describe('frame decoder properties', () => {
  it('any chunking (down to 1-byte pieces) yields the same envelopes', () => {
    fc.assert(
      fc.property(
        fc.array(envelopeArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(4000), { maxLength: 40 }),
        fc.boolean(),
        (envs, cuts, bytewise) => {
          const stream = concatBytes(envs.map((e) => encodeDeviceFrame(e)));
          const chunks = bytewise ? [...stream].map((b) => new Uint8Array([b])) : splitAt(stream, cuts);
          const d = new DeviceStreamDecoder();
          const got = chunks.flatMap((c) => d.push(c));
          expect(got.every((r) => r.ok)).toBe(true);
          expect(got.map((r) => r.ok && r.value.envelope)).toEqual(envs);
          expect(d.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('100,000 random buffers raise only the project errors and never overfill the buffer', () => {
    const d = new DeviceStreamDecoder({ maxPayloadBytes: 512 });
    // Random bytes, random bytes behind a start marker, and random payloads in valid frames (so
    // the protobuf decoder sees garbage too).
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => concatBytes([new Uint8Array([0xec, 0xa5, 1]), b])),
      fc.uint8Array({ maxLength: 64 }).map((b) => encodeFrame(b)),
    );
    const types = new Set(['bad-crc', 'too-large', 'unsupported-version', 'bad-message']);
    let foreign: unknown;
    fc.assert(
      fc.property(input, (buf) => {
        try {
          for (const r of d.push(buf)) if (!r.ok && !types.has(r.error.type)) return false;
        } catch (e) {
          if (!isEhcError(e)) foreign = e;
          return isEhcError(e);
        }
        return d.buffered <= d.capacity;
      }),
      { numRuns: 100_000 },
    );
    expect(foreign).toBeUndefined();
    // The inputs did exercise every path.
    expect(d.stats.frames).toBeGreaterThan(1000);
    expect(d.stats.badMessages).toBeGreaterThan(100);
  });

  it('a 10 MB garbage stream (with fake headers) keeps the buffer at or below one maximum frame', () => {
    const d = new FrameDecoder({ maxPayloadBytes: 4096 });
    const rnd = xorshift(0x5eed);
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    let total = 0;
    let maxBuffered = 0;
    let frames = 0;
    while (total < 10 * 1024 * 1024) {
      const chunk = new Uint8Array(1 + (rnd() % 8192));
      for (let i = 0; i < chunk.length; i++) chunk[i] = rnd() & 0xff;
      // A plausible header (valid header check, random length) every few chunks.
      if (rnd() % 4 === 0 && chunk.length > FRAME_HEADER_BYTES) {
        writeHeader(header, rnd() % 8192, 1);
        chunk.set(header, rnd() % (chunk.length - FRAME_HEADER_BYTES));
      }
      frames += payloads(d.push(chunk)).length;
      maxBuffered = Math.max(maxBuffered, d.buffered);
      total += chunk.length;
    }
    expect(frames).toBe(0);
    expect(maxBuffered).toBeLessThanOrEqual(d.capacity);
    expect(d.capacity).toBe(4096 + FRAME_OVERHEAD_BYTES);
    expect(d.stats.bytesSkipped + d.buffered).toBe(total);
  });

  it('recovers every valid frame embedded in garbage, truncated and corrupted frames', () => {
    const noise = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      // A truncated frame (its header announces more than follows). Excluded: a cut whose first
      // missing byte is 0xEC — the next frame's start marker would complete it into a genuinely
      // valid frame (that stream has no "garbage" to skip).
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat())
        .map(([p, n]) => {
          const f = encodeFrame(p);
          return { f, cut: 1 + (n % (f.length - 1)) };
        })
        .filter(({ f, cut }) => f[cut] !== 0xec)
        .map(({ f, cut }) => f.subarray(0, cut)),
      // a frame with one bit flipped
      fc.tuple(fc.uint8Array({ maxLength: 60 }), fc.nat(), fc.nat(7)).map(([p, at, bit]) => {
        const f = encodeFrame(p);
        const i = at % f.length;
        f[i] = (f[i] ?? 0) ^ (1 << bit);
        return f;
      }),
      // a header announcing an oversize payload
      fc.integer({ min: 513, max: 0xffff }).map((len) => {
        const h = new Uint8Array(FRAME_HEADER_BYTES);
        writeHeader(h, len, 1);
        return h;
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, envelopeArb), { minLength: 1, maxLength: 8 }),
        noise,
        fc.array(fc.nat(3000), { maxLength: 20 }),
        (pairs, tail, cuts) => {
          const stream = concatBytes([...pairs.flatMap(([g, e]) => [g, encodeDeviceFrame(e, 512)]), tail]);
          const d = new DeviceStreamDecoder({ maxPayloadBytes: 512 });
          const got = [...splitAt(stream, cuts).flatMap((c) => d.push(c)), ...d.end()];
          const envelopes = got.flatMap((r) => (r.ok ? [r.value.envelope] : []));
          expect(envelopes).toEqual(pairs.map(([, e]) => e));
          expect(d.buffered).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
