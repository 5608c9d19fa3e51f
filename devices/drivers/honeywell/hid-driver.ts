import type { MonoNs } from '../../types.js';
import type { HidPosFlagsOutput } from '../hid-pos/layout.js';
import { commandReport, flagsReport } from '../hid-pos/output.js';
import { HID_POS_PROFILES } from '../hid-pos/profiles.js';
import { HidPosReportDecoder } from '../hid-pos/report-decoder.js';
import { hidPosScan } from '../hid-pos/scan.js';
import { HoneywellBase } from './base.js';
import { HoneywellError } from './errors.js';
import { MENU_PREFIX } from './menu.js';
import type { HoneywellOptions } from './options.js';

/** Output report 0xFD "Serial Data Stream": `[FD][length][up to 62 bytes]` [C]. */
export const TUNNEL_REPORT_ID = 0xfd;
const TUNNEL_REPORT_LENGTH = 64;
const PROFILE = HID_POS_PROFILES.honeywell!;
const TRIGGER = PROFILE.layout.output as HidPosFlagsOutput;

/**
 * Honeywell in HID POS mode (terminal id 131). Scans: input report 0x02 (continued reports
 * joined). Trigger and beeps: output report 0x04 flag bits. Menu commands (REVINF…) are tunnelled
 * in output report 0xFD; their replies come back as input-report messages whose AIM id is one of
 * `replyAims`, which go to the menu session instead of becoming scans.
 */
export class HoneywellHidDriver extends HoneywellBase {
  private readonly decoder: HidPosReportDecoder;
  private readonly replyAims: ReadonlySet<string>;
  private cancelMessage: (() => void) | undefined;

  constructor(options: HoneywellOptions = {}) {
    super({ ...options, transport: 'hid' });
    this.decoder = new HidPosReportDecoder(PROFILE.layout.input, this.opts.maxMessageBytes);
    this.replyAims = new Set(this.opts.replyAims);
  }

  receive(report: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    const ev = this.decoder.push(report, atNs);
    this.cancelMessage?.();
    this.cancelMessage = undefined;
    if (!ev) {
      this.cancelMessage = this.io?.setTimer(this.opts.messageTimeoutMs, () => this.onMessageTimeout());
      return;
    }
    if (ev.type === 'ignored' || ev.type === 'discarded') {
      this.stats.bytesSkipped += report.length;
    } else if (ev.type === 'bad-report') {
      this.stats.badFrames++;
      this.error('DEVICE_FRAMING', `Honeywell HID report refused: ${ev.reason}`);
    } else if (ev.type === 'too-large') {
      this.stats.partialDropped++;
      this.error('DEVICE_MESSAGE_TOO_LARGE', `Honeywell HID message of ${ev.bytes} bytes dropped`);
    } else {
      const aim = ev.aim ? Buffer.from(ev.aim).toString('latin1') : '';
      if (this.menu?.pending && this.replyAims.has(aim)) {
        this.menu.offer(ev.data);
        return;
      }
      this.stats.scans++;
      this.io?.emitScan(hidPosScan(ev, PROFILE));
    }
  }

  protected sendMenu(body: string): Promise<void> {
    const command = Uint8Array.from([...MENU_PREFIX, ...Buffer.from(body, 'latin1')]);
    if (command.length > TUNNEL_REPORT_LENGTH - 2) {
      return Promise.reject(
        new HoneywellError('DEVICE_BAD_OPTIONS', `menu command too long for the HID tunnel: ${body}`),
      );
    }
    return this.io!.write(
      commandReport({ reportId: TUNNEL_REPORT_ID, length: TUNNEL_REPORT_LENGTH }, command),
    );
  }

  protected sendTrigger(on: boolean): Promise<void> {
    return this.io!.write(flagsReport(TRIGGER, on ? TRIGGER.initiate! : TRIGGER.prevent!));
  }

  protected sendGoodBeep(): Promise<void> {
    return this.io!.write(flagsReport(TRIGGER, TRIGGER.goodBeep!));
  }

  override async beep(kind: 'good' | 'bad'): Promise<void> {
    this.ready();
    return this.io!.write(flagsReport(TRIGGER, kind === 'good' ? TRIGGER.goodBeep! : TRIGGER.errorBeep!));
  }

  protected dropPartial(): boolean {
    this.cancelMessage?.();
    this.cancelMessage = undefined;
    return this.decoder.reset();
  }

  private onMessageTimeout(): void {
    this.cancelMessage = undefined;
    if (this.decoder.reset()) {
      this.stats.partialDropped++;
      this.error('DEVICE_FRAMING', 'Honeywell HID message stopped before its last report');
    }
  }
}
