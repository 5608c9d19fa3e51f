/**
 * The device side of Honeywell menu commands: a settings table, REVINF, and the reply rule — echo
 * the command with ACK (processed), ENQ (unknown Tag/SubTag) or NAK (value out of range) before
 * each `,` `;` `.` `!`. Queries: `?` current, `^` default, `*` range.
 */
const ACK = '\x06';
const ENQ = '\x05';
const NAK = '\x15';

interface Setting {
  readonly values: readonly string[];
  readonly def: string;
}

const SETTINGS: Readonly<Record<string, Setting>> = {
  CBRENA: { values: ['0', '1'], def: '1' },
  QRCENA: { values: ['0', '1'], def: '1' },
  ALLENA: { values: ['0', '1'], def: '1' },
  BEPBEP: { values: ['0', '1'], def: '1' },
  SCNLED: { values: ['0', '1'], def: '0' },
  SCNAIM: { values: ['0', '1', '2'], def: '1' },
  HSTCEN: { values: ['0', '1'], def: '0' },
  '232BAD': { values: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], def: '5' },
};

export interface MenuResult {
  /** Text sent before the echo (REVINF's lines). */
  readonly output: string;
  readonly echo: string;
}

export class MenuDevice {
  readonly current = new Map<string, string>();
  readonly volatile = new Map<string, string>();
  nonVolatileWrites = 0;
  readonly log: string[] = [];

  constructor(private readonly revinf: string) {
    for (const [k, s] of Object.entries(SETTINGS)) this.current.set(k, s.def);
  }

  /** A power cycle: volatile (`!`) settings are lost. */
  powerCycle(): void {
    for (const [k, v] of this.volatile) this.current.set(k, v);
    this.volatile.clear();
  }

  /** Runs one command body (`REVINF.`, `CBRENA?.`, `232BAD5,CTS2;QRCENA1!`). */
  handle(body: string): MenuResult {
    this.log.push(body);
    const storage = body.at(-1) === '!' ? '!' : '.';
    const text = body.slice(0, -1);
    if (text.toUpperCase() === 'REVINF') return { output: this.revinf, echo: `REVINF${ACK}${storage}` };
    let echo = '';
    const tags = text.split(';');
    tags.forEach((part, ti) => {
      const tag = part.slice(0, 3).toUpperCase();
      const subs = part.slice(3).split(',');
      subs.forEach((sub, si) => {
        const key = tag + sub.slice(0, 3).toUpperCase();
        const data = sub.slice(3);
        const out = this.one(key, data, storage);
        echo += (si === 0 ? part.slice(0, 3) : '') + sub.slice(0, 3) + out.value + out.status;
        if (si < subs.length - 1) echo += ',';
      });
      if (ti < tags.length - 1) echo += ';';
    });
    return { output: '', echo: echo + storage };
  }

  private one(key: string, data: string, storage: string): { value: string; status: string } {
    const s = SETTINGS[key];
    if (!s) return { value: data, status: ENQ };
    if (data === '?') return { value: this.current.get(key) ?? s.def, status: ACK };
    if (data === '^') return { value: s.def, status: ACK };
    if (data === '*') return { value: s.values.join('|'), status: ACK };
    if (!s.values.includes(data)) return { value: data, status: NAK };
    if (storage === '!') {
      if (!this.volatile.has(key)) this.volatile.set(key, this.current.get(key) ?? s.def);
    } else {
      this.nonVolatileWrites++;
      this.volatile.delete(key);
    }
    this.current.set(key, data);
    return { value: data, status: ACK };
  }
}

export function revinfText(identity: { model: string; firmware: string; serial: string }): string {
  return [
    `Product Name: ${identity.model}`,
    'Boot Revision: BF000123BAA',
    `Software Part Number: ${identity.firmware}`,
    'Software Revision: 16345',
    `Serial Number: ${identity.serial}`,
    'Supported IF: Standard',
    'PCB Assembly ID: 0',
    '',
  ].join('\r\n');
}

/**
 * Splits the host's byte stream into SYN sequences: `SYN M CR body(.|!)`, `SYN T CR`, `SYN U CR`,
 * `SYN BEL CR`. Other bytes are ignored. A body longer than 256 bytes is dropped.
 */
export class SynParser {
  private state: 'idle' | 'syn' | 'cr' | 'body' = 'idle';
  private code = 0;
  private body = '';

  push(
    data: Uint8Array,
    on: { menu(body: string): void; trigger(on: boolean): void; beep(): void; junk(): void },
  ): void {
    for (const b of data) {
      if (this.state === 'idle') {
        if (b === 0x16) this.state = 'syn';
        else on.junk();
      } else if (this.state === 'syn') {
        this.code = b;
        this.state = 'cr';
      } else if (this.state === 'cr') {
        this.state = 'idle';
        if (b !== 0x0d) on.junk();
        else if (this.code === 0x4d) {
          this.state = 'body';
          this.body = '';
        } else if (this.code === 0x54) on.trigger(true);
        else if (this.code === 0x55) on.trigger(false);
        else if (this.code === 0x07) on.beep();
        else on.junk();
      } else {
        this.body += String.fromCharCode(b);
        if (b === 0x2e || b === 0x21) {
          this.state = 'idle';
          on.menu(this.body);
        } else if (this.body.length > 256) {
          this.state = 'idle';
          on.junk();
        }
      }
    }
  }

  clear(): void {
    this.state = 'idle';
  }
}
