/**
 * Device-side SSI wire format, written independently of the host driver's codec so that the two
 * check each other in end-to-end tests. Packets from the host carry SRC 0x04; ours carry 0x00.
 */
export const HOST = 0x04;
export const DECODER = 0x00;
export const RETRANSMIT = 0x01;
export const CONTINUATION = 0x02;
export const PERMANENT = 0x08;

export const Op = {
  REQUEST_REVISION: 0xa3,
  REPLY_REVISION: 0xa4,
  PARAM_SEND: 0xc6,
  PARAM_REQUEST: 0xc7,
  PARAM_DEFAULTS: 0xc8,
  CMD_ACK: 0xd0,
  CMD_NAK: 0xd1,
  START_SESSION: 0xe4,
  STOP_SESSION: 0xe5,
  BEEP: 0xe6,
  LED_ON: 0xe7,
  LED_OFF: 0xe8,
  SCAN_ENABLE: 0xe9,
  SCAN_DISABLE: 0xea,
  DECODE_DATA: 0xf3,
} as const;

export const NAK_RESEND = 0x01;
export const NAK_BAD_CONTEXT = 0x02;

export interface WirePacket {
  opcode: number;
  status: number;
  data: number[];
}

/** Builds `LEN OPCODE 00 STATUS DATA… CKH CKL` (checksum = 0x10000 − byte sum). */
export function devicePacket(opcode: number, status: number, data: ArrayLike<number>): Uint8Array {
  const len = 4 + data.length;
  const bytes = [len, opcode, DECODER, status, ...Array.from(data)];
  const sum = bytes.reduce((a, b) => a + b, 0);
  const ck = (0x10000 - (sum % 0x10000)) % 0x10000;
  return Uint8Array.from([...bytes, ck >> 8, ck & 0xff]);
}

/**
 * Frames what the host wrote: a bare 0x00 outside a packet is WAKEUP; a complete candidate with a
 * bad checksum is reported (the device answers NAK RESEND) and skipped by one byte.
 */
export class HostFramer {
  private buf: number[] = [];

  push(
    data: Uint8Array,
    on: { packet(p: WirePacket): void; badChecksum(): void; wakeup(): void; skipped(): void },
  ): void {
    for (const b of data) {
      if (this.buf.length === 0 && b === 0x00) {
        on.wakeup();
        continue;
      }
      this.buf.push(b);
      this.drain(on);
    }
  }

  clear(): void {
    this.buf = [];
  }

  private drain(on: { packet(p: WirePacket): void; badChecksum(): void; skipped(): void }): void {
    for (;;) {
      const len = this.buf[0];
      if (len === undefined) return;
      if (len < 4 || (this.buf.length >= 3 && this.buf[2] !== HOST)) {
        this.buf.shift();
        on.skipped();
        continue;
      }
      if (this.buf.length < len + 2) return;
      const sum = this.buf.slice(0, len).reduce((a, b) => a + b, 0);
      const ck = ((this.buf[len] ?? 0) << 8) | (this.buf[len + 1] ?? 0);
      if ((sum + ck) % 0x10000 !== 0) {
        this.buf.shift();
        on.badChecksum();
        continue;
      }
      const packet = { opcode: this.buf[1] ?? 0, status: this.buf[3] ?? 0, data: this.buf.slice(4, len) };
      this.buf = this.buf.slice(len + 2);
      on.packet(packet);
    }
  }
}
