import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  decodeValidityBlock,
  encodeValidityBlock,
  encryptValidity,
  validityDigits,
} from '../../protocol/crypto/validity.js';
import { decodeRequest } from '../../protocol/hsm/codec.js';
import { USE_SERVER_DEFAULT, VALIDITY_VERDICTS } from '../../protocol/hsm/commands.js';
import { encodeFastVcRequest } from '../../protocol/hsm/fast-vc.js';
import { FrameDecoder } from '../../protocol/hsm/framing.js';
import { resolveConfig } from './config.js';
import { ValidityBatch, ValidityDecoder } from './fast-validity.js';
import { handleRequest } from './handlers.js';
import { KeyStore } from './key-store.js';

const PROTECT = Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex');
const ZONES = ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'] as const;
const NOW = Date.UTC(2025, 2, 30, 0, 30, 0); // a DST change night in Berlin

const bcd = (n: number): number => ((Math.floor(n / 10) % 10) << 4) | (n % 10);

/** Plaintext blocks: mostly BCD dates (some impossible), some with bad padding, some random. */
const plainArb = fc.oneof(
  fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 24 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 60 }),
      pad: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
    })
    .map(({ y, mo, d, h, mi, s, pad }) => {
      const b = Buffer.alloc(16);
      [bcd(Math.floor(y / 100)), bcd(y % 100), bcd(mo), bcd(d), bcd(h), bcd(mi), bcd(s)].forEach((v, i) => {
        b[i] = v;
      });
      b[15] = pad;
      return b;
    }),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
);

describe('ValidityDecoder', () => {
  it('classifies every plaintext exactly like decodeValidityBlock, in any zone', () => {
    fc.assert(
      fc.property(plainArb, fc.constantFrom(...ZONES), (plain, zone) => {
        const d = new ValidityDecoder(zone);
        const got = d.decode(plain, 0);
        const want = decodeValidityBlock(plain, zone);
        if (want.ok) {
          expect(got).toBe(-1);
          expect(d.instantMs).toBe(want.value.instantMs);
        } else {
          expect(VALIDITY_VERDICTS[got]).toBe(want.error.type);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps answering correctly across hours and a DST change (memoised offsets)', () => {
    const d = new ValidityDecoder('Europe/Berlin');
    for (let t = NOW - 6 * 3_600_000; t < NOW + 6 * 3_600_000; t += 600_000) {
      const plain = encodeValidityBlock(validityDigits(t, 'Europe/Berlin'));
      expect(d.decode(plain, 0)).toBe(-1);
      expect(d.instantMs).toBe(t);
    }
  });
});

describe('ValidityBatch', () => {
  const entries = [
    { index: 1, type: 'sm4', use: 'protect', value: PROTECT },
    { index: 2, type: 'sm4', use: 'security', value: Buffer.alloc(16, 1) },
    { index: 3, type: 'sm4', use: 'protect', value: Buffer.alloc(16, 3) },
  ] as const;
  const config = resolveConfig({ keys: [], now: () => NOW, lifetimeS: 60, skewS: 5 });
  const ctx = { keys: new KeyStore(entries), config, logger: pino({ level: 'silent' }), setFaults: () => {} };

  const reqArb = fc.record({
    keyIndex: fc.constantFrom(0, 1, 2, 3, 9),
    block: fc.oneof(
      fc.integer({ min: -200, max: 200 }).map((s) => encryptValidity(PROTECT, NOW + s * 1000)),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
    ),
    nowMs: fc.oneof(fc.constant(0), fc.integer({ min: NOW - 100_000, max: NOW + 100_000 })),
    lifetimeS: fc.oneof(fc.constant(USE_SERVER_DEFAULT), fc.integer({ min: 0, max: 120 })),
    skewS: fc.oneof(fc.constant(USE_SERVER_DEFAULT), fc.integer({ min: 0, max: 30 })),
  });

  it('answers a batch byte for byte like the generic handler', () => {
    fc.assert(
      fc.property(fc.array(reqArb, { minLength: 1, maxLength: 20 }), (reqs) => {
        const batch = new ValidityBatch(ctx.keys, config);
        const expected = new Map<number, string>();
        reqs.forEach((r, id) => {
          const frame = encodeFastVcRequest(
            id,
            r.keyIndex,
            r.block.toString('hex'),
            r.nowMs,
            r.lifetimeS,
            r.skewS,
          )!;
          const decoded = decodeRequest(frame.subarray(2));
          if (!decoded.ok) throw new Error('encode');
          expected.set(id, handleRequest(ctx, decoded.value).toString('hex'));
          batch.add(frame.subarray(2));
        });
        const got = new Map<number, string>();
        const frames = new FrameDecoder();
        const collect = (body: Buffer): void => {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(body.length);
          got.set(body.readUInt32BE(0), Buffer.concat([len, body]).toString('hex'));
        };
        batch.flush(
          (replies) => frames.push(replies, collect),
          (body) => {
            const d = decodeRequest(body);
            if (d.ok) collect(handleRequest(ctx, d.value).subarray(2));
          },
        );
        expect(batch.size).toBe(0);
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
