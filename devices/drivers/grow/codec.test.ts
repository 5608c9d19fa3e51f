import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Xmodem, decodeGrowReply, encodeGrowCommand, GrowReplyFramer, GrowType } from './codec.js';

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?=.)/g, '$1 ');

describe('Grow register protocol', () => {
  it('CRC-16/XMODEM check value and the notes’ example reply 02 00 00 01 00 33 31', () => {
    expect(crc16Xmodem(new TextEncoder().encode('123456789'))).toBe(0x31c3);
    expect(crc16Xmodem(h('00 01 00'))).toBe(0x3331);
    expect(decodeGrowReply(h('02 00 00 01 00 33 31'))).toEqual({
      ok: true,
      value: { type: 0, data: Uint8Array.of(0) },
    });
    expect(decodeGrowReply(h('02 00 00 01 00 33 32'))).toMatchObject({
      ok: false,
      error: { type: 'bad-crc' },
    });
  });

  it('encodes the notes’ command vectors byte-exactly', () => {
    expect(hex(encodeGrowCommand({ type: GrowType.SAVE, address: 0x0000, data: h('00') }))).toBe(
      '7E 00 09 01 00 00 00 DE C8',
    );
    expect(hex(encodeGrowCommand({ type: GrowType.READ, address: 0x002a, data: h('02') }))).toBe(
      '7E 00 07 01 00 2A 02 D8 0F',
    );
    expect(hex(encodeGrowCommand({ type: GrowType.WRITE, address: 0x002a, data: h('39 01') }))).toBe(
      '7E 00 08 02 00 2A 39 01 A7 EA',
    );
    expect(hex(encodeGrowCommand({ type: GrowType.WRITE, address: 2, data: h('01') }, { noCrc: true }))).toBe(
      '7E 00 08 01 00 02 01 AB CD',
    );
    expect(() => encodeGrowCommand({ type: 8, address: 0x10000, data: h('01') })).toThrow(RangeError);
  });

  it('the reply framer hands back bytes that are not a reply and never holds more than one frame', () => {
    const f = new GrowReplyFramer();
    expect(f.push(0x02)).toBeUndefined();
    expect(f.push(0x41)).toEqual({ type: 'mismatch', bytes: h('02 41') });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const r = new GrowReplyFramer();
        for (const b of data) {
          if (!r.active && b !== 0x02) continue;
          const ev = r.push(b);
          if (ev?.type === 'reply') expect(ev.reply.data.length).toBeLessThanOrEqual(255);
        }
      }),
    );
  });
});
