import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/devices/vendors/support/clock.js';
import { RequestSlot } from '../common/request-slot.js';
import { type TextFrame, TextFramer } from '../common/text-framer.js';
import { HoneywellError } from './errors.js';
import {
  encodeMenuCommand,
  isReplyEnd,
  parseMenuReply,
  parseRevinf,
  TRIGGER_OFF,
  TRIGGER_ON,
} from './menu.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('Honeywell menu commands', () => {
  it('frames SYN M CR + body; trigger is SYN T CR / SYN U CR', () => {
    expect(hex(encodeMenuCommand('REVINF.'))).toBe('164D0D524556494E462E');
    expect(hex(encodeMenuCommand('232BAD5!'))).toBe('164D0D3233324241443521');
    expect(hex(TRIGGER_ON)).toBe('16540D');
    expect(hex(TRIGGER_OFF)).toBe('16550D');
    expect(() => encodeMenuCommand('REVINF')).toThrow(RangeError);
    expect(() => encodeMenuCommand('REV\rINF.')).toThrow(RangeError);
  });

  it('parses the documented Codabar query reply into ACKed segments', () => {
    const reply = bytes('CBRENA1\x06,SSX0\x06,CK20\x06,CCT1\x06,MIN2\x06,MAX60\x06,DFT\x06.');
    expect(isReplyEnd(reply, reply.length, 0x2e)).toBe(true);
    const r = parseMenuReply(reply, 'CBR?.');
    expect(r.ok && r.value.segments).toEqual([
      { text: 'CBRENA1', status: 'ack' },
      { text: 'SSX0', status: 'ack' },
      { text: 'CK20', status: 'ack' },
      { text: 'CCT1', status: 'ack' },
      { text: 'MIN2', status: 'ack' },
      { text: 'MAX60', status: 'ack' },
      { text: 'DFT', status: 'ack' },
    ]);
  });

  it('tells ENQ and NAK apart, keeps output before the echo, and refuses replies without status', () => {
    const r = parseMenuReply(bytes('232BAD5\x06,XXX1\x05;QRCENA7\x15!'), '232BAD5,XXX1;QRCENA7!');
    expect(r.ok && r.value.segments.map((s) => s.status)).toEqual(['ack', 'enq', 'nak']);
    const rev = parseMenuReply(bytes('\r\nProduct Name: Voyager 1602g\r\nREVINF\x06.'), 'REVINF.');
    expect(rev.ok && Buffer.from(rev.value.output).toString()).toBe('Product Name: Voyager 1602g\r\n');
    expect(parseMenuReply(bytes('REVINF.'), 'REVINF.')).toMatchObject({
      ok: false,
      error: { type: 'no-status' },
    });
    expect(parseMenuReply(bytes('OTHER\x06.'), 'REVINF.')).toMatchObject({
      ok: false,
      error: { type: 'no-echo' },
    });
  });

  it('reads identity from REVINF lines', () => {
    const out = bytes(
      'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\nSoftware Revision: $ProjectRevision: 16345\r\nSerial Number: 15232B1F0C\r\n',
    );
    expect(parseRevinf(out)).toEqual({
      model: 'Voyager 1602g',
      serial: '15232B1F0C',
      firmware: 'CW000082BBA',
    });
    expect(parseRevinf(new Uint8Array(0))).toEqual({ model: '', serial: '', firmware: '' });
  });
});

describe('TextFramer', () => {
  const frames = (f: TextFramer, data: Uint8Array) =>
    Array.from(data).flatMap((b) => {
      const r = f.push(b);
      return r ? [r] : [];
    });
  const text = (fs: TextFrame[]) =>
    fs.map((f) => (f.type === 'message' ? Buffer.from(f.bytes).toString() : `!${f.bytes}`));

  it('ends messages at CR or LF, ignores the empty one CR LF leaves', () => {
    const f = new TextFramer({ terminators: [0x0d, 0x0a], maxBytes: 64 });
    expect(text(frames(f, bytes('AB\r\nCD\rEF\n\r\n')))).toEqual(['AB', 'CD', 'EF']);
  });

  it('overflows once, discards to the terminator, then recovers', () => {
    const f = new TextFramer({ terminators: [0x0d], maxBytes: 4 });
    expect(text(frames(f, bytes('123456789\rOK\r')))).toEqual(['!5', 'OK']);
    expect(f.pending).toBe(0);
  });

  it('any chunking and any byte content give the same messages; memory stays bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const f = new TextFramer({ terminators: [0x0d], maxBytes: 32 });
        const out = frames(f, data);
        expect(f.pending).toBeLessThanOrEqual(data.length);
        for (const m of out) if (m.type === 'message') expect(m.bytes.length).toBeLessThanOrEqual(32);
      }),
    );
  });

  it('validates its options', () => {
    expect(() => new TextFramer({ terminators: [], maxBytes: 4 })).toThrow(RangeError);
    expect(() => new TextFramer({ terminators: [13], maxBytes: 0 })).toThrow(RangeError);
  });
});

describe('RequestSlot', () => {
  const setup = () => {
    const clock = new FakeClock();
    const slot = new RequestSlot<string, string>({
      setTimer: clock.setTimer,
      timeoutError: (l) => new HoneywellError('DEVICE_TIMEOUT', l),
    });
    return { clock, slot };
  };

  it('runs one request at a time, times out, and closes for good', async () => {
    const { clock, slot } = setup();
    const sent: string[] = [];
    const a = slot.run('a', 'ctx-a', 100, async () => void sent.push('a'));
    const b = slot.run('b', 'ctx-b', 100, async () => void sent.push('b'));
    expect(sent).toEqual(['a']);
    expect(slot.current?.ctx).toBe('ctx-a');
    slot.resolve('A');
    await expect(a).resolves.toBe('A');
    expect(sent).toEqual(['a', 'b']);
    clock.advance(100);
    await expect(b).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    const c = slot.run('c', 'ctx-c', 100, async () => undefined);
    slot.close(new HoneywellError('DEVICE_DISCONNECTED', 'gone'));
    await expect(c).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await expect(slot.run('d', 'x', 1, async () => undefined)).rejects.toMatchObject({
      code: 'DEVICE_DISCONNECTED',
    });
    expect(clock.pending).toBe(0);
  });

  it('a failed write rejects the request with the project error', async () => {
    const { slot } = setup();
    const p = slot.run('w', 'x', 100, () => Promise.reject(new Error('EIO')));
    await expect(p).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
  });
});
