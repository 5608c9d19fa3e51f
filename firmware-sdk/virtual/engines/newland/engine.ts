import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';

/**
 * A virtual Newland scanner on a serial line. Answers `?` with `!`; NLS commands with ACK (known
 * code, command programming enabled) or NAK; ESC 1 / ESC 0 (trigger) with ACK; framed commands
 * `~ SOH 0000 {@|#} Tag SubTag Data ; ETX` with `STX SOH 0000 {@|#}` + the echo, a status byte
 * (ACK, NAK bad value, ENQ unknown tag) before each `,`/`;`, and `; ETX`. Scans go out as payload
 * + CR LF. After `NLS0302000;` (command trigger mode) it reads only after ESC 1, once.
 */
export interface NewlandEngineOptions {
  readonly identity?: Partial<VirtualDeviceIdentity>;
  readonly suffix?: Uint8Array;
  /** NLS commands only work after NLS0006010; (as documented). Default true. */
  readonly requireProgramming?: boolean;
}

const ACK = 0x06;
const NAK = 0x15;
const KNOWN_NLS = new Set([
  '0006010',
  '0006000',
  '0001000',
  '0001020',
  '0001010',
  '0502020',
  '0001150',
  '0302000',
  '0302010',
  '0313000',
  '0313010',
  '0305010',
  '0307000',
  '0308000',
  '0309000',
  '0200010',
  '0201000',
  '0203010',
]);
const SETTINGS: Record<string, readonly string[]> = {
  KBWCTY: ['0', '1', '2'],
  QRCENA: ['0', '1'],
  C11MIN: ['1', '2', '3', '4'],
};

export class NewlandEngine implements DeviceEngine {
  readonly protocol = 'newland';
  readonly identity: VirtualDeviceIdentity;
  private sink: DeviceSink | undefined;
  private input: number[] = [];
  private programming = false;
  private commandTrigger = false;
  private triggered = false;
  private readonly settings = new Map<string, string>([
    ['KBWCTY', '0'],
    ['QRCENA', '1'],
    ['C11MIN', '4'],
  ]);
  private readonly st = {
    nls: [] as string[],
    framed: [] as string[],
    probes: 0,
    ignoredScans: 0,
    junkBytes: 0,
  };
  private readonly suffix: Uint8Array;
  private readonly requireProgramming: boolean;

  constructor(options: NewlandEngineOptions = {}) {
    this.identity = {
      vendor: 'Newland',
      model: 'NLS-FM430 (virtual)',
      firmware: 'V1.05.017',
      serial: 'NL430V0001',
      vid: 0x1eab,
      pid: 0x1d06,
      ...options.identity,
    };
    this.suffix = options.suffix ?? Uint8Array.of(0x0d, 0x0a);
    this.requireProgramming = options.requireProgramming ?? true;
  }

  get state(): Readonly<Record<string, unknown>> {
    return {
      ...this.st,
      nls: [...this.st.nls],
      framed: [...this.st.framed],
      programming: this.programming,
      commandTrigger: this.commandTrigger,
      triggered: this.triggered,
      settings: Object.fromEntries(this.settings),
    };
  }

  attach(sink: DeviceSink | undefined): void {
    this.sink = sink;
    if (sink) return;
    this.input = [];
    this.programming = false;
    this.triggered = false;
  }

  receive(data: Uint8Array): void {
    for (const b of data) {
      this.input.push(b);
      this.parse();
      if (this.input.length > 512) {
        this.st.junkBytes += this.input.length;
        this.input = [];
      }
    }
  }

  scan(request: ScanRequest): void {
    if (this.commandTrigger) {
      if (!this.triggered) {
        this.st.ignoredScans++;
        return;
      }
      this.triggered = false;
    }
    this.sink?.(Uint8Array.from([...request.payload, ...this.suffix]));
  }

  /** Acts on the buffered input once it forms a whole command; drops a byte that starts none. */
  private parse(): void {
    for (;;) {
      const s = String.fromCharCode(...this.input);
      if (s.length === 0) return;
      if (s === '?') {
        this.st.probes++;
        this.reply([0x21]);
        return;
      }
      if (s === '\x1b1' || s === '\x1b0') {
        this.triggered = s === '\x1b1';
        this.reply([ACK]);
        return;
      }
      if (s === '\x1b') return;
      if (/^N(L(S[^;]*)?)?$/.test(s)) return; // an NLS command still arriving
      if (/^NLS[^;]*;$/.test(s)) {
        this.reply([this.nls(s.slice(3, -1))]);
        return;
      }
      if ('~\x010000'.startsWith(s.slice(0, 6))) {
        if (s.length >= 9 && s.endsWith(';\x03')) this.framed(s);
        return;
      }
      this.st.junkBytes++;
      this.input.shift();
    }
  }

  private nls(cmd: string): number {
    this.st.nls.push(cmd);
    const code = cmd.slice(0, 7);
    if (!/^\d{7}(=.+)?$/.test(cmd) || !KNOWN_NLS.has(code)) return NAK;
    if (code === '0006010') this.programming = true;
    else if (!this.programming && this.requireProgramming) return NAK;
    if (code === '0006000') this.programming = false;
    if (code === '0302000') this.commandTrigger = true;
    if (code === '0302010') this.commandTrigger = false;
    return ACK;
  }

  private framed(s: string): void {
    this.input = [];
    const storage = s[6] ?? '#';
    const body = s.slice(7, -2);
    this.st.framed.push(body);
    let echo = '';
    for (const part of body.split(';')) {
      const tag = part.slice(0, 3);
      const subs = part.slice(3).split(',');
      subs.forEach((sub, si) => {
        const [value, status] = this.one(tag + sub.slice(0, 3), sub.slice(3));
        echo += (si === 0 ? tag : '') + sub.slice(0, 3) + value + String.fromCharCode(status);
        echo += si < subs.length - 1 ? ',' : ';';
      });
    }
    this.reply([
      0x02,
      0x01,
      0x30,
      0x30,
      0x30,
      0x30,
      storage.charCodeAt(0),
      ...Buffer.from(echo, 'latin1'),
      0x03,
    ]);
  }

  private one(key: string, data: string): [string, number] {
    const id: Record<string, string> = {
      QRYPDN: this.identity.model,
      QRYFWV: this.identity.firmware,
      QRYESN: this.identity.serial,
    };
    if (key in id) return [id[key] ?? '', ACK];
    const allowed = SETTINGS[key];
    if (!allowed) return [data, 0x05];
    if (data === '*') return [this.settings.get(key) ?? '', ACK];
    if (data === '&') return [allowed[0] ?? '', ACK];
    if (data === '^') return [allowed.join('|'), ACK];
    if (!allowed.includes(data)) return [data, NAK];
    this.settings.set(key, data);
    return [data, ACK];
  }

  private reply(bytes: number[]): void {
    this.input = [];
    this.sink?.(Uint8Array.from(bytes));
  }
}
