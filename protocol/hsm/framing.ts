import { HsmProtocolError } from './errors.js';

/**
 * Racal-style framing: `u16 BE length` of the body, then the body = 4-byte header (the request
 * id, echoed back unchanged), 2-character command, then fields (replies: 2-digit error code
 * first). No start marker: a stream is only in sync because every length is honoured.
 */
export const LENGTH_BYTES = 2;
export const HEADER_BYTES = 4;
export const COMMAND_BYTES = 2;
export const ERROR_CODE_BYTES = 2;
/** Smallest body: header + command. */
export const MIN_FRAME_LENGTH = HEADER_BYTES + COMMAND_BYTES;
/** Default largest body accepted (the length field allows up to 65535). */
export const DEFAULT_MAX_FRAME_LENGTH = 8192;
export const ABSOLUTE_MAX_FRAME_LENGTH = 0xffff;

export interface FrameDecoderOptions {
  /** Largest body accepted, checked on the length prefix before any byte is buffered. */
  readonly maxFrameLength?: number;
  /**
   * What a length outside [6, maxFrameLength] does:
   * - `close` (default): `push` throws `HSM_FRAME_TOO_LARGE`/`HSM_FRAME_TOO_SHORT` and the decoder
   *   stays failed (`HSM_DECODER_CLOSED` afterwards); the caller closes the connection.
   * - `resync`: skip one byte at a time until a plausible frame start (length in range and a
   *   command of two `[0-9A-Z]` characters) and carry on; `skippedBytes` counts what was dropped.
   */
  readonly onGarbage?: 'close' | 'resync';
}

const isCommandChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);

/**
 * Sans-I/O streaming frame decoder. `push(chunk, onFrame)` calls `onFrame(body)` for every
 * complete frame, in order, whatever the chunking. Bodies are stable buffers (sub-arrays of the
 * chunk, or fresh copies when a frame spans chunks). The internal buffer never exceeds
 * `maxBufferedBytes` (one maximum frame with its length prefix).
 */
export class FrameDecoder {
  readonly maxFrameLength: number;
  readonly maxBufferedBytes: number;
  private readonly resync: boolean;
  /** Bytes needed to judge a frame start: the length, plus the command when resyncing. */
  private readonly headNeed: number;
  private pending: Buffer | undefined;
  private pendingLen = 0;
  private failed: HsmProtocolError | undefined;
  private skipped = 0;

  constructor(opts: FrameDecoderOptions = {}) {
    const max = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(max) || max < MIN_FRAME_LENGTH || max > ABSOLUTE_MAX_FRAME_LENGTH) {
      throw new HsmProtocolError('HSM_BAD_OPTION', `maxFrameLength must be an integer in 6..65535`);
    }
    const mode = opts.onGarbage ?? 'close';
    if (mode !== 'close' && mode !== 'resync') {
      throw new HsmProtocolError('HSM_BAD_OPTION', `onGarbage must be 'close' or 'resync'`);
    }
    this.maxFrameLength = max;
    this.maxBufferedBytes = LENGTH_BYTES + max;
    this.resync = mode === 'resync';
    this.headNeed = this.resync ? LENGTH_BYTES + HEADER_BYTES + COMMAND_BYTES : LENGTH_BYTES;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.pendingLen;
  }

  /** Bytes dropped while resynchronising. */
  get skippedBytes(): number {
    return this.skipped;
  }

  get closed(): boolean {
    return this.failed !== undefined;
  }

  /** Drops any partial frame and clears a failure (for a new connection). */
  reset(): void {
    this.pendingLen = 0;
    this.failed = undefined;
  }

  push(chunk: Uint8Array, onFrame: (body: Buffer) => void): void {
    if (this.failed) {
      throw new HsmProtocolError('HSM_DECODER_CLOSED', 'frame decoder failed earlier', {
        cause: this.failed,
      });
    }
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    const end = buf.length;
    while (off < end) {
      if (this.pendingLen === 0) {
        const rem = end - off;
        if (rem < this.headNeed) {
          this.stash(buf, off, rem);
          return;
        }
        const len = buf.readUInt16BE(off);
        if (!this.plausible(buf, off, len)) {
          off++;
          continue;
        }
        const total = LENGTH_BYTES + len;
        if (rem < total) {
          this.stash(buf, off, rem);
          return;
        }
        onFrame(buf.subarray(off + LENGTH_BYTES, off + total));
        off += total;
        continue;
      }
      // A frame is partly buffered: fill the head first, then the rest of the frame.
      const pending = this.pending!;
      if (this.pendingLen < this.headNeed) {
        const take = Math.min(this.headNeed - this.pendingLen, end - off);
        buf.copy(pending, this.pendingLen, off, off + take);
        this.pendingLen += take;
        off += take;
        if (this.pendingLen < this.headNeed) return;
      }
      const len = pending.readUInt16BE(0);
      if (!this.plausible(pending, 0, len)) {
        // Resync: drop one byte; the loop refills the head and judges again.
        pending.copyWithin(0, 1, this.pendingLen);
        this.pendingLen--;
        continue;
      }
      const total = LENGTH_BYTES + len;
      const take = Math.min(total - this.pendingLen, end - off);
      buf.copy(pending, this.pendingLen, off, off + take);
      this.pendingLen += take;
      off += take;
      if (this.pendingLen === total) {
        this.pendingLen = 0;
        onFrame(Buffer.from(pending.subarray(LENGTH_BYTES, total)));
      }
    }
  }

  private stash(buf: Buffer, off: number, n: number): void {
    if (!this.pending) this.pending = Buffer.allocUnsafe(this.maxBufferedBytes);
    buf.copy(this.pending, 0, off, off + n);
    this.pendingLen = n;
  }

  /** In close mode a bad length throws; in resync mode it returns false (skip one byte). */
  private plausible(buf: Buffer, off: number, len: number): boolean {
    if (len >= MIN_FRAME_LENGTH && len <= this.maxFrameLength) {
      if (!this.resync) return true;
      const c = off + LENGTH_BYTES + HEADER_BYTES;
      if (isCommandChar(buf[c]!) && isCommandChar(buf[c + 1]!)) return true;
    }
    if (!this.resync) {
      this.pendingLen = 0;
      this.failed =
        len < MIN_FRAME_LENGTH
          ? new HsmProtocolError('HSM_FRAME_TOO_SHORT', `frame length ${len} is below ${MIN_FRAME_LENGTH}`)
          : new HsmProtocolError(
              'HSM_FRAME_TOO_LARGE',
              `frame length ${len} exceeds the maximum ${this.maxFrameLength}`,
            );
      throw this.failed;
    }
    this.skipped++;
    return false;
  }
}
