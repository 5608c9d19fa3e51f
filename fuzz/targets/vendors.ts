/**
 * Vendor scanner codecs, as bytes arrive from a serial or HID line: Zebra SSI packets, the Grow
 * register protocol's replies, Newland's command replies, Honeywell menu replies, and HID POS
 * report descriptors and input reports. Clean SSI streams round-trip in any chunking.
 */
import fc from 'fast-check';
import { crc16Xmodem, decodeGrowReply, GrowReplyFramer } from '../../devices/drivers/grow/codec.js';
import { parseReportDescriptor } from '../../devices/drivers/hid-pos/descriptor.js';
import { HONEYWELL_HIDPOS_DESCRIPTOR } from '../../devices/drivers/hid-pos/fixtures.js';
import { layoutFromDescriptor } from '../../devices/drivers/hid-pos/from-descriptor.js';
import { HidPosReportDecoder } from '../../devices/drivers/hid-pos/report-decoder.js';
import { parseMenuReply } from '../../devices/drivers/honeywell/menu.js';
import { ReplyFramer } from '../../devices/drivers/newland/reply-framer.js';
import { encodeSsiPacket, SsiDecoder, type SsiPacket } from '../../devices/drivers/zebra-ssi/codec.js';
import { SSI_MAX_DATA } from '../../devices/drivers/zebra-ssi/constants.js';
import { chunks, cutsArb, damaged, hostileBytes, hostileStream } from '../mutate.js';
import { expectEqual, FuzzDefect, type FuzzTarget, guarded } from '../target.js';

const byte = fc.integer({ min: 0, max: 255 });

// --- Zebra SSI (host side: packets from the decoder carry SRC 0x00) ---
const ssiPacketArb: fc.Arbitrary<SsiPacket> = fc.record({
  opcode: byte,
  source: fc.constant(0x00),
  status: byte,
  data: fc.uint8Array({ maxLength: SSI_MAX_DATA }),
});

type SsiInput = { readonly packets?: SsiPacket[]; readonly bytes?: Uint8Array; readonly cuts: number[] };

export const zebraSsi: FuzzTarget<SsiInput> = {
  name: 'zebra-ssi',
  what: 'Zebra SSI packets (length, opcode, source, status, checksum)',
  input: fc.oneof(
    fc.record({ packets: fc.array(ssiPacketArb, { minLength: 1, maxLength: 4 }), cuts: cutsArb }),
    {
      weight: 3,
      arbitrary: fc.record({ bytes: hostileStream(ssiPacketArb.map(encodeSsiPacket)), cuts: cutsArb }),
    },
  ),
  run(input) {
    const decoder = new SsiDecoder(0x00);
    const bytes = input.packets ? Buffer.concat(input.packets.map(encodeSsiPacket)) : input.bytes!;
    const events: ReturnType<SsiDecoder['push']> = [];
    const answer = guarded(() => {
      for (const c of chunks(bytes, input.cuts)) events.push(...decoder.push(c));
      events.push(...decoder.flush().events);
      return undefined;
    });
    if (decoder.pending !== 0) throw new FuzzDefect(`${decoder.pending} bytes held after flush()`);
    if (input.packets) {
      expectEqual(
        'clean SSI stream',
        events.map((e) => (e.type === 'packet' ? e.packet : e)),
        input.packets,
      );
    }
    return answer !== 'ok' ? answer : (events.find((e) => e.type !== 'packet')?.type ?? 'ok');
  },
};

// --- Grow: replies 02 00 TYPE LEN DATA CRC16 ---
const growReply = fc.record({ type: byte, data: fc.uint8Array({ maxLength: 40 }) }).map(({ type, data }) => {
  const body = Uint8Array.from([type, data.length, ...data]);
  const crc = crc16Xmodem(body);
  return Uint8Array.from([0x02, 0x00, ...body, crc >> 8, crc & 0xff]);
});

export const growReplies: FuzzTarget<Uint8Array> = {
  name: 'grow-reply',
  what: 'Grow register-protocol replies, byte by byte',
  input: hostileStream(growReply),
  run(bytes) {
    const framer = new GrowReplyFramer();
    const seen: string[] = [];
    for (const b of bytes) {
      const e = framer.push(b);
      if (e !== undefined) seen.push(e.type);
    }
    const whole = decodeGrowReply(bytes);
    seen.push(whole.ok ? 'reply' : whole.error.type);
    return seen.find((s) => s !== 'reply') ?? 'ok';
  },
};

// --- Newland: 02 01 30 30 30 30 … status 3B 03 ---
const newlandReply = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(0x06, 0x15, 0x05))
  .map(([body, status]) =>
    Uint8Array.from([0x02, 0x01, 0x30, 0x30, 0x30, 0x30, ...body, status, 0x3b, 0x03]),
  );

export const newlandReplies: FuzzTarget<Uint8Array> = {
  name: 'newland-reply',
  what: 'Newland command replies, byte by byte',
  input: hostileStream(newlandReply),
  run(bytes) {
    const framer = new ReplyFramer(256);
    let answer = 'ok';
    for (const b of bytes) {
      const r = framer.push(b);
      if (r !== undefined && r.type !== 'frame') answer = r.type;
    }
    return answer;
  },
};

// --- Honeywell: menu command replies (echo with ACK/ENQ/NAK per segment) ---
const BODIES = ['CBR?.', 'REVINF.', '232BAD5,XXX1;QRCENA7!', 'BEPLVL3.'];
const menuReply = fc
  .tuple(fc.constantFrom(...BODIES), fc.constantFrom('\x06', '\x05', '\x15'))
  .map(([body, st]) =>
    Uint8Array.from(Buffer.from(`\x16M\r${body.slice(0, -1)}${st}${body.slice(-1)}`, 'latin1')),
  );

export const honeywellMenu: FuzzTarget<{ bytes: Uint8Array; body: string }> = {
  name: 'honeywell-menu',
  what: 'Honeywell menu-command replies',
  input: fc.record({ bytes: hostileBytes(menuReply, 200), body: fc.constantFrom(...BODIES) }),
  run({ bytes, body }) {
    const r = parseMenuReply(bytes, body);
    return r.ok ? 'ok' : r.error.type;
  },
};

// --- HID POS: report descriptors, and input reports against the Honeywell layout ---
const layout = (() => {
  const d = parseReportDescriptor(HONEYWELL_HIDPOS_DESCRIPTOR);
  if (!d.ok) throw new Error('HID POS fixture descriptor does not parse');
  const l = layoutFromDescriptor(d.value);
  if (!l.ok) throw new Error('HID POS fixture descriptor has no POS layout');
  return l.value.input;
})();

export const hidPosDescriptor: FuzzTarget<Uint8Array> = {
  name: 'hid-descriptor',
  what: 'HID report descriptors (a device describes itself)',
  input: hostileBytes(fc.constant(HONEYWELL_HIDPOS_DESCRIPTOR), 400),
  run(bytes) {
    const d = parseReportDescriptor(bytes);
    if (!d.ok) return d.error.type;
    const l = layoutFromDescriptor(d.value);
    return l.ok ? 'ok' : l.error.type;
  },
};

export const hidPosReports: FuzzTarget<Uint8Array[]> = {
  name: 'hid-pos-reports',
  what: 'HID POS input reports (data, AIM id, continued flag)',
  input: fc.array(
    damaged(
      fc.uint8Array({ minLength: layout.length, maxLength: layout.length }).map((r) => {
        r[0] = layout.reportId;
        return r;
      }),
    ),
    { minLength: 1, maxLength: 6 },
  ),
  run(reports) {
    const decoder = new HidPosReportDecoder(layout, 4096);
    let answer = 'ok';
    for (const r of reports) {
      const e = decoder.push(r);
      if (e !== undefined && e.type !== 'message') answer = e.type;
    }
    return answer;
  },
};
