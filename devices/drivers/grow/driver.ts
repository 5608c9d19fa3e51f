import { isEhcErrorCode } from '../../../protocol/errors.js';
import { payloadFields } from '../../text/index.js';
import type {
  BeepKind,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverIo,
  DriverStats,
  LedKind,
  MonoNs,
} from '../../types.js';
import { RequestSlot } from '../honeywell/request-slot.js';
import { type TextFrame, TextFramer } from '../honeywell/text-framer.js';
import {
  encodeGrowCommand,
  GROW_REG_TRIGGER,
  GROW_REPLY_OK,
  type GrowReply,
  GrowReplyFramer,
  GrowType,
} from './codec.js';
import { GrowError } from './errors.js';
import {
  type GrowCommandMap,
  type GrowOptions,
  type RegisterWrite,
  type ResolvedGrowOptions,
  resolveGrowOptions,
} from './options.js';

/**
 * Grow-style module driver. Commands are CRC-checked register frames, one at a time, resent after
 * a time-out or a bad-CRC reply. Scans are text + terminator on the same line; a reply (`02 00 …`)
 * is only looked for between scans, and control bytes there that start nothing are skipped and
 * counted. A reply nobody waited for is skipped too — framed bytes never become scans.
 */
export class GrowDriver implements Driver {
  readonly name = 'grow' as const;
  readonly stats: DriverStats = {
    scans: 0,
    bytesSkipped: 0,
    badFrames: 0,
    partialDropped: 0,
    naks: 0,
    retries: 0,
    duplicates: 0,
  };
  private readonly opts: ResolvedGrowOptions;
  private readonly framer: TextFramer;
  private readonly replies = new GrowReplyFramer();
  private io: DriverIo | undefined;
  private slot: RequestSlot<undefined, GrowReply> | undefined;
  private cancelSilence: (() => void) | undefined;
  private gone: GrowError | undefined;

  constructor(options: GrowOptions = {}) {
    this.opts = resolveGrowOptions(options);
    this.framer = new TextFramer({ terminators: this.opts.terminators, maxBytes: this.opts.maxMessageBytes });
  }

  get capabilities() {
    const c = this.opts.commands;
    return { trigger: true, beep: c.beepGood !== undefined, led: c.ledGood !== undefined, identity: false };
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    this.slot = new RequestSlot({
      setTimer: (ms, fn) => io.setTimer(ms, fn),
      timeoutError: (label) => new GrowError('DEVICE_TIMEOUT', `Grow ${label}: no reply`),
    });
    try {
      await this.read(this.opts.probeRegister, 1);
    } catch (e) {
      if (isEhcErrorCode(e, 'DEVICE_TIMEOUT'))
        throw new GrowError('DEVICE_NO_ANSWER', 'no Grow reply to a register read', { cause: e });
      throw e;
    }
    for (const w of this.opts.connectWrites) await this.write(w);
    let firmware = '';
    if (this.opts.firmwareRegister !== undefined) {
      const v = (await this.read(this.opts.firmwareRegister, 1))[0] ?? 0;
      firmware = `V${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
    }
    return { vendor: 'Grow', model: this.opts.model, firmware, serial: '' };
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    for (const b of chunk) this.byte(b, atNs);
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    if ((this.framer.pending > 0 || this.replies.active) && this.io) {
      this.cancelSilence = this.io.setTimer(this.opts.silenceMs, () => this.onSilence());
    }
  }

  reset(cause: DisconnectCause): void {
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    if (this.framer.reset() + this.replies.reset() > 0) this.stats.partialDropped++;
    this.gone = new GrowError('DEVICE_DISCONNECTED', `Grow device disconnected (${cause.reason})`, {
      cause: cause.error,
    });
    this.slot?.close(this.gone);
  }

  enable(on: boolean): Promise<void> {
    return this.mapped(on ? 'enable' : 'disable');
  }

  async trigger(on: boolean): Promise<void> {
    if (!on) {
      this.ready();
      throw new GrowError('DEVICE_UNSUPPORTED', 'Grow modules have no stop-read command');
    }
    await this.write([GROW_REG_TRIGGER, 0x01]);
  }

  beep(kind: BeepKind): Promise<void> {
    return this.mapped(kind === 'good' ? 'beepGood' : 'beepBad');
  }

  led(kind: LedKind): Promise<void> {
    return this.mapped(kind === 'good' ? 'ledGood' : kind === 'bad' ? 'ledBad' : 'ledOff');
  }

  /** Reads `count` bytes from `address`. */
  async read(address: number, count: number): Promise<Uint8Array> {
    const r = await this.command(`read 0x${address.toString(16)}`, {
      type: GrowType.READ,
      address,
      data: Uint8Array.of(count),
    });
    return r.data;
  }

  /** Writes bytes from `address` (volatile until saved). */
  async write([address, ...bytes]: RegisterWrite): Promise<void> {
    await this.command(`write 0x${address.toString(16)}`, {
      type: GrowType.WRITE,
      address,
      data: Uint8Array.from(bytes),
    });
  }

  /** Saves the registers to flash (wears it: for commissioning, not every connect). */
  async save(): Promise<void> {
    await this.command('save', { type: GrowType.SAVE, address: 0, data: Uint8Array.of(0) });
  }

  private async command(label: string, cmd: Parameters<typeof encodeGrowCommand>[0]): Promise<GrowReply> {
    const slot = this.ready();
    const bytes = encodeGrowCommand(cmd, { noCrc: this.opts.noCrc });
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await slot.run(label, undefined, this.opts.responseTimeoutMs, () =>
          this.io!.write(bytes),
        );
        if (reply.type !== GROW_REPLY_OK) {
          this.stats.naks++;
          throw new GrowError('DEVICE_NAK', `Grow ${label}: reply type 0x${reply.type.toString(16)}`);
        }
        return reply;
      } catch (e) {
        if (!isEhcErrorCode(e, 'DEVICE_TIMEOUT') || attempt >= this.opts.maxResends) throw e;
        this.stats.retries++;
      }
    }
  }

  private async mapped(action: keyof GrowCommandMap): Promise<void> {
    this.ready();
    const w = this.opts.commands[action];
    if (!w) throw new GrowError('DEVICE_UNSUPPORTED', `no Grow register write configured for ${action}`);
    await this.write(w);
  }

  private ready(): RequestSlot<undefined, GrowReply> {
    if (this.gone) throw this.gone;
    if (!this.slot || !this.io) throw new GrowError('DEVICE_NOT_STARTED', 'Grow command before start()');
    return this.slot;
  }

  private byte(b: number, atNs: bigint): void {
    if (this.replies.active || (this.framer.pending === 0 && b === 0x02)) {
      const ev = this.replies.push(b);
      if (!ev) return;
      if (ev.type === 'reply') {
        if (this.slot?.current) this.slot.resolve(ev.reply);
        else this.skip(6 + ev.reply.data.length, 'a reply nothing waited for');
      } else if (ev.type === 'bad-crc') {
        this.stats.badFrames++;
        this.skip(ev.bytes, 'a reply with a bad CRC');
      } else {
        this.skip(1, 'a broken reply header');
        for (const x of ev.bytes.subarray(1)) this.byte(x, atNs);
      }
      return;
    }
    if (this.framer.pending === 0 && b < 0x20 && !this.opts.terminators.includes(b)) {
      this.skip(1, 'a control byte outside a scan');
      return;
    }
    this.onFrame(this.framer.push(b, atNs));
  }

  private onFrame(f: TextFrame | undefined): void {
    if (!f) return;
    if (f.type === 'overflow') {
      this.stats.partialDropped++;
      this.error('DEVICE_MESSAGE_TOO_LARGE', `Grow scan over ${this.opts.maxMessageBytes} bytes dropped`);
      return;
    }
    this.deliver(f.bytes, f.firstNs, f.lastNs);
  }

  private onSilence(): void {
    this.cancelSilence = undefined;
    const held = this.replies.reset();
    if (held > 0) {
      this.stats.partialDropped++;
      this.error('DEVICE_FRAMING', `dropped ${held} bytes of a reply that never completed`);
    }
    const partial = this.framer.takePartial();
    if (!partial) return;
    if (this.opts.onSilence === 'deliver') {
      this.deliver(partial.bytes, partial.firstNs, partial.lastNs);
      return;
    }
    this.stats.partialDropped++;
    this.error('DEVICE_FRAMING', `dropped ${partial.bytes.length} bytes without a terminator`);
  }

  private deliver(bytes: Uint8Array, firstNs: bigint, lastNs: bigint): void {
    const { valid: _valid, ...fields } = payloadFields(bytes);
    this.stats.scans++;
    this.io?.emitScan({ ...fields, firstByteNs: firstNs, lastByteNs: lastNs });
  }

  private skip(n: number, what: string): void {
    this.stats.bytesSkipped += n;
    this.error('DEVICE_FRAMING', `skipped ${n} bytes: ${what}`);
  }

  private error(code: GrowError['code'], message: string): void {
    this.io?.emitError(new GrowError(code, message));
  }
}
