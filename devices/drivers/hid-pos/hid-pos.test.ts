import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from './descriptor.js';
import { BOOT_KEYBOARD_DESCRIPTOR, HONEYWELL_HIDPOS_DESCRIPTOR } from './fixtures.js';
import { layoutFromDescriptor } from './from-descriptor.js';
import { commandReport, flagsReport } from './output.js';
import { HID_POS_PROFILES, profileForVid } from './profiles.js';
import { HidPosReportDecoder } from './report-decoder.js';
import { hidrawDescriptorPath, readHidrawReportDescriptor } from './sysfs.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// Three input reports a Honeywell Voyager 1602g sent in answer to a tunnelled `REVINF.` (a public
// write-up): the first of a continued ]X0 message, its last report, and the ]Z6 echo + ACK.
const REVINF_FIRST = hex(
  '02385d583050726f64756374204e616d653a20566f79616765722031363032670d0a426f6f74205265766973696f6e3a203a20383939320d0a536f66743f0001',
);
const REVINF_LAST = hex(`02095d5830756d3a204e2f410d0a${'00'.repeat(47)}3f0000`);
const REVINF_ECHO = hex(`02085d5a36524556494e46062e${'00'.repeat(48)}360000`);

describe('HID report descriptor parser', () => {
  it('finds the Honeywell scanned-data and trigger reports exactly where the vendor profile puts them', () => {
    const d = parseReportDescriptor(HONEYWELL_HIDPOS_DESCRIPTOR);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.usesReportIds).toBe(true);
    expect(d.value.reportBits.get('input:2')).toBe(63 * 8);
    expect(d.value.reportBits.get('output:253')).toBe(63 * 8);
    const layout = layoutFromDescriptor(d.value);
    expect(layout).toEqual({ ok: true, value: HID_POS_PROFILES.honeywell!.layout });
  });

  it('a keyboard descriptor has no scanned-data report', () => {
    const d = parseReportDescriptor(BOOT_KEYBOARD_DESCRIPTOR);
    expect(d.ok && layoutFromDescriptor(d.value)).toMatchObject({
      ok: false,
      error: { type: 'no-scanned-data' },
    });
  });

  it('malformed descriptors are values, not exceptions', () => {
    expect(parseReportDescriptor(hex('05 8c 09'))).toMatchObject({ ok: false, error: { type: 'truncated' } });
    expect(parseReportDescriptor(hex('a1 01'))).toMatchObject({ ok: false, error: { type: 'unbalanced' } });
    expect(parseReportDescriptor(hex('c0'))).toMatchObject({ ok: false, error: { type: 'unbalanced' } });
    expect(parseReportDescriptor(hex('b4'))).toMatchObject({ ok: false, error: { type: 'unbalanced' } });
    expect(parseReportDescriptor(new Uint8Array(5000))).toMatchObject({
      ok: false,
      error: { type: 'too-large' },
    });
    // A huge report count with a usage must not allocate millions of fields.
    expect(parseReportDescriptor(hex('09 01 75 08 97 ff ff ff 00 81 02'))).toMatchObject({ ok: false });
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const d = parseReportDescriptor(b);
        if (d.ok) layoutFromDescriptor(d.value);
      }),
    );
  });
});

describe('HID POS report decoder', () => {
  const honeywell = HID_POS_PROFILES.honeywell!.layout.input;

  it('joins continued reports (a real multi-report Honeywell answer)', () => {
    const dec = new HidPosReportDecoder(honeywell, 8192);
    expect(dec.push(REVINF_FIRST, 1n)).toBeUndefined();
    expect(dec.inProgress).toBe(true);
    const msg = dec.push(REVINF_LAST, 2n);
    expect(msg).toMatchObject({ type: 'message', reports: 2, codeId: 0x3f, firstNs: 1n, lastNs: 2n });
    if (msg?.type !== 'message') return;
    expect(Buffer.from(msg.aim!).toString()).toBe(']X0');
    expect(Buffer.from(msg.data).toString()).toBe(
      'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftum: N/A\r\n',
    );
    const echo = dec.push(REVINF_ECHO);
    expect(echo?.type === 'message' && Buffer.from(echo.data).toString('latin1')).toBe('REVINF\x06.');
  });

  it('refuses a byte count beyond the data field, ignores other report ids, caps the message', () => {
    const dec = new HidPosReportDecoder(honeywell, 100);
    const bad = Uint8Array.from(REVINF_ECHO);
    bad[1] = 57;
    expect(dec.push(bad)).toMatchObject({ type: 'bad-report' });
    expect(dec.push(hex('04 04'))).toEqual({ type: 'ignored', reportId: 4 });
    expect(dec.push(REVINF_FIRST)).toBeUndefined();
    expect(dec.push(REVINF_FIRST)).toEqual({ type: 'too-large', bytes: 112 });
    expect(dec.inProgress).toBe(false);
    // The rest of the dropped message is discarded up to its last report, never a scan of its own.
    expect(dec.push(REVINF_FIRST)).toEqual({ type: 'discarded', bytes: 64 });
    expect(dec.push(REVINF_LAST)).toEqual({ type: 'discarded', bytes: 64 });
    expect(dec.push(REVINF_FIRST.subarray(0, 20))).toMatchObject({ type: 'bad-report' });
    expect(dec.push(REVINF_ECHO)).toMatchObject({ type: 'message' });
    // A broken report part-way through a message takes the rest of that message with it.
    expect(dec.push(REVINF_FIRST)).toBeUndefined();
    const broken = Uint8Array.from(REVINF_FIRST);
    broken[1] = 99;
    expect(dec.push(broken)).toMatchObject({ type: 'bad-report' });
    expect(dec.push(REVINF_LAST)).toEqual({ type: 'discarded', bytes: 64 });
    expect(dec.push(REVINF_ECHO)).toMatchObject({ type: 'message' });
  });

  it('without a byte count the zero padding is trimmed (Newland FM430 layout has one; this is the fallback)', () => {
    const dec = new HidPosReportDecoder({ reportId: 2, length: 10, data: { offset: 1, length: 9 } }, 100);
    const m = dec.push(hex('02 41 42 00 43 00 00 00 00 00'));
    expect(m?.type === 'message' && Array.from(m.data)).toEqual([0x41, 0x42, 0x00, 0x43]);
  });
});

describe('HID POS output reports, profiles, sysfs', () => {
  it('builds Honeywell trigger/beep reports and Newland command reports', () => {
    const out = HID_POS_PROFILES.honeywell!.layout.output!;
    if (out.type !== 'flags') throw new Error('expected flags');
    expect(Array.from(flagsReport(out, out.initiate!))).toEqual([0x04, 0x04]);
    expect(Array.from(flagsReport(out, out.prevent!))).toEqual([0x04, 0x02]);
    expect(Array.from(flagsReport(out, out.goodBeep!))).toEqual([0x04, 0x40]);
    expect(Array.from(flagsReport(out, out.errorBeep!))).toEqual([0x04, 0x20]);
    const nl = commandReport({ reportId: 4, length: 64 }, hex('01 54 04'));
    expect(nl.length).toBe(64);
    expect(Array.from(nl.subarray(0, 6))).toEqual([0x04, 0x03, 0x01, 0x54, 0x04, 0x00]);
    expect(() => commandReport({ reportId: 4, length: 8 }, new Uint8Array(7))).toThrow(RangeError);
  });

  it('chooses profiles by USB vendor id', () => {
    expect(profileForVid(0x0c2e)?.name).toBe('honeywell');
    expect(profileForVid(0x23d0)?.name).toBe('honeywell');
    expect(profileForVid(0x1eab)?.name).toBe('newland-fm430');
    expect(profileForVid(0x1234)).toBeUndefined();
  });

  it('reads the report descriptor from Linux sysfs for hidraw paths only', async () => {
    expect(hidrawDescriptorPath('/dev/hidraw3')).toBe('/sys/class/hidraw/hidraw3/device/report_descriptor');
    expect(hidrawDescriptorPath('/dev/ttyACM0')).toBeUndefined();
    const seen: string[] = [];
    const read = async (p: string) => {
      seen.push(p);
      return HONEYWELL_HIDPOS_DESCRIPTOR;
    };
    expect(await readHidrawReportDescriptor('/dev/hidraw7', read)).toEqual(HONEYWELL_HIDPOS_DESCRIPTOR);
    expect(seen).toEqual(['/sys/class/hidraw/hidraw7/device/report_descriptor']);
    expect(
      await readHidrawReportDescriptor('/dev/hidraw7', () => Promise.reject(new Error('EACCES'))),
    ).toBeUndefined();
    expect(await readHidrawReportDescriptor('COM3', read)).toBeUndefined();
  });
});
