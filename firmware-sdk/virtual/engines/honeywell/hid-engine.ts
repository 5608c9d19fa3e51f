import type { ScanRequest, VirtualDeviceIdentity } from '../../types.js';
import { AIM_FOR, HoneywellSerialEngine } from './serial-engine.js';

/**
 * A virtual Honeywell scanner in HID POS mode (terminal 131), byte-exact to the `usb2hidpos`
 * firmware layout: input report 2 = [02][count][3 AIM bytes][56 data][code id][0][flags bit0 =
 * continued]; output report 4 = flag bits (0x02 prevent/untrigger, 0x04 trigger, 0x20 error beep,
 * 0x40 good beep); output report 0xFD = [FD][len][serial command bytes] (the menu tunnel). Menu
 * replies come back as messages with AIM `]X0` (output) and `]Z6` (echo), as observed on a
 * Voyager 1602g.
 */
const DATA = 56;
const CODE_IDS: Record<NonNullable<ScanRequest['symbology']>, number> = {
  qr_code: 0x73, // s
  data_matrix: 0x77, // w
  code_128: 0x6a, // j
  pdf417: 0x72, // r
};

export class HoneywellHidEngine extends HoneywellSerialEngine {
  override readonly protocol = 'honeywell-hid';
  private readonly hid = { goodBeeps: 0, errorBeeps: 0, prevented: false, badReports: 0 };

  constructor(options: { identity?: Partial<VirtualDeviceIdentity>; hostTrigger?: boolean } = {}) {
    super({ ...options, identity: { pid: 0x0b62, ...options.identity } });
  }

  override get state(): Readonly<Record<string, unknown>> {
    return { ...super.state, ...this.hid };
  }

  override receive(report: Uint8Array): void {
    const id = report[0];
    if (id === 0x04) {
      const f = report[1] ?? 0;
      if (f & 0x04) this.setTrigger(true);
      if (f & 0x02) this.setTrigger(false);
      if (f & 0x40) this.hid.goodBeeps++;
      if (f & 0x20) this.hid.errorBeeps++;
      return;
    }
    if (id === 0xfd) {
      const len = report[1] ?? 0;
      if (len > 62 || len + 2 > report.length) {
        this.hid.badReports++;
        return;
      }
      this.parser.push(report.subarray(2, 2 + len), {
        menu: (body) => {
          const r = this.menu.handle(body);
          if (r.output) this.send(']X0', 0x3f, Buffer.from(r.output, 'latin1'));
          this.send(']Z6', 0x36, Buffer.from(r.echo, 'latin1'));
        },
        trigger: (on) => this.setTrigger(on),
        beep: () => this.hid.goodBeeps++,
        junk: () => this.st.junkBytes++,
      });
      return;
    }
    this.hid.badReports++;
  }

  override scan(request: ScanRequest): void {
    if (!this.mayRead()) {
      this.st.ignoredScans++;
      return;
    }
    const sym = request.symbology ?? 'qr_code';
    this.send(AIM_FOR[sym], CODE_IDS[sym], request.payload);
  }

  /** One message as input reports of 56 data bytes, all but the last flagged "continued". */
  private send(aim: string, codeId: number, data: Uint8Array): void {
    for (let at = 0; at < Math.max(data.length, 1); at += DATA) {
      const part = data.subarray(at, at + DATA);
      const r = new Uint8Array(64);
      r[0] = 0x02;
      r[1] = part.length;
      r.set(Buffer.from(aim, 'latin1'), 2);
      r.set(part, 5);
      r[61] = codeId;
      r[63] = at + DATA < data.length ? 0x01 : 0x00;
      this.sink?.(r);
    }
  }
}
