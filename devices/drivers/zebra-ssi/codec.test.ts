import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSsiPacket, type SsiDecodeEvent, SsiDecoder, ssiChecksum } from './codec.js';
import { SSI_SOURCE_DECODER, SSI_SOURCE_HOST, SsiOpcode } from './constants.js';
import { SsiReassembler } from './reassembly.js';
import { ssiSymbology, ssiVendorCode } from './symbology.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const host = (opcode: number, data: number[] = [], status = 0) =>
  encodeSsiPacket({ opcode, source: SSI_SOURCE_HOST, status, data: Uint8Array.from(data) });
const dec = (opcode: number, data: number[] = [], status = 0) =>
  encodeSsiPacket({ opcode, source: SSI_SOURCE_DECODER, status, data: Uint8Array.from(data) });
const packets = (events: SsiDecodeEvent[]) =>
  events.flatMap((e) =>
    e.type === 'packet' ? [Buffer.from(encodeSsiPacket(e.packet)).toString('hex')] : [],
  );

describe('SSI packet encoding (byte-exact vectors from the research notes)', () => {
  it.each([
    ['host ACK', host(SsiOpcode.CMD_ACK), '04 D0 04 00 FF 28'],
    ['REQUEST_REVISION', host(SsiOpcode.REQUEST_REVISION), '04 A3 04 00 FF 55'],
    ['decoder ACK', dec(SsiOpcode.CMD_ACK), '04 D0 00 00 FF 2C'],
    ['host NAK RESEND', host(SsiOpcode.CMD_NAK, [0x01]), '05 D1 04 00 01 FF 25'],
    ['host NAK BAD_CONTEXT', host(SsiOpcode.CMD_NAK, [0x02]), '05 D1 04 00 02 FF 24'],
    ['host NAK DENIED', host(SsiOpcode.CMD_NAK, [0x06]), '05 D1 04 00 06 FF 20'],
    ['LED_ON', host(SsiOpcode.LED_ON, [0x01]), '05 E7 04 00 01 FF 0F'],
    ['START_SESSION', host(SsiOpcode.START_SESSION), '04 E4 04 00 FF 14'],
    ['STOP_SESSION', host(SsiOpcode.STOP_SESSION), '04 E5 04 00 FF 13'],
    ['SCAN_ENABLE', host(SsiOpcode.SCAN_ENABLE), '04 E9 04 00 FF 0F'],
    ['SCAN_DISABLE', host(SsiOpcode.SCAN_DISABLE), '04 EA 04 00 FF 0E'],
  ])('%s', (_name, bytes, expected) => {
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(hex(expected)).toString('hex'));
  });

  it('checksum is the 16-bit two’s complement of the byte sum, high byte first', () => {
    expect(ssiChecksum(hex('04 A3 04 00'))).toBe(0xff55);
    // A sum above 0xFF must not be reduced mod 255 (the TapExtensions bug).
    const p = dec(SsiOpcode.DECODE_DATA, [0x1c, ...Buffer.from('ÿÿÿ', 'latin1')]);
    const sum = Array.from(p.subarray(0, p.length - 2)).reduce((a, b) => a + b, 0);
    expect((sum + ((p.at(-2)! << 8) | p.at(-1)!)) % 0x10000).toBe(0);
  });

  it('refuses data longer than one packet', () => {
    expect(() => host(SsiOpcode.DECODE_DATA, new Array(252).fill(0x41))).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
    expect(host(SsiOpcode.DECODE_DATA, new Array(251).fill(0x41))[0]).toBe(0xff);
  });
});

describe('SsiDecoder', () => {
  it('decodes decoder packets and ignores host-sourced ones', () => {
    const d = new SsiDecoder(SSI_SOURCE_DECODER);
    const ev = d.push(Uint8Array.from([...hex('04 D0 00 00 FF 2C'), ...hex('04 D0 04 00 FF 28')]));
    expect(packets(ev)).toEqual(['04d00000ff2c']);
    const flushed = d.flush();
    const skipped = [...ev, ...flushed.events].reduce((n, e) => n + (e.type === 'skipped' ? e.count : 0), 0);
    expect(skipped + flushed.dropped).toBe(6);
  });

  it('skips raw decode text (factory mode) without mistaking a letter for a length', () => {
    const d = new SsiDecoder(SSI_SOURCE_DECODER);
    const raw = Buffer.from('电子健康卡 HELLO 0123456789\r\n', 'utf8');
    const ev = d.push(Uint8Array.from([...raw, ...hex('04 D0 00 00 FF 2C')]));
    expect(packets(ev)).toEqual(['04d00000ff2c']);
    expect(ev[0]).toEqual({ type: 'skipped', count: raw.length });
    expect(d.pending).toBe(0);
  });

  it('reports a bad checksum and resynchronises on the next packet', () => {
    const d = new SsiDecoder(SSI_SOURCE_DECODER);
    const bad = hex('04 D0 00 00 FF 2D');
    const ev = d.push(Uint8Array.from([...bad, ...hex('04 D0 00 00 FF 2C')]));
    expect(ev.filter((e) => e.type === 'bad-checksum')).toHaveLength(1);
    // Without a start marker, "D0 00 00" now reads as the head of a 208-byte packet; the good
    // packet is found once that candidate fails or the inter-byte time-out flushes it.
    expect(packets(ev)).toEqual([]);
    expect(packets(d.flush().events)).toEqual(['04d00000ff2c']);
  });

  it('flush() recovers a packet hidden behind a bogus length and counts the stale bytes', () => {
    const d = new SsiDecoder(SSI_SOURCE_DECODER);
    // 0x40 0x11 0x00 looks like the head of a 66-byte packet; the ACK after it is held…
    const ev = d.push(Uint8Array.from([0x40, 0x11, 0x00, ...hex('04 D0 00 00 FF 2C')]));
    expect(packets(ev)).toEqual([]);
    expect(d.pending).toBe(9);
    // …until the inter-byte time-out says no more bytes are coming.
    const { events, dropped } = d.flush();
    expect(packets(events)).toEqual(['04d00000ff2c']);
    expect(dropped + events.reduce((n, e) => n + (e.type === 'skipped' ? e.count : 0), 0)).toBe(3);
    expect(d.pending).toBe(0);
  });

  it('carries first/last byte times of each packet', () => {
    const d = new SsiDecoder(SSI_SOURCE_DECODER);
    d.push(hex('04 D0 00'), 10n);
    const ev = d.push(hex('00 FF 2C'), 20n);
    expect(ev[0]).toMatchObject({ type: 'packet', firstNs: 10n, lastNs: 20n });
  });

  const stream = fc
    .array(
      fc.record({
        opcode: fc.constantFrom(0xd0, 0xd1, 0xf3, 0xa4, 0xf6),
        status: fc.integer({ min: 0, max: 0x0f }),
        data: fc.uint8Array({ maxLength: 251 }),
      }),
      { maxLength: 6 },
    )
    .map((ps) => ps.map((p) => encodeSsiPacket({ ...p, source: SSI_SOURCE_DECODER })));

  it('any chunking of a packet stream (down to 1 byte) gives the same packets', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), (ps, cuts) => {
        const all = Uint8Array.from(ps.flatMap((p) => Array.from(p)));
        const d = new SsiDecoder(SSI_SOURCE_DECODER);
        const got: SsiDecodeEvent[] = [];
        for (let at = 0, k = 0; at < all.length; k++) {
          const n = cuts[k % cuts.length]!;
          got.push(...d.push(all.subarray(at, at + n)));
          at += n;
        }
        expect(packets(got)).toEqual(ps.map((p) => Buffer.from(p).toString('hex')));
        expect(got.every((e) => e.type === 'packet')).toBe(true);
      }),
    );
  });

  it('garbage between packets is skipped and counted; the packets survive once flushed', () => {
    const text = fc.uint8Array({ minLength: 1, maxLength: 30 }).map((a) => a.map((b) => 0x20 + (b % 0x5f)));
    fc.assert(
      fc.property(stream, fc.array(text, { maxLength: 6 }), (ps, junk) => {
        const parts: number[] = [];
        for (const [i, p] of ps.entries()) parts.push(...(junk[i] ?? []), ...p);
        const d = new SsiDecoder(SSI_SOURCE_DECODER);
        const ev = d.push(Uint8Array.from(parts));
        const skipped = ev.reduce((n, e) => n + (e.type === 'skipped' ? e.count : 0), 0);
        expect(packets(ev)).toEqual(ps.map((p) => Buffer.from(p).toString('hex')));
        expect(skipped).toBe(junk.slice(0, ps.length).reduce((n, j) => n + j.length, 0));
      }),
    );
  });

  it('random bytes never throw and never hold more than one packet', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const d = new SsiDecoder(SSI_SOURCE_DECODER);
        for (const c of chunks) {
          for (const e of d.push(c)) expect(['packet', 'skipped', 'bad-checksum']).toContain(e.type);
          expect(d.pending).toBeLessThanOrEqual(257);
        }
        d.flush();
        expect(d.pending).toBe(0);
      }),
    );
  });
});

describe('multi-packet reassembly and symbology', () => {
  it('strips the repeated type byte and joins packets until the continuation bit clears', () => {
    const r = new SsiReassembler(1000);
    const p = (status: number, data: number[]) => ({
      opcode: 0xf3,
      source: 0,
      status,
      data: Uint8Array.from(data),
    });
    expect(r.accept(p(0x02, [0x1c, 0x41, 0x42]), 5n).type).toBe('partial');
    expect(r.inProgress).toBe(true);
    const done = r.accept(p(0x00, [0x1c, 0x43]), 9n);
    expect(done).toMatchObject({ type: 'complete', barcodeType: 0x1c, packets: 2, firstNs: 5n });
    expect(done.type === 'complete' && Buffer.from(done.data).toString()).toBe('ABC');
    expect(r.inProgress).toBe(false);
  });

  it('caps a message before it grows past the limit', () => {
    const r = new SsiReassembler(3);
    const p = (status: number, data: number[]) => ({
      opcode: 0xf3,
      source: 0,
      status,
      data: Uint8Array.from(data),
    });
    expect(r.accept(p(0x02, [0x1c, 1, 2]), 0n).type).toBe('partial');
    expect(r.accept(p(0x02, [0x1c, 3, 4]), 0n)).toEqual({ type: 'too-large', bytes: 4 });
    // The rest of the dropped message is discarded, never delivered as a message of its own.
    expect(r.accept(p(0x02, [0x1c, 5]), 0n)).toEqual({ type: 'discarded' });
    expect(r.accept(p(0x00, [0x1c, 6]), 0n)).toEqual({ type: 'discarded' });
    expect(r.inProgress).toBe(false);
    expect(r.accept(p(0x00, [0x1c, 7]), 0n)).toMatchObject({ type: 'complete', packets: 1 });
    expect(r.accept(p(0x00, []), 0n).type).toBe('empty-packet');
  });

  it('maps barcode types (QR 0x1C) and keeps unknown ones as the vendor code', () => {
    expect(ssiSymbology(0x1c)).toBe('qr_code');
    expect(ssiSymbology(0x2c)).toBe('micro_qr_code');
    expect(ssiSymbology(0x1b)).toBe('data_matrix');
    expect(ssiSymbology(0x11)).toBe('pdf417');
    expect(ssiSymbology(0x2d)).toBe('aztec');
    expect(ssiSymbology(0xb7)).toBe('han_xin');
    expect(ssiSymbology(0x0b)).toBe('ean_13');
    expect(ssiSymbology(0xf1)).toBe('unknown');
    expect(ssiVendorCode(0x1c)).toBe('0x1C');
  });
});
