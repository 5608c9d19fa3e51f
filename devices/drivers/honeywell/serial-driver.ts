import { payloadFields } from '../../text/index.js';
import type { MonoNs } from '../../types.js';
import { HoneywellBase } from './base.js';
import { BEEP_BEL, encodeMenuCommand, TRIGGER_OFF, TRIGGER_ON } from './menu.js';
import type { HoneywellOptions } from './options.js';
import { type TextFrame, TextFramer } from './text-framer.js';

/**
 * Honeywell over RS-232 / USB serial. Scans arrive as text + the configured suffix; menu replies
 * arrive on the same line. While a command waits for its reply, bytes go to the reply (unless a
 * scan is half-way through, which is finished first); output the reply carried before its echo
 * is given back to the scan framer unless it is the identity command's.
 */
export class HoneywellSerialDriver extends HoneywellBase {
  private readonly framer: TextFramer;
  private cancelSilence: (() => void) | undefined;

  constructor(options: HoneywellOptions = {}) {
    super(options);
    this.framer = new TextFramer({ terminators: this.opts.terminators, maxBytes: this.opts.maxMessageBytes });
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    for (let i = 0; i < chunk.length; i++) {
      const menu = this.menu;
      if (menu?.pending && (menu.collecting || this.framer.pending === 0)) {
        i += menu.offer(chunk.subarray(i)) - 1;
        continue;
      }
      this.onFrame(this.framer.push(chunk[i]!, atNs));
    }
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    if (this.framer.pending > 0 && this.io) {
      this.cancelSilence = this.io.setTimer(this.opts.silenceMs, () => this.onSilence());
    }
  }

  override async runMenu(body: string) {
    const reply = await super.runMenu(body);
    if (body !== this.opts.identityCommand && reply.output.length > 0) {
      // Not the command's output: a scan that arrived while the command waited.
      for (const b of reply.output) this.onFrame(this.framer.push(b, this.io?.now() ?? 0n));
      this.onFrame(this.framer.push(this.opts.terminators[0]!, this.io?.now() ?? 0n));
    }
    return reply;
  }

  protected sendMenu(body: string): Promise<void> {
    return this.io!.write(encodeMenuCommand(body));
  }

  protected sendTrigger(on: boolean): Promise<void> {
    return this.io!.write(on ? TRIGGER_ON : TRIGGER_OFF);
  }

  protected sendGoodBeep(): Promise<void> {
    return this.io!.write(BEEP_BEL);
  }

  protected dropPartial(): boolean {
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    return this.framer.reset() > 0;
  }

  private onFrame(f: TextFrame | undefined): void {
    if (!f) return;
    if (f.type === 'overflow') {
      this.stats.partialDropped++;
      this.error(
        'DEVICE_MESSAGE_TOO_LARGE',
        `Honeywell scan over ${this.opts.maxMessageBytes} bytes dropped`,
      );
      return;
    }
    this.deliver(f.bytes, f.firstNs, f.lastNs);
  }

  private onSilence(): void {
    this.cancelSilence = undefined;
    const partial = this.framer.takePartial();
    if (!partial) return;
    if (this.opts.onSilence === 'deliver') {
      this.deliver(partial.bytes, partial.firstNs, partial.lastNs);
      return;
    }
    this.stats.partialDropped++;
    this.error(
      'DEVICE_FRAMING',
      `dropped ${partial.bytes.length} bytes without a terminator (configure a CR suffix, or onSilence: 'deliver')`,
    );
  }

  private deliver(bytes: Uint8Array, firstNs: bigint, lastNs: bigint): void {
    const { valid: _valid, ...fields } = payloadFields(bytes);
    this.stats.scans++;
    this.io?.emitScan({ ...fields, firstByteNs: firstNs, lastByteNs: lastNs });
  }
}
