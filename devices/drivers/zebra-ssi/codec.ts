import { SSI_HEADER_BYTES, SSI_MAX_DATA, SSI_MAX_PACKET } from './constants.js';
import { SsiError } from './errors.js';

/**
 * Sans-I/O SSI packet codec: checksum, encoder, and a resynchronising decoder.
 *
 * SSI has no start marker, so the decoder only accepts a candidate whose LEN ≥ 4 and whose SRC
 * byte is the expected source (0x00 for packets from a decoder). Raw decode text (the factory
 * mode) never contains a 0x00 byte, so it is skipped byte by byte instead of being mistaken for a
 * length. A complete candidate with a bad checksum is reported and skipped by one byte. Decisions
 * depend only on the bytes, never on how they were chunked. The buffer holds at most one packet
 * (257 bytes); it cannot grow beyond that.
 */
export interface SsiPacket {
  readonly opcode: number;
  readonly source: number;
  readonly status: number;
  readonly data: Uint8Array;
}

/** Two's complement of the 16-bit byte sum of `bytes[start..end)`. */
export function ssiChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i]!;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

/** Encodes one packet. Throws `DEVICE_BAD_OPTIONS` for data longer than one packet can carry. */
export function encodeSsiPacket(packet: SsiPacket): Uint8Array {
  if (packet.data.length > SSI_MAX_DATA) {
    throw new SsiError(
      'DEVICE_BAD_OPTIONS',
      `SSI packet data is ${packet.data.length} bytes, max ${SSI_MAX_DATA}`,
    );
  }
  const len = SSI_HEADER_BYTES + packet.data.length;
  const out = new Uint8Array(len + 2);
  out[0] = len;
  out[1] = packet.opcode & 0xff;
  out[2] = packet.source & 0xff;
  out[3] = packet.status & 0xff;
  out.set(packet.data, SSI_HEADER_BYTES);
  const ck = ssiChecksum(out, 0, len);
  out[len] = ck >> 8;
  out[len + 1] = ck & 0xff;
  return out;
}

export type SsiDecodeEvent =
  | {
      readonly type: 'packet';
      readonly packet: SsiPacket;
      readonly firstNs: bigint;
      readonly lastNs: bigint;
    }
  /** Bytes that did not start a valid packet, coalesced per run. */
  | { readonly type: 'skipped'; readonly count: number }
  /** A complete candidate whose checksum failed (its header, for deciding whether to NAK). */
  | { readonly type: 'bad-checksum'; readonly opcode: number; readonly status: number };

export class SsiDecoder {
  private readonly buf = new Uint8Array(SSI_MAX_PACKET);
  private readonly times: bigint[] = new Array<bigint>(SSI_MAX_PACKET).fill(0n);
  private len = 0;
  private skipRun = 0;

  /** @param expectSource the SRC byte of packets this side receives (0x00 host side, 0x04 device side). */
  constructor(private readonly expectSource: number) {}

  /** Bytes held as an incomplete packet. */
  get pending(): number {
    return this.len;
  }

  push(chunk: Uint8Array, atNs = 0n): SsiDecodeEvent[] {
    const events: SsiDecodeEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      // Cap checked before growing: drain() never leaves a complete packet in the buffer.
      if (this.len >= SSI_MAX_PACKET) throw new SsiError('DEVICE_FRAMING', 'SSI decoder buffer overrun');
      this.buf[this.len] = chunk[i]!;
      this.times[this.len] = atNs;
      this.len++;
      this.drain(events);
    }
    this.endSkipRun(events);
    return events;
  }

  /**
   * No more bytes are coming for the held partial packet (inter-byte time-out): drop bytes from the
   * head until whatever is left frames cleanly. Returns the events found and how many bytes went.
   */
  flush(): { events: SsiDecodeEvent[]; dropped: number } {
    const events: SsiDecodeEvent[] = [];
    let dropped = 0;
    while (this.len > 0) {
      this.shift(1);
      dropped++;
      this.drain(events);
    }
    this.endSkipRun(events);
    return { events, dropped };
  }

  /** Transport gone: drops the partial packet; returns how many bytes were held. */
  reset(): number {
    const held = this.len;
    this.len = 0;
    this.skipRun = 0;
    return held;
  }

  private drain(events: SsiDecodeEvent[]): void {
    while (this.len > 0) {
      const length = this.buf[0]!;
      if (length < SSI_HEADER_BYTES) {
        this.skip();
        continue;
      }
      if (this.len < 3) return;
      if (this.buf[2] !== this.expectSource) {
        this.skip();
        continue;
      }
      const total = length + 2;
      if (this.len < total) return;
      const ck = (this.buf[length]! << 8) | this.buf[length + 1]!;
      if (ssiChecksum(this.buf, 0, length) !== ck) {
        this.endSkipRun(events);
        events.push({ type: 'bad-checksum', opcode: this.buf[1]!, status: this.buf[3]! });
        this.skip();
        continue;
      }
      this.endSkipRun(events);
      events.push({
        type: 'packet',
        packet: {
          opcode: this.buf[1]!,
          source: this.buf[2]!,
          status: this.buf[3]!,
          data: this.buf.slice(SSI_HEADER_BYTES, length),
        },
        firstNs: this.times[0]!,
        lastNs: this.times[total - 1]!,
      });
      this.shift(total);
    }
  }

  private skip(): void {
    this.skipRun++;
    this.shift(1);
  }

  private endSkipRun(events: SsiDecodeEvent[]): void {
    if (this.skipRun > 0) events.push({ type: 'skipped', count: this.skipRun });
    this.skipRun = 0;
  }

  private shift(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    for (let i = n; i < this.len; i++) this.times[i - n] = this.times[i]!;
    this.len -= n;
  }
}
