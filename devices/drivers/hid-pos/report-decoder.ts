import type { HidPosInputLayout } from './layout.js';

/**
 * Sans-I/O decoder of HID POS scanned-data input reports. Each transport chunk is one whole
 * report, id first. Reports with the "continued" flag are joined until one without it; the AIM id
 * and code id come from the message's first report. The message is capped (checked before it
 * grows). Reports with another id are reported as ignored; malformed ones as bad.
 */
export type HidPosEvent =
  | {
      readonly type: 'message';
      readonly data: Uint8Array;
      /** AIM id bytes (`]Q1`) when the report carried one. */
      readonly aim?: Uint8Array;
      readonly codeId?: number;
      readonly reports: number;
      readonly firstNs: bigint;
      readonly lastNs: bigint;
    }
  | { readonly type: 'ignored'; readonly reportId: number }
  /** A report of a message already dropped (too large, or broken part-way). */
  | { readonly type: 'discarded'; readonly bytes: number }
  | { readonly type: 'bad-report'; readonly reason: string }
  | { readonly type: 'too-large'; readonly bytes: number };

export class HidPosReportDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  private aim: Uint8Array | undefined;
  private codeId: number | undefined;
  private firstNs = 0n;
  /** After a dropped message, the rest of its reports are discarded up to its last one. */
  private discarding = false;

  constructor(
    private readonly layout: HidPosInputLayout,
    private readonly maxMessageBytes: number,
  ) {}

  get inProgress(): boolean {
    return this.parts.length > 0;
  }

  push(report: Uint8Array, atNs = 0n): HidPosEvent | undefined {
    const L = this.layout;
    if (report.length === 0) return { type: 'bad-report', reason: 'empty report' };
    if (report[0] !== L.reportId) return { type: 'ignored', reportId: report[0]! };
    const at = (i: number | undefined) => (i === undefined ? undefined : (report[i] ?? 0));
    const c = L.continued;
    const continued = c !== undefined && ((at(c.offset) ?? 0) & c.mask) !== 0;
    if (this.discarding) {
      this.discarding = continued;
      return { type: 'discarded', bytes: report.length };
    }
    let count: number;
    if (L.byteCount !== undefined) {
      count = at(L.byteCount)!;
      if (count > L.data.length)
        return this.bad(`byte count ${count} exceeds the ${L.data.length}-byte data field`, continued);
      if (L.data.offset + count > report.length)
        return this.bad(`report of ${report.length} bytes is cut short`, continued);
    } else {
      // No byte count: the data field is zero padded.
      count = Math.min(L.data.length, Math.max(0, report.length - L.data.offset));
      while (count > 0 && report[L.data.offset + count - 1] === 0) count--;
    }
    if (this.size + count > this.maxMessageBytes) {
      const bytes = this.size + count;
      this.reset();
      this.discarding = continued;
      return { type: 'too-large', bytes };
    }
    if (this.parts.length === 0) {
      this.firstNs = atNs;
      const aim = L.aim === undefined ? undefined : report.slice(L.aim, L.aim + 3);
      this.aim = aim && aim.length === 3 && aim[0] === 0x5d ? aim : undefined;
      const code = at(L.codeId);
      this.codeId = code === undefined || code === 0 ? undefined : code;
    }
    this.parts.push(report.slice(L.data.offset, L.data.offset + count));
    this.size += count;
    if (continued) return undefined;
    const data = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      data.set(p, o);
      o += p.length;
    }
    const msg = {
      type: 'message' as const,
      data,
      reports: this.parts.length,
      firstNs: this.firstNs,
      lastNs: atNs,
      ...(this.aim ? { aim: this.aim } : {}),
      ...(this.codeId !== undefined ? { codeId: this.codeId } : {}),
    };
    this.reset();
    return msg;
  }

  /** Drops a message in progress; returns whether there was one. */
  reset(): boolean {
    const had = this.parts.length > 0 || this.discarding;
    this.discarding = false;
    this.parts = [];
    this.size = 0;
    this.aim = undefined;
    this.codeId = undefined;
    return had;
  }

  private bad(reason: string, continued: boolean): HidPosEvent {
    const wasInMessage = this.parts.length > 0;
    this.reset();
    // A broken report inside (or opening) a continued message takes the rest of that message with it.
    this.discarding = continued || wasInMessage;
    return { type: 'bad-report', reason };
  }
}
