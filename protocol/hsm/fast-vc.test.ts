import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from './codec.js';
import { USE_SERVER_DEFAULT } from './commands.js';
import {
  encodeFastVcRequest,
  isFastVcRequest,
  readFastVdReply,
  VC_AT,
  VC_BODY_BYTES,
  writeFastVdReply,
} from './fast-vc.js';

const vcArb = fc.record({
  id: fc.integer({ min: 0, max: 0xffff_ffff }),
  keyIndex: fc.integer({ min: 0, max: 0xffff }),
  block: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
  nowMs: fc.maxSafeNat(),
  lifetimeS: fc.integer({ min: 0, max: USE_SERVER_DEFAULT }),
  skewS: fc.integer({ min: 0, max: USE_SERVER_DEFAULT }),
});

describe('validity-check fast path', () => {
  it('encodes exactly the generic codec’s bytes, and recognises them', () => {
    fc.assert(
      fc.property(vcArb, fc.boolean(), (v, upper) => {
        const hex = upper ? v.block.toString('hex').toUpperCase() : v.block.toString('hex');
        const fast = encodeFastVcRequest(v.id, v.keyIndex, hex, v.nowMs, v.lifetimeS, v.skewS)!;
        const generic = encodeRequest(v.id, 'VC', { ...v, timeZone: '' });
        expect(fast).toEqual(generic);
        const body = fast.subarray(2);
        expect(isFastVcRequest(body)).toBe(true);
        expect(body.length).toBe(VC_BODY_BYTES);
        expect(body.readUInt16BE(VC_AT.keyIndex)).toBe(v.keyIndex);
        expect(decodeRequest(body)).toMatchObject({
          ok: true,
          value: { cmd: 'VC', fields: { block: v.block } },
        });
      }),
    );
  });

  it('leaves other layouts to the generic path', () => {
    const withZone = encodeRequest(1, 'VC', {
      keyIndex: 0,
      block: Buffer.alloc(16),
      nowMs: 0,
      lifetimeS: 1,
      skewS: 1,
      timeZone: 'UTC',
    });
    expect(isFastVcRequest(withZone.subarray(2))).toBe(false);
    const va = encodeRequest(1, 'VA', { keyIndex: 0, instantMs: 0, timeZone: '' });
    expect(isFastVcRequest(va.subarray(2))).toBe(false);
    const tooBig = Buffer.from(encodeFastVcRequest(1, 0, '00'.repeat(16), 0, 0, 0)!.subarray(2));
    tooBig.writeUInt32BE(0x20_0000, VC_AT.nowMs);
    expect(isFastVcRequest(tooBig)).toBe(false);
    expect(encodeFastVcRequest(1, 0, 'zz'.repeat(16), 0, 0, 0)).toBeUndefined();
    expect(encodeFastVcRequest(1, 0, '00'.repeat(15), 0, 0, 0)).toBeUndefined();
  });

  it('writes and reads replies exactly as the generic codec does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.maxSafeNat(),
        fc.option(fc.uint8Array({ minLength: 7, maxLength: 7 }), { nil: undefined }),
        (id, verdict, generatedMs, bcd) => {
          const src = bcd === undefined ? undefined : Buffer.from(bcd);
          const out = Buffer.alloc(64);
          const end = writeFastVdReply(out, 0, id, verdict, generatedMs, src);
          const digits = src === undefined ? '' : src.toString('hex');
          expect(out.subarray(0, end)).toEqual(encodeReply(id, 'VC', { verdict, generatedMs, digits }));
          const body = out.subarray(2, end);
          expect(readFastVdReply(body)).toEqual({ verdict, generatedMs, digits });
          const generic = decodeReply(body, 'VC');
          expect(generic.ok && generic.value.success && generic.value.fields).toEqual({
            verdict,
            generatedMs,
            digits,
          });
        },
      ),
    );
  });

  it('declines replies it cannot read at fixed offsets', () => {
    const nd = encodeReply(1, 'NC', {
      vendor: 'v',
      model: 'm',
      serial: 's',
      firmware: 'f',
      timeMs: 0,
    }).subarray(2);
    expect(readFastVdReply(nd)).toBeUndefined();
    const ok = Buffer.from(encodeReply(1, 'VC', { verdict: 0, generatedMs: 1, digits: '' }).subarray(2));
    ok.write('01', 6, 'latin1');
    expect(readFastVdReply(ok)).toBeUndefined();
  });
});
