import type {
  BeepKind,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverCapabilities,
  DriverIo,
  DriverStats,
  LedKind,
  MonoNs,
} from '../../types.js';
import { disconnectedError } from '../common/command-slot.js';
import { zeroDriverStats } from '../common/stats.js';
import { parseReportDescriptor } from './descriptor.js';
import { HidPosError } from './errors.js';
import { layoutFromDescriptor } from './from-descriptor.js';
import type { HidPosLayout } from './layout.js';
import { commandReport, flagsReport } from './output.js';
import { HID_POS_PROFILES, type HidPosProfile, profileForVid } from './profiles.js';
import { HidPosReportDecoder } from './report-decoder.js';
import { hidPosScan } from './scan.js';

/**
 * Options of the generic HID POS driver. The layout comes from the report descriptor when one is
 * given (Linux: `readHidrawReportDescriptor`), else from a vendor profile (by name or USB vid).
 */
export interface HidPosOptions {
  readonly reportDescriptor?: Uint8Array;
  readonly profile?: string | HidPosProfile;
  readonly vid?: number;
  /** What `start()` reports: HID POS has no identity query; the transport knows these. */
  readonly info?: Partial<DeviceInfo>;
  /** Cap on one reassembled message, bytes. Default 8192. */
  readonly maxMessageBytes?: number;
  /** A continued message whose next report does not come within this is dropped, ms. Default 1000. */
  readonly messageTimeoutMs?: number;
}

/**
 * Generic HID POS (usage page 0x8C) driver. Each chunk is one input report, id first; other
 * report ids are skipped and counted. Trigger and beep go out through the trigger report's flag
 * bits (or a vendor command report); LED and enable/disable have no HID POS usage.
 */
export class HidPosDriver implements Driver {
  readonly name = 'hid-pos' as const;
  readonly stats: DriverStats = zeroDriverStats();
  private readonly profile: HidPosProfile | undefined;
  private layout: HidPosLayout | undefined;
  private decoder: HidPosReportDecoder | undefined;
  private io: DriverIo | undefined;
  private cancelMessage: (() => void) | undefined;
  private gone: HidPosError | undefined;
  private readonly maxMessageBytes: number;
  private readonly messageTimeoutMs: number;

  constructor(private readonly options: HidPosOptions = {}) {
    const p = options.profile;
    this.profile = typeof p === 'string' ? HID_POS_PROFILES[p] : (p ?? profileForVid(options.vid));
    if (typeof p === 'string' && !this.profile) {
      throw new HidPosError('DEVICE_BAD_OPTIONS', `unknown HID POS profile "${p}"`);
    }
    this.maxMessageBytes = options.maxMessageBytes ?? 8192;
    this.messageTimeoutMs = options.messageTimeoutMs ?? 1000;
    if (!(this.maxMessageBytes > 0) || !(this.messageTimeoutMs > 0)) {
      throw new HidPosError('DEVICE_BAD_OPTIONS', 'maxMessageBytes and messageTimeoutMs must be > 0');
    }
    this.layout = this.profile?.layout;
  }

  get capabilities(): DriverCapabilities {
    const out = this.layout?.output;
    const trigger = out?.type === 'flags' ? out.initiate !== undefined : out?.triggerOn !== undefined;
    const beep = out?.type === 'flags' && (out.goodBeep !== undefined || out.errorBeep !== undefined);
    return { trigger, beep, led: false, identity: false };
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    if (this.options.reportDescriptor) {
      const parsed = parseReportDescriptor(this.options.reportDescriptor);
      const layout = parsed.ok ? layoutFromDescriptor(parsed.value) : parsed;
      if (layout.ok) this.layout = layout.value;
      else if (!this.profile) {
        throw new HidPosError('DEVICE_NO_ANSWER', `not a HID POS scanner: ${layout.error.message}`);
      }
    }
    if (!this.layout) {
      throw new HidPosError(
        'DEVICE_NO_ANSWER',
        'no report descriptor and no HID POS profile for this device',
      );
    }
    this.decoder = new HidPosReportDecoder(this.layout.input, this.maxMessageBytes);
    const i = this.options.info ?? {};
    return {
      vendor: i.vendor ?? this.profile?.vendor ?? '',
      model: i.model ?? '',
      firmware: i.firmware ?? '',
      serial: i.serial ?? '',
    };
  }

  receive(report: Uint8Array, atNs: MonoNs): void {
    if (this.gone || !this.decoder) return;
    const ev = this.decoder.push(report, atNs);
    this.cancelMessage?.();
    this.cancelMessage = undefined;
    if (!ev) {
      this.cancelMessage = this.io?.setTimer(this.messageTimeoutMs, () => this.onMessageTimeout());
      return;
    }
    if (ev.type === 'ignored' || ev.type === 'discarded') {
      this.stats.bytesSkipped += report.length;
    } else if (ev.type === 'bad-report') {
      this.stats.badFrames++;
      this.error('DEVICE_FRAMING', `HID POS report refused: ${ev.reason}`);
    } else if (ev.type === 'too-large') {
      this.stats.partialDropped++;
      this.error('DEVICE_MESSAGE_TOO_LARGE', `HID POS message of ${ev.bytes} bytes dropped`);
    } else {
      this.stats.scans++;
      this.io?.emitScan(hidPosScan(ev, this.profile));
    }
  }

  reset(cause: DisconnectCause): void {
    this.cancelMessage?.();
    this.cancelMessage = undefined;
    if (this.decoder?.reset()) this.stats.partialDropped++;
    this.gone = disconnectedError(HidPosError, 'HID POS', cause);
  }

  async enable(_on: boolean): Promise<void> {
    throw new HidPosError('DEVICE_UNSUPPORTED', 'HID POS has no enable/disable usage');
  }

  async trigger(on: boolean): Promise<void> {
    const out = this.ready().output;
    if (out?.type === 'flags' && out.initiate !== undefined) {
      return this.io!.write(flagsReport(out, on ? out.initiate : (out.prevent ?? 0)));
    }
    const cmd = out?.type === 'command' ? (on ? out.triggerOn : out.triggerOff) : undefined;
    if (out?.type === 'command' && cmd) return this.io!.write(commandReport(out, cmd));
    throw new HidPosError('DEVICE_UNSUPPORTED', 'this HID POS device has no trigger report');
  }

  async beep(kind: BeepKind): Promise<void> {
    const out = this.ready().output;
    const mask = out?.type === 'flags' ? (kind === 'good' ? out.goodBeep : out.errorBeep) : undefined;
    if (out?.type !== 'flags' || mask === undefined) {
      throw new HidPosError('DEVICE_UNSUPPORTED', `this HID POS device has no ${kind} beep usage`);
    }
    return this.io!.write(flagsReport(out, mask));
  }

  async led(_kind: LedKind): Promise<void> {
    throw new HidPosError('DEVICE_UNSUPPORTED', 'HID POS has no LED usage');
  }

  private ready(): HidPosLayout {
    if (this.gone) throw this.gone;
    if (!this.io || !this.decoder || !this.layout)
      throw new HidPosError('DEVICE_NOT_STARTED', 'HID POS command before start()');
    return this.layout;
  }

  private onMessageTimeout(): void {
    this.cancelMessage = undefined;
    if (this.decoder?.reset()) {
      this.stats.partialDropped++;
      this.error('DEVICE_FRAMING', 'HID POS message stopped before its last report');
    }
  }

  private error(code: HidPosError['code'], message: string): void {
    this.io?.emitError(new HidPosError(code, message));
  }
}
