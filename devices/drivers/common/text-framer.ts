/**
 * Sans-I/O framer for scans sent as text plus a terminator (Honeywell and Newland serial output,
 * Grow modules): a message ends at any terminator byte; empty messages (the LF of CR LF) are
 * dropped. The buffer is fixed at `maxBytes` (checked before growing): a longer message is
 * reported once as an overflow and discarded up to its terminator. Fed byte by byte so a driver
 * can route bytes between scans and command replies.
 */
export interface TextFramerOptions {
  readonly terminators: readonly number[];
  readonly maxBytes: number;
}

export type TextFrame =
  | {
      readonly type: 'message';
      readonly bytes: Uint8Array;
      readonly firstNs: bigint;
      readonly lastNs: bigint;
    }
  | { readonly type: 'overflow'; readonly bytes: number };

export class TextFramer {
  private readonly buf: Uint8Array;
  private readonly terminators: ReadonlySet<number>;
  private len = 0;
  private firstNs = 0n;
  private lastNs = 0n;
  private discarding = 0;

  constructor(options: TextFramerOptions) {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < 1)
      throw new RangeError('maxBytes must be ≥ 1');
    if (options.terminators.length === 0) throw new RangeError('at least one terminator byte is needed');
    this.buf = new Uint8Array(options.maxBytes);
    this.terminators = new Set(options.terminators);
  }

  /** Bytes of an unfinished message (including bytes being discarded after an overflow). */
  get pending(): number {
    return this.len + this.discarding;
  }

  push(byte: number, atNs = 0n): TextFrame | undefined {
    if (this.terminators.has(byte)) {
      if (this.discarding > 0) {
        this.discarding = 0;
        return undefined;
      }
      if (this.len === 0) return undefined;
      const bytes = this.buf.slice(0, this.len);
      this.len = 0;
      return { type: 'message', bytes, firstNs: this.firstNs, lastNs: atNs };
    }
    if (this.discarding > 0) {
      this.discarding++;
      return undefined;
    }
    if (this.len >= this.buf.length) {
      const bytes = this.len + 1;
      this.len = 0;
      this.discarding = 1;
      return { type: 'overflow', bytes };
    }
    if (this.len === 0) this.firstNs = atNs;
    this.lastNs = atNs;
    this.buf[this.len++] = byte;
    return undefined;
  }

  /** Takes the unfinished message (inter-byte time-out); `undefined` when there is none. */
  takePartial(): { bytes: Uint8Array; firstNs: bigint; lastNs: bigint } | undefined {
    const had =
      this.len > 0
        ? { bytes: this.buf.slice(0, this.len), firstNs: this.firstNs, lastNs: this.lastNs }
        : undefined;
    this.len = 0;
    this.discarding = 0;
    return had;
  }

  /** Drops the unfinished message; returns how many bytes it held. */
  reset(): number {
    const held = this.pending;
    this.len = 0;
    this.discarding = 0;
    return held;
  }
}
