import { err, ok, type Result } from '../../../protocol/result.js';

/**
 * Hangzhou Grow GM65/GM8xx-style register protocol (research notes §3.3, [C], CRC recomputed):
 * command `7E 00 TYPE LEN ADDRH ADDRL DATA… CRCH CRCL`, reply `02 00 TYPE LEN DATA… CRCH CRCL`,
 * CRC-16/XMODEM (poly 0x1021, init 0, no reflection) over TYPE..DATA, high byte first. `AB CD` in
 * place of the CRC means "no check" to the device. Scans are not framed: text + terminator.
 */
export const GrowType = { READ: 0x07, WRITE: 0x08, SAVE: 0x09 } as const;
/** Reply type of a successful command. */
export const GROW_REPLY_OK = 0x00;
export const GROW_NO_CRC = Uint8Array.of(0xab, 0xcd);
/** Register 0x0002: write 0x01 to trigger one read [C]. */
export const GROW_REG_TRIGGER = 0x0002;

/** CRC-16/XMODEM. */
export function crc16Xmodem(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export interface GrowCommand {
  readonly type: number;
  readonly address: number;
  readonly data: Uint8Array;
}

/** Encodes a command frame. Throws RangeError for data over 255 bytes or an address over 16 bits. */
export function encodeGrowCommand(cmd: GrowCommand, options: { noCrc?: boolean } = {}): Uint8Array {
  if (cmd.data.length > 0xff) throw new RangeError('Grow command data is at most 255 bytes');
  if (!Number.isInteger(cmd.address) || cmd.address < 0 || cmd.address > 0xffff)
    throw new RangeError('bad address');
  const out = new Uint8Array(8 + cmd.data.length);
  out.set([0x7e, 0x00, cmd.type, cmd.data.length, cmd.address >> 8, cmd.address & 0xff]);
  out.set(cmd.data, 6);
  const crc = crc16Xmodem(out, 2, 6 + cmd.data.length);
  out.set(options.noCrc ? GROW_NO_CRC : [crc >> 8, crc & 0xff], 6 + cmd.data.length);
  return out;
}

export interface GrowReply {
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * Frames a reply byte by byte (the driver feeds it only between scans). `mismatch` means the
 * bytes did not continue a reply header; they go back to the caller.
 */
export type GrowReplyEvent =
  | { readonly type: 'reply'; readonly reply: GrowReply }
  | { readonly type: 'bad-crc'; readonly bytes: number }
  | { readonly type: 'mismatch'; readonly bytes: Uint8Array };

export class GrowReplyFramer {
  private readonly buf = new Uint8Array(4 + 0xff + 2);
  private len = 0;

  get active(): boolean {
    return this.len > 0;
  }

  push(byte: number): GrowReplyEvent | undefined {
    this.buf[this.len++] = byte; // at most 261 bytes: the frame completes at 4 + LEN + 2
    if (this.len === 1 && byte !== 0x02) return { type: 'mismatch', bytes: this.take() };
    if (this.len === 2 && byte !== 0x00) return { type: 'mismatch', bytes: this.take() };
    if (this.len < 4) return undefined;
    const total = 4 + this.buf[3]! + 2;
    if (this.len < total) return undefined;
    const frame = this.take();
    const crc = (frame[total - 2]! << 8) | frame[total - 1]!;
    if (crc16Xmodem(frame, 2, total - 2) !== crc) return { type: 'bad-crc', bytes: total };
    return { type: 'reply', reply: { type: frame[2]!, data: frame.slice(4, total - 2) } };
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

/** Parses one complete reply frame (tests, tools). */
export function decodeGrowReply(
  frame: Uint8Array,
): Result<GrowReply, { type: 'bad-header' | 'bad-length' | 'bad-crc'; message: string }> {
  if (frame[0] !== 0x02 || frame[1] !== 0x00)
    return err({ type: 'bad-header', message: 'reply does not start 02 00' });
  const len = frame[3];
  if (len === undefined || frame.length !== 4 + len + 2)
    return err({ type: 'bad-length', message: 'length byte does not match' });
  const f = new GrowReplyFramer();
  let ev: GrowReplyEvent | undefined;
  for (const b of frame) ev = f.push(b) ?? ev;
  if (ev?.type === 'reply') return ok(ev.reply);
  return err({ type: 'bad-crc', message: 'CRC-16/XMODEM mismatch' });
}
