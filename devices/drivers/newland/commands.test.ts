import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFramed, encodeNls, parseFramedReply, TRIGGER_OFF, TRIGGER_ON } from './commands.js';
import { ReplyFramer } from './reply-framer.js';

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

// The worked example of the NLS-HR52 / HR20-BT manuals (DFMADD data format command).
const MANUAL_CMD = h(
  '7E 01 30 30 30 30 40 44 46 4D 41 44 44 30 36 39 39 39 30 30 33 39 39 39 39 46 31 34 31 3B 03',
);
const MANUAL_REPLY = h(
  '02 01 30 30 30 30 40 44 46 4D 41 44 44 30 36 39 39 39 30 30 33 39 39 39 39 46 31 34 31 06 3B 03',
);

describe('Newland commands', () => {
  it('encodes NLS commands, ESC triggers and the manual’s framed command byte-exactly', () => {
    expect(hex(encodeNls('NLS0006010;'))).toBe('4E4C53303030363031303B');
    expect(hex(encodeNls('NLS0313000=3000;'))).toBe('4E4C53303331333030303D333030303B');
    expect(() => encodeNls('NLS006010;')).toThrow(RangeError);
    expect(() => encodeNls('NLS0006010')).toThrow(RangeError);
    expect(hex(TRIGGER_ON)).toBe('1B31');
    expect(hex(TRIGGER_OFF)).toBe('1B30');
    const body = Buffer.from(MANUAL_CMD.subarray(7, -2)).toString('latin1');
    expect(body.startsWith('DFMADD')).toBe(true);
    expect(hex(encodeFramed(body, '@'))).toBe(hex(MANUAL_CMD));
    expect(() => encodeFramed('X')).toThrow(RangeError);
  });

  it('parses the manual’s reply and concatenated replies with NAK / ENQ', () => {
    const r = parseFramedReply(MANUAL_REPLY);
    expect(r).toMatchObject({ ok: true, value: { storage: '@' } });
    expect(r.ok && r.value.segments).toEqual([
      { text: Buffer.from(MANUAL_CMD.subarray(7, -2)).toString(), status: 'ack' },
    ]);
    const multi = Uint8Array.from([
      ...h('02 01 30 30 30 30 23'),
      ...Buffer.from('KBWCTY1\x06,ADL9\x15;XYZABC\x05;', 'latin1'),
      0x03,
    ]);
    const m = parseFramedReply(multi);
    expect(m.ok && m.value.segments.map((s) => s.status)).toEqual(['ack', 'nak', 'enq']);
    expect(parseFramedReply(MANUAL_CMD)).toMatchObject({ ok: false, error: { type: 'bad-prefix' } });
    expect(parseFramedReply(MANUAL_REPLY.subarray(0, -1))).toMatchObject({
      ok: false,
      error: { type: 'bad-suffix' },
    });
  });

  it('the reply framer finds the reply end in any byte stream and stays bounded', () => {
    const f = new ReplyFramer(64);
    const got = Array.from(MANUAL_REPLY).map((b) => f.push(b));
    expect(got.slice(0, -1).every((x) => x === undefined)).toBe(true);
    expect(got.at(-1)).toEqual({ type: 'frame', frame: MANUAL_REPLY });
    expect(new ReplyFramer(64).push(0x41)).toMatchObject({ type: 'mismatch' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const r = new ReplyFramer(16);
        for (const b of data) {
          const out = r.push(b);
          if (out) expect(out.type === 'frame' ? out.frame.length : out.bytes.length).toBeLessThanOrEqual(17);
        }
      }),
    );
  });
});
