import { payloadFields } from '../../text/index.js';
import type { DriverIo, DriverStats } from '../../types.js';
import { type TextFrame, TextFramer } from './text-framer.js';

/**
 * The scan side of a text + terminator line (Honeywell serial, Newland, Grow): a `TextFramer`
 * whose messages become scans, whose overflows are dropped and reported, and whose unfinished
 * message is delivered or dropped when the line goes quiet (`silence()`). Counts in `stats`.
 */
export interface TextScansOptions {
  /** Vendor name in messages ("Newland scan over 8192 bytes dropped"). */
  readonly vendor: string;
  readonly terminators: readonly number[];
  readonly maxMessageBytes: number;
  readonly onSilence: 'drop' | 'deliver';
  /** Appended to the "dropped N bytes without a terminator" message. */
  readonly dropHint?: string;
}

export interface TextScansHost {
  readonly stats: DriverStats;
  io(): DriverIo | undefined;
  error(code: 'DEVICE_FRAMING' | 'DEVICE_MESSAGE_TOO_LARGE', message: string): void;
}

export class TextScans {
  private readonly framer: TextFramer;

  constructor(
    private readonly opts: TextScansOptions,
    private readonly host: TextScansHost,
  ) {
    this.framer = new TextFramer({ terminators: opts.terminators, maxBytes: opts.maxMessageBytes });
  }

  /** Bytes of an unfinished scan. */
  get pending(): number {
    return this.framer.pending;
  }

  push(byte: number, atNs: bigint): void {
    this.onFrame(this.framer.push(byte, atNs));
  }

  /** The line went quiet: the unfinished scan is delivered or dropped (`onSilence`). */
  silence(): void {
    const partial = this.framer.takePartial();
    if (!partial) return;
    if (this.opts.onSilence === 'deliver') {
      this.deliver(partial.bytes, partial.firstNs, partial.lastNs);
      return;
    }
    this.host.stats.partialDropped++;
    this.host.error(
      'DEVICE_FRAMING',
      `dropped ${partial.bytes.length} bytes without a terminator${this.opts.dropHint ?? ''}`,
    );
  }

  /** Drops the unfinished scan; returns how many bytes it held. */
  reset(): number {
    return this.framer.reset();
  }

  private onFrame(f: TextFrame | undefined): void {
    if (!f) return;
    if (f.type === 'overflow') {
      this.host.stats.partialDropped++;
      this.host.error(
        'DEVICE_MESSAGE_TOO_LARGE',
        `${this.opts.vendor} scan over ${this.opts.maxMessageBytes} bytes dropped`,
      );
      return;
    }
    this.deliver(f.bytes, f.firstNs, f.lastNs);
  }

  private deliver(bytes: Uint8Array, firstNs: bigint, lastNs: bigint): void {
    const { valid: _valid, ...fields } = payloadFields(bytes);
    this.host.stats.scans++;
    this.host.io()?.emitScan({ ...fields, firstByteNs: firstNs, lastByteNs: lastNs });
  }
}
