import { err, ok, type Result } from '../../../protocol/result.js';
import type { HidDescriptor, HidField } from './descriptor.js';
import type { HidPosFlagsOutput, HidPosInputLayout, HidPosLayout } from './layout.js';

/** HID usage pages and usages used by HID POS scanners (POS Usage Tables 1.02). */
export const POS_PAGE = 0x8c;
export const PosUsage = {
  SCANNED_DATA_REPORT: 0x12,
  TRIGGER_REPORT: 0x14,
  PREVENT_READ: 0x5f,
  INITIATE_READ: 0x60,
  SOUND_ERROR_BEEP: 0x85,
  SOUND_GOOD_BEEP: 0x86,
  SYMBOLOGY_ID_1: 0xfb,
  DECODED_DATA: 0xfe,
  DATA_CONTINUED: 0xff,
} as const;
const GENERIC_DESKTOP = 0x01;
const BYTE_COUNT = 0x3b;
/** Honeywell (Hand Held Products) vendor page, usage 0x04 = Code ID. */
const HHP_PAGE = 0xff66;
const HHP_CODE_ID = 0x04;

export interface LayoutError {
  readonly type: 'no-scanned-data' | 'unaligned';
  readonly message: string;
}

/** Finds the scanned-data input report (and a trigger output report, if any) in a descriptor. */
export function layoutFromDescriptor(d: HidDescriptor): Result<HidPosLayout, LayoutError> {
  const data = d.fields.filter(
    (f) => f.kind === 'input' && f.usagePage === POS_PAGE && f.usage === PosUsage.DECODED_DATA,
  );
  const first = data[0];
  if (!first)
    return err({ type: 'no-scanned-data', message: 'no input report carries HID POS Decoded Data' });
  const id = first.reportId;
  const mine = d.fields.filter((f) => f.kind === 'input' && f.reportId === id);
  const base = d.usesReportIds ? 1 : 0;
  const byteAt = (f: HidField) => (f.bitOffset % 8 === 0 ? base + f.bitOffset / 8 : undefined);

  const dataFields = mine.filter((f) => f.usagePage === POS_PAGE && f.usage === PosUsage.DECODED_DATA);
  const dataStart = byteAt(first);
  const dataBits = dataFields.reduce((n, f) => n + f.bitSize, 0);
  if (dataStart === undefined || dataBits % 8 !== 0) {
    return err({ type: 'unaligned', message: 'Decoded Data is not byte-aligned' });
  }
  const find = (page: number, usage: number) => mine.find((f) => f.usagePage === page && f.usage === usage);
  const count = find(GENERIC_DESKTOP, BYTE_COUNT);
  const aim = find(POS_PAGE, PosUsage.SYMBOLOGY_ID_1);
  const code = find(HHP_PAGE, HHP_CODE_ID);
  const cont = find(POS_PAGE, PosUsage.DATA_CONTINUED);
  const totalBits = d.reportBits.get(`input:${id}`) ?? 0;

  const input: HidPosInputLayout = {
    reportId: id,
    length: base + Math.ceil(totalBits / 8),
    data: { offset: dataStart, length: dataBits / 8 },
    ...(count && byteAt(count) !== undefined ? { byteCount: byteAt(count)! } : {}),
    ...(aim && byteAt(aim) !== undefined ? { aim: byteAt(aim)! } : {}),
    ...(code && byteAt(code) !== undefined ? { codeId: byteAt(code)! } : {}),
    ...(cont
      ? { continued: { offset: base + Math.floor(cont.bitOffset / 8), mask: 1 << (cont.bitOffset % 8) } }
      : {}),
  };
  const output = triggerOutput(d, base);
  return ok(output ? { input, output } : { input });
}

function triggerOutput(d: HidDescriptor, base: number): HidPosFlagsOutput | undefined {
  const outs = d.fields.filter((f) => f.kind === 'output' && f.usagePage === POS_PAGE && f.bitSize === 1);
  const initiate = outs.find((f) => f.usage === PosUsage.INITIATE_READ);
  if (!initiate) return undefined;
  const id = initiate.reportId;
  const byte = Math.floor(initiate.bitOffset / 8);
  const maskOf = (usage: number) => {
    const f = outs.find(
      (o) => o.reportId === id && o.usage === usage && Math.floor(o.bitOffset / 8) === byte,
    );
    return f ? { [key(usage)]: 1 << (f.bitOffset % 8) } : {};
  };
  return {
    type: 'flags',
    reportId: id,
    length: base + Math.ceil((d.reportBits.get(`output:${id}`) ?? 8) / 8),
    offset: base + byte,
    ...maskOf(PosUsage.INITIATE_READ),
    ...maskOf(PosUsage.PREVENT_READ),
    ...maskOf(PosUsage.SOUND_ERROR_BEEP),
    ...maskOf(PosUsage.SOUND_GOOD_BEEP),
  };
}

function key(usage: number): 'initiate' | 'prevent' | 'errorBeep' | 'goodBeep' {
  if (usage === PosUsage.INITIATE_READ) return 'initiate';
  if (usage === PosUsage.PREVENT_READ) return 'prevent';
  if (usage === PosUsage.SOUND_ERROR_BEEP) return 'errorBeep';
  return 'goodBeep';
}
