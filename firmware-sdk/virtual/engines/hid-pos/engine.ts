import type { HidPosLayout } from '../../../../devices/drivers/hid-pos/layout.js';
import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';

/**
 * A virtual HID POS scanner for any report layout (the Honeywell one, Newland FM430's, or what a
 * descriptor describes). Each sink call is one whole input report, id first. A payload longer than
 * one report's data field is split across reports with the "continued" flag when the layout has
 * one; without it each part goes out as its own report (as an undocumented device might).
 * Output reports: a flags trigger report (initiate / prevent / beeps) or a `[id][len][command]`
 * command report (Newland: `01 54 04` trigger on, `01 50 04` off).
 */
export interface HidPosEngineOptions {
  readonly layout: HidPosLayout;
  /** What the OS would expose as the report descriptor (Linux sysfs), if anything. */
  readonly reportDescriptor?: Uint8Array;
  readonly identity?: Partial<VirtualDeviceIdentity>;
  /** Code id byte per symbology (default Honeywell's: s, w, j, r). */
  readonly codeIds?: Partial<Record<NonNullable<ScanRequest['symbology']>, number>>;
}

const AIM: Record<NonNullable<ScanRequest['symbology']>, string> = {
  qr_code: ']Q1',
  data_matrix: ']d2',
  code_128: ']C0',
  pdf417: ']L2',
};
const CODE: Record<NonNullable<ScanRequest['symbology']>, number> = {
  qr_code: 0x73,
  data_matrix: 0x77,
  code_128: 0x6a,
  pdf417: 0x72,
};

export class HidPosEngine implements DeviceEngine {
  readonly protocol = 'hid-pos';
  readonly identity: VirtualDeviceIdentity;
  readonly reportDescriptor: Uint8Array | undefined;
  private readonly layout: HidPosLayout;
  private readonly codeIds: Record<NonNullable<ScanRequest['symbology']>, number>;
  private sink: DeviceSink | undefined;
  private readonly st = {
    triggers: 0,
    untriggers: 0,
    goodBeeps: 0,
    errorBeeps: 0,
    commands: [] as string[],
    badReports: 0,
  };

  constructor(options: HidPosEngineOptions) {
    this.layout = options.layout;
    this.reportDescriptor = options.reportDescriptor;
    this.codeIds = { ...CODE, ...options.codeIds };
    this.identity = {
      vendor: 'Generic',
      model: 'HID POS (virtual)',
      firmware: '1.0',
      serial: 'HIDPOS0001',
      ...options.identity,
    };
  }

  get state(): Readonly<Record<string, unknown>> {
    return { ...this.st, commands: [...this.st.commands] };
  }

  attach(sink: DeviceSink | undefined): void {
    this.sink = sink;
  }

  receive(report: Uint8Array): void {
    const out = this.layout.output;
    if (!out || report[0] !== out.reportId) {
      this.st.badReports++;
      return;
    }
    if (out.type === 'flags') {
      const f = report[out.offset] ?? 0;
      if (out.initiate !== undefined && f & out.initiate) this.st.triggers++;
      if (out.prevent !== undefined && f & out.prevent) this.st.untriggers++;
      if (out.goodBeep !== undefined && f & out.goodBeep) this.st.goodBeeps++;
      if (out.errorBeep !== undefined && f & out.errorBeep) this.st.errorBeeps++;
      return;
    }
    const len = report[1] ?? 0;
    const cmd = Buffer.from(report.subarray(2, 2 + len)).toString('hex');
    this.st.commands.push(cmd);
    if (cmd === '015404') this.st.triggers++;
    if (cmd === '015004') this.st.untriggers++;
  }

  scan(request: ScanRequest): void {
    const L = this.layout.input;
    const sym = request.symbology ?? 'qr_code';
    const data = request.payload;
    const per = L.data.length;
    for (let at = 0; at < Math.max(data.length, 1); at += per) {
      const part = data.subarray(at, at + per);
      const r = new Uint8Array(L.length);
      r[0] = L.reportId;
      if (L.byteCount !== undefined) r[L.byteCount] = part.length;
      if (L.aim !== undefined) r.set(Buffer.from(AIM[sym], 'latin1'), L.aim);
      r.set(part, L.data.offset);
      if (L.codeId !== undefined) r[L.codeId] = this.codeIds[sym];
      if (L.continued && at + per < data.length) r[L.continued.offset]! |= L.continued.mask;
      this.sink?.(r);
    }
  }
}
