import { err, ok, type Result } from '../../../protocol/result.js';

/**
 * A small HID report-descriptor parser (HID 1.11 §6.2.2): enough to find where each usage sits in
 * each report. Short and long items, global state with Push/Pop, local usages and usage ranges,
 * 32-bit extended usages. Fields come out with their report id, kind, bit offset and size (report
 * id byte not included). Malformed or absurd descriptors are a value, never an exception.
 */
export type ReportKind = 'input' | 'output' | 'feature';

export interface HidField {
  readonly kind: ReportKind;
  readonly reportId: number;
  /** Bit offset inside the report's data (after the report id byte, if the device uses ids). */
  readonly bitOffset: number;
  readonly bitSize: number;
  readonly usagePage: number;
  readonly usage: number;
  /** Main item flags: bit0 constant, bit1 variable, bit8 buffered bytes. */
  readonly flags: number;
}

export interface HidDescriptor {
  readonly fields: readonly HidField[];
  /** Data bits per report, keyed `${kind}:${reportId}`. */
  readonly reportBits: ReadonlyMap<string, number>;
  /** Whether the device numbers its reports (then every report starts with its id byte). */
  readonly usesReportIds: boolean;
}

export interface DescriptorError {
  readonly type: 'truncated' | 'too-large' | 'unbalanced';
  readonly message: string;
}

/** Linux caps report descriptors at 4096 bytes (HID_MAX_DESCRIPTOR_SIZE). */
export const MAX_DESCRIPTOR_BYTES = 4096;
const MAX_FIELDS = 8192;

interface Globals {
  usagePage: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

export function parseReportDescriptor(bytes: Uint8Array): Result<HidDescriptor, DescriptorError> {
  if (bytes.length > MAX_DESCRIPTOR_BYTES) {
    return err({ type: 'too-large', message: `descriptor of ${bytes.length} bytes` });
  }
  const fields: HidField[] = [];
  const bits = new Map<string, number>();
  let g: Globals = { usagePage: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: Globals[] = [];
  let usages: number[] = [];
  let usageMin: number | undefined;
  let depth = 0;
  let usesReportIds = false;

  for (let i = 0; i < bytes.length; ) {
    const prefix = bytes[i]!;
    if (prefix === 0xfe) {
      // Long item: FE size tag data…; none we need.
      const size = bytes[i + 1];
      if (size === undefined || i + 3 + size > bytes.length) return err(truncated(i));
      i += 3 + size;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x03]!;
    if (i + 1 + size > bytes.length) return err(truncated(i));
    let value = 0;
    for (let k = 0; k < size; k++) value += bytes[i + 1 + k]! * 2 ** (8 * k);
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    i += 1 + size;

    if (type === 1) {
      if (tag === 0x0) g.usagePage = value;
      else if (tag === 0x7) g.reportSize = value;
      else if (tag === 0x9) g.reportCount = value;
      else if (tag === 0x8) {
        g.reportId = value;
        usesReportIds = true;
      } else if (tag === 0xa) stack.push({ ...g });
      else if (tag === 0xb) {
        const popped = stack.pop();
        if (!popped) return err({ type: 'unbalanced', message: 'Pop without Push' });
        g = popped;
      }
      continue;
    }
    if (type === 2) {
      const full = (u: number) => (size === 4 ? u : g.usagePage * 0x10000 + u);
      if (tag === 0x0) usages.push(full(value));
      else if (tag === 0x1) usageMin = full(value);
      else if (tag === 0x2 && usageMin !== undefined) {
        const max = full(value);
        if (max - usageMin > MAX_FIELDS) return err({ type: 'too-large', message: 'usage range too wide' });
        for (let u = usageMin; u <= max; u++) usages.push(u);
        usageMin = undefined;
      }
      continue;
    }
    if (type !== 0) continue;
    if (tag === 0xa) depth++;
    else if (tag === 0xc) {
      if (--depth < 0) return err({ type: 'unbalanced', message: 'End Collection without Collection' });
    } else if (tag === 0x8 || tag === 0x9 || tag === 0xb) {
      const kind: ReportKind = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
      const key = `${kind}:${g.reportId}`;
      let at = bits.get(key) ?? 0;
      const total = g.reportSize * g.reportCount;
      if (total > MAX_DESCRIPTOR_BYTES * 8 * 8)
        return err({ type: 'too-large', message: 'report too large' });
      const constant = (value & 0x01) !== 0;
      const buffered = (value & 0x100) !== 0;
      if (!constant && usages.length > 0) {
        const n = buffered ? 1 : g.reportCount;
        if (fields.length + n > MAX_FIELDS) return err({ type: 'too-large', message: 'too many fields' });
        const size1 = buffered ? total : g.reportSize;
        for (let k = 0; k < n; k++) {
          const u = usages[Math.min(k, usages.length - 1)]!;
          fields.push({
            kind,
            reportId: g.reportId,
            bitOffset: at + k * size1,
            bitSize: size1,
            usagePage: Math.floor(u / 0x10000),
            usage: u % 0x10000,
            flags: value,
          });
        }
      }
      at += total;
      bits.set(key, at);
    }
    usages = [];
    usageMin = undefined;
  }
  if (depth !== 0) return err({ type: 'unbalanced', message: 'Collection without End Collection' });
  return ok({ fields, reportBits: bits, usesReportIds });
}

function truncated(at: number): DescriptorError {
  return { type: 'truncated', message: `item at byte ${at} runs past the end` };
}
