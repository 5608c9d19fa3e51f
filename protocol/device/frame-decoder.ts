import { err, ok, type Result } from '../result.js';
import { crc8, crc32 } from './crc.js';
import { DeviceProtocolError, type FrameDecodeError } from './errors.js';
import {
  FRAME_DEFAULT_MAX_PAYLOAD,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  FRAME_TRAILER_BYTES,
  FRAME_VERSION,
  readU32,
  validateMaxPayload,
} from './frame.js';

export interface FrameDecoderOptions {
  /** Largest payload accepted; a header announcing more is rejected before anything is buffered. */
  readonly maxPayloadBytes?: number;
}

/**
 * One decoded frame. `mark` is the caller's mark (e.g. arrival time) of the chunk in which the
 * frame's first byte arrived — or of an earlier chunk, when the frame began right behind a
 * rejected frame start that was held across chunks.
 */
export interface DecodedFrame<M> {
  /** The payload, a copy the caller owns. */
  readonly payload: Uint8Array;
  readonly mark: M;
}

export type FrameResult<M> = Result<DecodedFrame<M>, FrameDecodeError>;

export interface FrameDecoderStats {
  /** Frames delivered with a good CRC. */
  frames: number;
  /** Bytes that were not part of a delivered frame (garbage, rejected headers, dropped partials). */
  bytesSkipped: number;
  /** Headers whose frame failed the CRC-32. */
  badFrames: number;
  /** Headers announcing more than the maximum payload. */
  oversize: number;
  /** Headers with a version this decoder does not speak. */
  badVersion: number;
  /** Incomplete frames dropped by `reset()` or `end()`. */
  partialDropped: number;
}

/**
 * Streaming, sans-I/O frame decoder. Feed it chunks as they arrive, split anywhere; it returns the
 * frames (and rejected frames, as values) completed by each chunk.
 *
 * - Resynchronises after garbage: it searches for the start marker, checks the header's CRC-8,
 *   the version and the length, and after a bad frame restarts the search one byte after the
 *   rejected start marker, so a valid frame hidden inside a rejected one is still found.
 * - Bounded: it never holds more than one maximum frame (header + max payload + CRC). Whole frames
 *   inside a chunk are decoded in place; only an incomplete frame at the end of a chunk is copied.
 * - Never throws on input bytes; `push` throws `DEVICE_PROTO_BAD_INPUT` only when handed a
 *   non-`Uint8Array`.
 */
export class FrameDecoder<M = undefined> {
  readonly maxPayloadBytes: number;
  readonly stats: FrameDecoderStats = {
    frames: 0,
    bytesSkipped: 0,
    badFrames: 0,
    oversize: 0,
    badVersion: 0,
    partialDropped: 0,
  };
  private readonly pending: Uint8Array;
  private pendingLen = 0;
  private pendingMark: M | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxPayloadBytes = validateMaxPayload(options.maxPayloadBytes ?? FRAME_DEFAULT_MAX_PAYLOAD);
    this.pending = new Uint8Array(FRAME_HEADER_BYTES + this.maxPayloadBytes + FRAME_TRAILER_BYTES);
  }

  /** Bytes held for an incomplete frame (never more than one maximum frame). */
  get buffered(): number {
    return this.pendingLen;
  }

  /** The capacity of the internal buffer: one maximum frame. */
  get capacity(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array, mark?: M): FrameResult<M>[] {
    if (!(chunk instanceof Uint8Array)) {
      throw new DeviceProtocolError('DEVICE_PROTO_BAD_INPUT', 'FrameDecoder.push expects a Uint8Array');
    }
    const out: FrameResult<M>[] = [];
    const m = mark as M;
    let off = 0;
    // Bytes of `pending` that arrived before this chunk (they carry `pendingMark`).
    let early = this.pendingLen;
    // Complete the frame held from earlier chunks, copying only the bytes it still needs.
    while (this.pendingLen > 0 && off < chunk.length) {
      const need = this.pendingNeed();
      const n = Math.min(need - this.pendingLen, chunk.length - off);
      this.pending.set(chunk.subarray(off, off + n), this.pendingLen);
      this.pendingLen += n;
      off += n;
      if (this.pendingLen < need) break;
      const consumed = this.scan(this.pending, 0, this.pendingLen, this.pendingMark as M, early, m, out);
      if (consumed >= early) {
        this.pendingMark = m;
        early = 0;
      } else {
        early -= consumed;
      }
      this.keepPending(consumed);
    }
    if (off < chunk.length) {
      const consumed = this.scan(chunk, off, chunk.length, m, 0, m, out);
      if (consumed < chunk.length) {
        this.pending.set(chunk.subarray(consumed), 0);
        this.pendingLen = chunk.length - consumed;
        this.pendingMark = m;
      }
    }
    return out;
  }

  /**
   * End of stream: the held bytes can no longer complete a frame. Frames hidden behind a false or
   * truncated header are recovered; the rest is dropped and counted.
   */
  end(): FrameResult<M>[] {
    const out: FrameResult<M>[] = [];
    while (this.pendingLen > 0) {
      this.stats.partialDropped++;
      this.stats.bytesSkipped++;
      const mark = this.pendingMark as M;
      const consumed = this.scan(this.pending, 1, this.pendingLen, mark, this.pendingLen, mark, out);
      this.keepPending(consumed);
    }
    return out;
  }

  /** Drops any incomplete frame (e.g. the link went down). Returns the number of bytes dropped. */
  reset(): number {
    const dropped = this.pendingLen;
    if (dropped > 0) {
      this.stats.partialDropped++;
      this.stats.bytesSkipped += dropped;
    }
    this.pendingLen = 0;
    this.pendingMark = undefined;
    return dropped;
  }

  /** Total bytes the held frame start needs before a decision can be made. */
  private pendingNeed(): number {
    if (this.pendingLen < FRAME_HEADER_BYTES) return FRAME_HEADER_BYTES;
    const len = (this.pending[3]! << 8) | this.pending[4]!;
    return FRAME_HEADER_BYTES + len + FRAME_TRAILER_BYTES;
  }

  private keepPending(consumed: number): void {
    const rest = this.pendingLen - consumed;
    if (rest > 0 && consumed > 0) this.pending.copyWithin(0, consumed, this.pendingLen);
    this.pendingLen = rest;
  }

  /**
   * Decodes every complete frame in `buf[start, end)`. Frames starting before `split` get
   * `earlyMark`, the others `lateMark`. Returns the index where the unconsumed tail starts: a
   * partial header, or a valid header whose frame is not complete yet.
   */
  private scan(
    buf: Uint8Array,
    start: number,
    end: number,
    earlyMark: M,
    split: number,
    lateMark: M,
    out: FrameResult<M>[],
  ): number {
    const stats = this.stats;
    let i = start;
    while (i < end) {
      let j = buf.indexOf(FRAME_MAGIC_0, i);
      if (j < 0 || j >= end) j = end;
      stats.bytesSkipped += j - i;
      i = j;
      if (j === end) break;
      const avail = end - j;
      if (avail < FRAME_HEADER_BYTES) {
        if (avail >= 2 && buf[j + 1] !== FRAME_MAGIC_1) {
          stats.bytesSkipped++;
          i = j + 1;
          continue;
        }
        return j;
      }
      if (buf[j + 1] !== FRAME_MAGIC_1 || crc8(buf, j, j + 5) !== buf[j + 5]) {
        stats.bytesSkipped++;
        i = j + 1;
        continue;
      }
      const version = buf[j + 2]!;
      const len = (buf[j + 3]! << 8) | buf[j + 4]!;
      if (version !== FRAME_VERSION) {
        stats.badVersion++;
        stats.bytesSkipped++;
        out.push(err({ type: 'unsupported-version', message: `frame version ${version} is not supported` }));
        i = j + 1;
        continue;
      }
      if (len > this.maxPayloadBytes) {
        stats.oversize++;
        stats.bytesSkipped++;
        out.push(
          err({
            type: 'too-large',
            message: `frame announces ${len} payload bytes, the maximum is ${this.maxPayloadBytes}`,
          }),
        );
        i = j + 1;
        continue;
      }
      const crcAt = j + FRAME_HEADER_BYTES + len;
      if (avail < FRAME_HEADER_BYTES + len + FRAME_TRAILER_BYTES) return j;
      if (crc32(buf, j, crcAt) !== readU32(buf, crcAt)) {
        stats.badFrames++;
        stats.bytesSkipped++;
        out.push(err({ type: 'bad-crc', message: `frame of ${len} payload bytes failed its CRC-32` }));
        i = j + 1;
        continue;
      }
      stats.frames++;
      out.push(
        ok({ payload: buf.slice(j + FRAME_HEADER_BYTES, crcAt), mark: j < split ? earlyMark : lateMark }),
      );
      i = crcAt + FRAME_TRAILER_BYTES;
    }
    return end;
  }
}
