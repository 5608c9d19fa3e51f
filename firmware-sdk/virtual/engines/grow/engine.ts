import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';

/**
 * A virtual Grow GM65-style module. Host frames `7E 00 TYPE LEN ADDRH ADDRL DATA CRCH CRCL`
 * (CRC-16/XMODEM over TYPE..DATA, or `AB CD`): READ (07, DATA = byte count) answers
 * `02 00 00 LEN <registers>`; WRITE (08) and SAVE (09) answer `02 00 00 01 00 33 31`. Frames with
 * a bad CRC or unknown type get no answer. Register 0x0000 bits 0–1 = working mode (01 command
 * trigger: reads only after 0x0002 ← 01, once); scans go out as payload + CR.
 */
export interface GrowEngineOptions {
  readonly identity?: Partial<VirtualDeviceIdentity>;
  readonly suffix?: Uint8Array;
  /** Initial register values. */
  readonly registers?: Readonly<Record<number, number>>;
}

function crc(bytes: readonly number[]): number {
  let c = 0;
  for (const b of bytes) {
    c ^= b << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

function reply(type: number, data: readonly number[]): Uint8Array {
  const body = [type, data.length, ...data];
  const c = crc(body);
  return Uint8Array.from([0x02, 0x00, ...body, c >> 8, c & 0xff]);
}

export class GrowEngine implements DeviceEngine {
  readonly protocol = 'grow';
  readonly identity: VirtualDeviceIdentity;
  private sink: DeviceSink | undefined;
  private input: number[] = [];
  private readonly saved = new Map<number, number>();
  private regs = new Map<number, number>();
  private readonly st = { frames: 0, badCrc: 0, saves: 0, ignoredScans: 0, junkBytes: 0 };
  private readonly suffix: Uint8Array;

  constructor(options: GrowEngineOptions = {}) {
    this.identity = {
      vendor: 'Grow',
      model: 'GM65 (virtual)',
      firmware: 'V1.10',
      serial: '',
      vid: 0x6666,
      pid: 0x7777,
      ...options.identity,
    };
    this.suffix = options.suffix ?? Uint8Array.of(0x0d);
    for (const [k, v] of Object.entries({
      0: 0x00,
      2: 0x00,
      42: 0x39,
      96: 0x11,
      226: 0x6e,
      ...options.registers,
    })) {
      this.saved.set(Number(k), v);
    }
    this.regs = new Map(this.saved);
  }

  get state(): Readonly<Record<string, unknown>> {
    return { ...this.st, registers: Object.fromEntries(this.regs) };
  }

  attach(sink: DeviceSink | undefined): void {
    this.sink = sink;
    if (sink) return;
    this.input = [];
    this.regs = new Map(this.saved); // unsaved writes are lost with power
  }

  receive(data: Uint8Array): void {
    for (const b of data) {
      this.input.push(b);
      this.parse();
    }
  }

  scan(request: ScanRequest): void {
    if (((this.regs.get(0x0000) ?? 0) & 0x03) === 0x01) {
      if (this.regs.get(0x0002) !== 0x01) {
        this.st.ignoredScans++;
        return;
      }
      this.regs.set(0x0002, 0x00);
    }
    this.sink?.(Uint8Array.from([...request.payload, ...this.suffix]));
  }

  private parse(): void {
    for (;;) {
      const i = this.input;
      if (i.length === 0) return;
      if (i[0] !== 0x7e || (i.length >= 2 && i[1] !== 0x00)) {
        this.st.junkBytes++;
        i.shift();
        continue;
      }
      if (i.length < 4) return;
      const total = 8 + i[3]!;
      if (i.length < total) return;
      const frame = i.splice(0, total);
      this.frame(frame);
    }
  }

  private frame(f: number[]): void {
    this.st.frames++;
    const n = f.length;
    const body = f.slice(2, n - 2);
    const noCrc = f[n - 2] === 0xab && f[n - 1] === 0xcd;
    if (!noCrc && crc(body) !== ((f[n - 2]! << 8) | f[n - 1]!)) {
      this.st.badCrc++;
      return;
    }
    const [type, len, ah, al] = body as [number, number, number, number];
    const addr = (ah << 8) | al;
    const data = body.slice(4, 4 + len);
    if (type === 0x07) {
      const count = data[0] ?? 1;
      const out: number[] = [];
      for (let k = 0; k < count; k++) out.push(this.regs.get(addr + k) ?? 0);
      this.sink?.(reply(0x00, out));
    } else if (type === 0x08) {
      data.forEach((v, k) => {
        this.regs.set(addr + k, v);
      });
      this.sink?.(reply(0x00, [0x00]));
    } else if (type === 0x09) {
      this.st.saves++;
      for (const [k, v] of this.regs) this.saved.set(k, v);
      this.sink?.(reply(0x00, [0x00]));
    }
  }
}
