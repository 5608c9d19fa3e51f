import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';
import { MenuDevice, revinfText, SynParser } from './menu-device.js';

/**
 * A virtual Honeywell scanner on a serial line (RS-232 or USB serial, terminal 130). Scans go out
 * as payload + suffix (optionally with an AIM prefix); menu commands are answered on the same
 * line. In host-trigger mode (`HSTCEN1`, or the `hostTrigger` option) it reads only after
 * `SYN T CR`, once, until `SYN U CR`.
 */
export interface HoneywellEngineOptions {
  readonly identity?: Partial<VirtualDeviceIdentity>;
  /** Appended to each scan. Default CR LF. */
  readonly suffix?: Uint8Array;
  /** Send the AIM id (`]Q1` for QR) before each scan. Default false. */
  readonly aimPrefix?: boolean;
  readonly hostTrigger?: boolean;
}

export const AIM_FOR: Record<NonNullable<ScanRequest['symbology']>, string> = {
  qr_code: ']Q1',
  data_matrix: ']d2',
  code_128: ']C0',
  pdf417: ']L2',
};

export class HoneywellSerialEngine implements DeviceEngine {
  readonly protocol: string = 'honeywell';
  readonly identity: VirtualDeviceIdentity;
  protected readonly menu: MenuDevice;
  protected readonly parser = new SynParser();
  protected sink: DeviceSink | undefined;
  protected triggered = false;
  protected readonly st = { beeps: 0, triggers: 0, ignoredScans: 0, junkBytes: 0 };
  private readonly suffix: Uint8Array;
  private readonly aimPrefix: boolean;
  private readonly hostTrigger: boolean;

  constructor(options: HoneywellEngineOptions = {}) {
    this.identity = {
      vendor: 'Honeywell',
      model: 'Xenon 1900g (virtual)',
      firmware: 'CW000099BAA',
      serial: '19000V0001',
      vid: 0x0c2e,
      pid: 0x0b61,
      ...options.identity,
    };
    this.menu = new MenuDevice(revinfText(this.identity));
    this.suffix = options.suffix ?? Uint8Array.of(0x0d, 0x0a);
    this.aimPrefix = options.aimPrefix ?? false;
    this.hostTrigger = options.hostTrigger ?? false;
  }

  get state(): Readonly<Record<string, unknown>> {
    return {
      ...this.st,
      triggered: this.triggered,
      settings: Object.fromEntries(this.menu.current),
      nonVolatileWrites: this.menu.nonVolatileWrites,
      commands: [...this.menu.log],
    };
  }

  attach(sink: DeviceSink | undefined): void {
    this.sink = sink;
    if (sink) return;
    this.parser.clear();
    this.menu.powerCycle();
    this.triggered = false;
  }

  receive(data: Uint8Array): void {
    this.parser.push(data, {
      menu: (body) => {
        const r = this.menu.handle(body);
        this.sink?.(Buffer.from(r.output + r.echo, 'latin1'));
      },
      trigger: (on) => this.setTrigger(on),
      beep: () => this.st.beeps++,
      junk: () => this.st.junkBytes++,
    });
  }

  scan(request: ScanRequest): void {
    if (!this.mayRead()) {
      this.st.ignoredScans++;
      return;
    }
    const aim = this.aimPrefix
      ? Buffer.from(AIM_FOR[request.symbology ?? 'qr_code'], 'latin1')
      : new Uint8Array(0);
    this.sink?.(Uint8Array.from([...aim, ...request.payload, ...this.suffix]));
  }

  protected setTrigger(on: boolean): void {
    this.triggered = on;
    if (on) this.st.triggers++;
  }

  protected mayRead(): boolean {
    const host = this.hostTrigger || this.menu.current.get('HSTCEN') === '1';
    if (!host) return true;
    if (!this.triggered) return false;
    this.triggered = false; // one read per trigger
    return true;
  }
}
