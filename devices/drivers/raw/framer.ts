/**
 * Raw-text framing, sans I/O: splits a scanner's byte stream into payloads at a terminator (CR,
 * LF, CRLF or a configured sequence), however the stream was chunked. Bounded: the buffer's cap is
 * checked before every byte is stored; a payload that outgrows it is dropped up to its terminator
 * and reported once, with the number of bytes dropped. Timers (inter-byte timeout) belong to the
 * driver, which calls `flush()` when the line goes quiet.
 *
 * A CR or LF terminator is safe for UTF-8 and GBK text: neither encoding uses 0x0D or 0x0A inside
 * a multi-byte character.
 */
import type { MonoNs } from '../../types.js';

/**
 * `eol`: CR, LF or CRLF each end a payload (empty payloads are skipped);
 * `cr`, `lf`: only that byte; `crlf`: only the pair; a `Uint8Array`: that exact sequence (1–8
 * bytes); `none`: no terminator (framing by inter-byte timeout only).
 */
export type Terminator = 'eol' | 'cr' | 'lf' | 'crlf' | 'none' | Uint8Array;

export interface RawFramerOptions {
  /** Defaults to `eol`. */
  readonly terminator?: Terminator;
  /** Largest payload kept, in bytes (terminator excluded). Defaults to 8192; at most 1 MiB. */
  readonly maxFrameBytes?: number;
}

export interface RawFrame {
  readonly bytes: Uint8Array;
  /** When the chunk carrying the payload's first byte arrived. */
  readonly firstNs: MonoNs;
  /** When the chunk carrying its last byte (terminator included) arrived. */
  readonly lastNs: MonoNs;
}

export type FramerEvent =
  | { readonly type: 'frame'; readonly frame: RawFrame }
  /** A payload longer than `maxFrameBytes` was dropped (`bytes` counts everything dropped). */
  | { readonly type: 'overflow'; readonly bytes: number };

export const DEFAULT_MAX_FRAME_BYTES = 8192;
const MAX_MAX_FRAME_BYTES = 1 << 20;

function terminatorBytes(t: Terminator): { single?: ReadonlySet<number>; sequence?: Uint8Array } {
  if (t === 'eol') return { single: new Set([0x0d, 0x0a]) };
  if (t === 'cr') return { single: new Set([0x0d]) };
  if (t === 'lf') return { single: new Set([0x0a]) };
  if (t === 'crlf') return { sequence: Uint8Array.of(0x0d, 0x0a) };
  if (t === 'none') return {};
  if (!(t instanceof Uint8Array) || t.length < 1 || t.length > 8) {
    throw new TypeError('"terminator" must be eol, cr, lf, crlf, none or 1–8 bytes');
  }
  return t.length === 1 ? { single: new Set([t[0]!]) } : { sequence: Uint8Array.from(t) };
}

export class RawTextFramer {
  readonly maxFrameBytes: number;
  readonly #single: ReadonlySet<number> | undefined;
  readonly #sequence: Uint8Array | undefined;
  /** Bytes the buffer may hold: the payload cap plus a not-yet-complete terminator sequence. */
  readonly #capacity: number;
  #buf = new Uint8Array(64);
  #len = 0;
  #firstNs: MonoNs = 0n;
  #lastNs: MonoNs = 0n;
  /** Bytes dropped from the current oversized payload (0 = not overflowing). */
  #overflow = 0;
  /** The last bytes seen while dropping (multi-byte terminators only). */
  #tail: number[] = [];

  constructor(options: RawFramerOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > MAX_MAX_FRAME_BYTES) {
      throw new TypeError(`"maxFrameBytes" must be an integer from 1 to ${MAX_MAX_FRAME_BYTES}`);
    }
    const t = terminatorBytes(options.terminator ?? 'eol');
    this.maxFrameBytes = max;
    this.#single = t.single;
    this.#sequence = t.sequence;
    this.#capacity = max + (t.sequence ? t.sequence.length : 0);
  }

  /** Bytes of an unfinished payload currently held (or being dropped). */
  get pendingBytes(): number {
    return this.#len + this.#overflow;
  }

  push(chunk: Uint8Array, atNs: MonoNs): FramerEvent[] {
    const out: FramerEvent[] = [];
    const single = this.#single;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (single?.has(b)) {
        this.#lastNs = atNs;
        this.#end(out, 0);
        continue;
      }
      this.#append(b, atNs);
      const seq = this.#sequence;
      if (seq && b === seq[seq.length - 1] && this.#endsWithSequence(seq)) this.#end(out, seq.length);
    }
    return out;
  }

  /** The line went quiet: whatever is held is a complete payload (or the end of an oversized one). */
  flush(): FramerEvent[] {
    const out: FramerEvent[] = [];
    if (this.pendingBytes > 0) this.#end(out, 0);
    return out;
  }

  /** Drops an unfinished payload (the device went away); returns how many bytes were dropped. */
  discard(): number {
    const n = this.pendingBytes;
    this.#len = 0;
    this.#overflow = 0;
    return n;
  }

  #append(b: number, atNs: MonoNs): void {
    if (this.#overflow > 0) {
      this.#overflow++;
      this.#trackSequenceTail(b);
      return;
    }
    if (this.#len >= this.#capacity) {
      // Cap reached before storing this byte: drop the payload and keep dropping to its end.
      const seq = this.#sequence;
      if (seq) this.#tail = Array.from(this.#buf.subarray(this.#len - (seq.length - 1), this.#len));
      this.#overflow = this.#len + 1;
      this.#len = 0;
      this.#trackSequenceTail(b);
      return;
    }
    if (this.#len === this.#buf.length) {
      const grown = new Uint8Array(Math.min(this.#capacity, this.#buf.length * 2));
      grown.set(this.#buf);
      this.#buf = grown;
    }
    if (this.#len === 0) this.#firstNs = atNs;
    this.#buf[this.#len++] = b;
    this.#lastNs = atNs;
  }

  /** While dropping, keep only the last bytes needed to spot a multi-byte terminator. */
  #trackSequenceTail(b: number): void {
    const seq = this.#sequence;
    if (!seq) return;
    this.#tail.push(b);
    if (this.#tail.length > seq.length) this.#tail.shift();
  }

  #endsWithSequence(seq: Uint8Array): boolean {
    if (this.#overflow > 0) {
      if (this.#tail.length < seq.length) return false;
      return seq.every((s, k) => this.#tail[k] === s);
    }
    if (this.#len < seq.length) return false;
    const from = this.#len - seq.length;
    for (let k = 0; k < seq.length; k++) if (this.#buf[from + k] !== seq[k]) return false;
    return true;
  }

  #end(out: FramerEvent[], terminatorLength: number): void {
    this.#tail = [];
    if (this.#overflow > 0) {
      out.push({ type: 'overflow', bytes: this.#overflow - terminatorLength });
      this.#overflow = 0;
      this.#len = 0;
      return;
    }
    const n = this.#len - terminatorLength;
    this.#len = 0;
    if (n <= 0) return;
    if (n > this.maxFrameBytes) {
      out.push({ type: 'overflow', bytes: n });
      return;
    }
    out.push({
      type: 'frame',
      frame: { bytes: this.#buf.slice(0, n), firstNs: this.#firstNs, lastNs: this.#lastNs },
    });
  }
}
