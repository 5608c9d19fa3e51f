import { isEhcErrorCode } from '../../../protocol/errors.js';
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
import { CommandSlot } from '../common/command-slot.js';
import { OneShotTimer } from '../common/one-shot-timer.js';
import { zeroDriverStats } from '../common/stats.js';
import { TextScans } from '../common/text-scans.js';
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
  readonly stats: DriverStats = zeroDriverStats();
  private readonly opts: ResolvedGrowOptions;
  private readonly scans: TextScans;
  private readonly silence = new OneShotTimer();
  private readonly replies = new GrowReplyFramer();
  private io: DriverIo | undefined;
  private readonly commands = new CommandSlot<undefined, GrowReply, GrowError>('Grow', GrowError);

  constructor(options: GrowOptions = {}) {
    this.opts = resolveGrowOptions(options);
    this.scans = new TextScans(
      { ...this.opts, vendor: 'Grow' },
      { stats: this.stats, io: () => this.io, error: (code, message) => this.error(code, message) },
    );
  }

  get capabilities() {
    const c = this.opts.commands;
    return { trigger: true, beep: c.beepGood !== undefined, led: c.ledGood !== undefined, identity: false };
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    this.commands.open(io);
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
    if (this.commands.gone) return;
    for (const b of chunk) this.byte(b, atNs);
    this.silence.cancel();
    if ((this.scans.pending > 0 || this.replies.active) && this.io)
      this.silence.start(this.io, this.opts.silenceMs, () => this.onSilence());
  }

  reset(cause: DisconnectCause): void {
    this.silence.cancel();
    if (this.scans.reset() + this.replies.reset() > 0) this.stats.partialDropped++;
    this.commands.disconnect(cause);
  }

  enable(on: boolean): Promise<void> {
    return this.mapped(on ? 'enable' : 'disable');
  }

  async trigger(on: boolean): Promise<void> {
    if (!on) {
      this.commands.ready();
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
    const slot = this.commands.ready();
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
    this.commands.ready();
    const w = this.opts.commands[action];
    if (!w) throw new GrowError('DEVICE_UNSUPPORTED', `no Grow register write configured for ${action}`);
    await this.write(w);
  }

  private byte(b: number, atNs: bigint): void {
    if (this.replies.active || (this.scans.pending === 0 && b === 0x02)) {
      const ev = this.replies.push(b);
      if (!ev) return;
      if (ev.type === 'reply') {
        if (this.commands.current) this.commands.resolve(ev.reply);
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
    if (this.scans.pending === 0 && b < 0x20 && !this.opts.terminators.includes(b)) {
      this.skip(1, 'a control byte outside a scan');
      return;
    }
    this.scans.push(b, atNs);
  }

  private onSilence(): void {
    const held = this.replies.reset();
    if (held > 0) {
      this.stats.partialDropped++;
      this.error('DEVICE_FRAMING', `dropped ${held} bytes of a reply that never completed`);
    }
    this.scans.silence();
  }

  private skip(n: number, what: string): void {
    this.stats.bytesSkipped += n;
    this.error('DEVICE_FRAMING', `skipped ${n} bytes: ${what}`);
  }

  private error(code: GrowError['code'], message: string): void {
    this.io?.emitError(new GrowError(code, message));
  }
}
