import { ACK, ENQ, NAK } from './commands.js';

/**
 * Collects a framed reply (`STX SOH 0000 … status ; ETX`) byte by byte, bounded. Returns the
 * frame when `status ; ETX` completes it, `overflow` past the cap, `mismatch` when the first six
 * bytes are not the reply prefix (those bytes are then not a reply).
 */
export type ReplyFramerResult =
  | { readonly type: 'frame'; readonly frame: Uint8Array }
  | { readonly type: 'overflow' | 'mismatch'; readonly bytes: Uint8Array };

const PREFIX = [0x02, 0x01, 0x30, 0x30, 0x30, 0x30];

export class ReplyFramer {
  private readonly buf: Uint8Array;
  private len = 0;

  constructor(maxBytes: number) {
    this.buf = new Uint8Array(maxBytes);
  }

  get active(): boolean {
    return this.len > 0;
  }

  push(byte: number): ReplyFramerResult | undefined {
    if (this.len >= this.buf.length) return { type: 'overflow', bytes: this.take() };
    this.buf[this.len++] = byte;
    if (this.len <= PREFIX.length && byte !== PREFIX[this.len - 1])
      return { type: 'mismatch', bytes: this.take() };
    const n = this.len;
    const status = this.buf[n - 3];
    if (
      n >= 10 &&
      byte === 0x03 &&
      this.buf[n - 2] === 0x3b &&
      (status === ACK || status === NAK || status === ENQ)
    ) {
      return { type: 'frame', frame: this.take() };
    }
    return undefined;
  }

  reset(): number {
    const held = this.len;
    this.len = 0;
    return held;
  }

  private take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }
}
