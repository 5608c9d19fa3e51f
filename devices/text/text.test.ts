import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodePayload, parseAimPrefix, payloadFields } from './index.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('charset detection', () => {
  it('ASCII, UTF-8 and GBK Chinese are told apart', () => {
    expect(decodePayload(enc('ABC:0'))).toEqual({ text: 'ABC:0', charset: 'ascii', valid: true });
    expect(decodePayload(enc('张三 电子健康卡'))).toEqual({
      text: '张三 电子健康卡',
      charset: 'utf-8',
      valid: true,
    });
    expect(decodePayload(iconv.encode('张三 电子健康卡', 'gbk'))).toEqual({
      text: '张三 电子健康卡',
      charset: 'gbk',
      valid: true,
    });
  });

  it('never decodes as Latin-1: invalid bytes are flagged', () => {
    const r = decodePayload(Uint8Array.from([0x41, 0xff, 0xff, 0xff]));
    expect(r.valid).toBe(false);
    expect(r.text).not.toBe('Aÿÿÿ');
  });

  it('any UTF-8 text of ASCII, CJK and full-width characters round-trips', () => {
    // Short UTF-8 runs of Latin-1 letters (é = C3 A9) are also valid GBK hanzi: bytes alone cannot
    // tell them apart, and in a Chinese hospital the hanzi reading is the likely one.
    const ch = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0x4e00, max: 0x9fa5 }),
      fc.integer({ min: 0xff01, max: 0xff5e }),
    );
    const text = fc.array(ch, { maxLength: 40 }).map((cs) => String.fromCharCode(...cs));
    fc.assert(
      fc.property(text, (s) => {
        expect(decodePayload(enc(s)).text).toBe(s);
      }),
    );
  });

  it('any GB2312 Chinese text round-trips through GBK', () => {
    const han = fc
      .integer({ min: 0xb0a1, max: 0xd7f9 })
      .filter((c) => (c & 0xff) >= 0xa1 && (c & 0xff) <= 0xfe);
    fc.assert(
      fc.property(fc.array(han, { minLength: 1, maxLength: 20 }), (codes) => {
        const bytes = Uint8Array.from(codes.flatMap((c) => [c >> 8, c & 0xff]));
        const s = iconv.decode(Buffer.from(bytes), 'gbk');
        expect(decodePayload(bytes)).toEqual({ text: s, charset: 'gbk', valid: true });
      }),
    );
  });
});

describe('AIM and ECI', () => {
  it('parses AIM prefixes', () => {
    expect(parseAimPrefix(enc(']Q1ABC'))).toEqual({ aimId: 'Q1', symbology: 'qr_code', eci: false });
    expect(parseAimPrefix(enc(']Q2ABC'))?.eci).toBe(true);
    expect(parseAimPrefix(enc(']d2x'))?.symbology).toBe('data_matrix');
    expect(parseAimPrefix(enc('ABC'))).toBeUndefined();
    expect(parseAimPrefix(enc(']Q'))).toBeUndefined();
  });

  it('strips AIM + ECI and decodes with the ECI charset', () => {
    const gbkText = iconv.encode('张三', 'gbk');
    const raw = Buffer.concat([Buffer.from(']Q2\\000029'), gbkText]);
    const f = payloadFields(raw);
    expect(f).toMatchObject({
      text: '张三',
      charset: 'gbk',
      charsetSource: 'eci',
      aimId: 'Q2',
      symbology: 'qr_code',
    });
    const f2 = payloadFields(enc('\\000026A\\\\B'));
    expect(f2).toMatchObject({ text: 'A\\B', charsetSource: 'eci' });
  });

  it('uses the vendor symbology when there is no AIM prefix', () => {
    expect(payloadFields(enc('X'), { vendorSymbology: 'qr_code' })).toMatchObject({
      symbology: 'qr_code',
      symbologySource: 'vendor',
    });
    expect(payloadFields(enc('X'))).toMatchObject({ symbology: 'unknown', symbologySource: 'none' });
  });
});
