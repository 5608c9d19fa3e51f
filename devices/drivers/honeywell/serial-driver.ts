import type { MonoNs } from '../../types.js';
import { OneShotTimer } from '../common/one-shot-timer.js';
import { TextScans } from '../common/text-scans.js';
import { HoneywellBase } from './base.js';
import { BEEP_BEL, encodeMenuCommand, TRIGGER_OFF, TRIGGER_ON } from './menu.js';
import type { HoneywellOptions } from './options.js';

/**
 * Honeywell over RS-232 / USB serial. Scans arrive as text + the configured suffix; menu replies
 * arrive on the same line. While a command waits for its reply, bytes go to the reply (unless a
 * scan is half-way through, which is finished first); output the reply carried before its echo
 * is given back to the scan framer unless it is the identity command's.
 */
export class HoneywellSerialDriver extends HoneywellBase {
  private readonly scans: TextScans;
  private readonly silence = new OneShotTimer();

  constructor(options: HoneywellOptions = {}) {
    super(options);
    this.scans = new TextScans(
      { ...this.opts, vendor: 'Honeywell', dropHint: " (configure a CR suffix, or onSilence: 'deliver')" },
      { stats: this.stats, io: () => this.io, error: (code, message) => this.error(code, message) },
    );
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    for (let i = 0; i < chunk.length; i++) {
      const menu = this.menu;
      if (menu?.pending && (menu.collecting || this.scans.pending === 0)) {
        i += menu.offer(chunk.subarray(i)) - 1;
        continue;
      }
      this.scans.push(chunk[i]!, atNs);
    }
    this.silence.cancel();
    if (this.scans.pending > 0 && this.io)
      this.silence.start(this.io, this.opts.silenceMs, () => this.scans.silence());
  }

  override async runMenu(body: string) {
    const reply = await super.runMenu(body);
    if (body !== this.opts.identityCommand && reply.output.length > 0) {
      // Not the command's output: a scan that arrived while the command waited.
      for (const b of reply.output) this.scans.push(b, this.io?.now() ?? 0n);
      this.scans.push(this.opts.terminators[0]!, this.io?.now() ?? 0n);
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
    this.silence.cancel();
    return this.scans.reset() > 0;
  }
}
