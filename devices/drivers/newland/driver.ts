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
  ACK,
  encodeFramed,
  encodeNls,
  type FramedReply,
  NAK,
  NLS_PROGRAMMING_OFF,
  NLS_PROGRAMMING_ON,
  PROBE,
  PROBE_REPLY,
  parseFramedReply,
  TRIGGER_OFF,
  TRIGGER_ON,
} from './commands.js';
import { NewlandError } from './errors.js';
import {
  type NewlandCommandMap,
  type NewlandOptions,
  type ResolvedNewlandOptions,
  resolveNewlandOptions,
} from './options.js';
import { ReplyFramer } from './reply-framer.js';

type Expect = 'probe' | 'ack' | 'framed';
type Answer =
  | { readonly kind: 'byte'; readonly byte: number }
  | { readonly kind: 'framed'; readonly reply: FramedReply };

/**
 * Newland serial driver. Scans are text + terminator. Replies share the line: `!` (probe), ACK/NAK
 * (NLS commands, ESC triggers), or a framed `STX SOH 0000 … ; ETX`. A reply is only taken between
 * scans (the scan framer is empty); control bytes there that answer nothing are skipped and
 * counted, so stray ACKs or line noise never become scans.
 */
export class NewlandDriver implements Driver {
  readonly name = 'newland' as const;
  readonly stats: DriverStats = zeroDriverStats();
  private readonly opts: ResolvedNewlandOptions;
  private readonly scans: TextScans;
  private readonly silence = new OneShotTimer();
  private readonly replies: ReplyFramer;
  private io: DriverIo | undefined;
  private readonly commands = new CommandSlot<Expect, Answer, NewlandError>('Newland', NewlandError);

  constructor(options: NewlandOptions = {}) {
    this.opts = resolveNewlandOptions(options);
    this.scans = new TextScans(
      { ...this.opts, vendor: 'Newland' },
      { stats: this.stats, io: () => this.io, error: (code, message) => this.error(code, message) },
    );
    this.replies = new ReplyFramer(this.opts.maxMessageBytes);
  }

  get capabilities() {
    const c = this.opts.commands;
    return {
      trigger: true,
      beep: c.beepGood !== undefined,
      led: c.ledGood !== undefined,
      identity: this.opts.identityQueries !== false,
    };
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    this.commands.open(io);
    try {
      await this.request('probe ?', 'probe', Uint8Array.of(PROBE), this.opts.probeTimeoutMs);
    } catch (e) {
      if (isEhcErrorCode(e, 'DEVICE_TIMEOUT'))
        throw new NewlandError('DEVICE_NO_ANSWER', 'no Newland answer to ?', { cause: e });
      throw e;
    }
    const info = { vendor: 'Newland', model: '', firmware: '', serial: '' };
    await this.nls(NLS_PROGRAMMING_ON);
    try {
      for (const c of this.opts.connectCommands) await this.nls(c);
      const q = this.opts.identityQueries;
      if (q !== false) {
        for (const field of ['model', 'firmware', 'serial'] as const) {
          const tag = q[field];
          if (tag) info[field] = await this.query(tag);
        }
      }
    } finally {
      if (!this.commands.gone) await this.nls(NLS_PROGRAMMING_OFF);
    }
    return info;
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.commands.gone) return;
    for (const b of chunk) this.byte(b, atNs);
    this.silence.cancel();
    if (this.scans.pending > 0 && this.io)
      this.silence.start(this.io, this.opts.silenceMs, () => this.scans.silence());
  }

  reset(cause: DisconnectCause): void {
    this.silence.cancel();
    const held = this.scans.reset() + this.replies.reset();
    if (held > 0) this.stats.partialDropped++;
    this.commands.disconnect(cause);
  }

  enable(on: boolean): Promise<void> {
    return this.mapped(on ? 'enable' : 'disable');
  }

  async trigger(on: boolean): Promise<void> {
    this.commands.ready();
    await this.request(
      on ? 'ESC 1' : 'ESC 0',
      'ack',
      on ? TRIGGER_ON : TRIGGER_OFF,
      this.opts.commandTimeoutMs,
    );
  }

  beep(kind: BeepKind): Promise<void> {
    return this.mapped(kind === 'good' ? 'beepGood' : 'beepBad');
  }

  led(kind: LedKind): Promise<void> {
    return this.mapped(kind === 'good' ? 'ledGood' : kind === 'bad' ? 'ledBad' : 'ledOff');
  }

  /** Sends one NLS command (resolves on ACK, rejects DEVICE_NAK on NAK). */
  async nls(cmd: string): Promise<void> {
    const a = await this.request(cmd, 'ack', encodeNls(cmd), this.opts.commandTimeoutMs);
    if (a.kind === 'byte' && a.byte === NAK) {
      this.stats.naks++;
      throw new NewlandError('DEVICE_NAK', `Newland ${cmd}: NAK`);
    }
  }

  /** Sends one framed programming command and returns its parsed reply (ENQ/NAK reject). */
  async framed(body: string, storage: '@' | '#' = '#'): Promise<FramedReply> {
    const a = await this.request(body, 'framed', encodeFramed(body, storage), this.opts.commandTimeoutMs);
    if (a.kind !== 'framed')
      throw new NewlandError('DEVICE_BAD_REPLY', `Newland ${body}: not a framed reply`);
    const bad = a.reply.segments.find((s) => s.status !== 'ack');
    if (bad?.status === 'enq') throw new NewlandError('DEVICE_UNSUPPORTED', `Newland ${body}: unknown tag`);
    if (bad?.status === 'nak') {
      this.stats.naks++;
      throw new NewlandError('DEVICE_NAK', `Newland ${body}: value refused`);
    }
    return a.reply;
  }

  private async query(tag: string): Promise<string> {
    try {
      const r = await this.framed(tag);
      const seg = r.segments[0]?.text ?? '';
      return seg.startsWith(tag) ? seg.slice(tag.length).trim() : seg.trim();
    } catch (e) {
      if (
        isEhcErrorCode(e, 'DEVICE_UNSUPPORTED') ||
        isEhcErrorCode(e, 'DEVICE_TIMEOUT') ||
        isEhcErrorCode(e, 'DEVICE_NAK')
      )
        return '';
      throw e;
    }
  }

  private async mapped(action: keyof NewlandCommandMap): Promise<void> {
    this.commands.ready();
    const cmd = this.opts.commands[action];
    if (cmd === undefined)
      throw new NewlandError('DEVICE_UNSUPPORTED', `no Newland command configured for ${action}`);
    await this.nls(NLS_PROGRAMMING_ON);
    try {
      await this.nls(cmd);
    } finally {
      if (!this.commands.gone) await this.nls(NLS_PROGRAMMING_OFF);
    }
  }

  private request(label: string, expect: Expect, bytes: Uint8Array, timeoutMs: number): Promise<Answer> {
    const slot = this.commands.ready();
    return slot.run(label, expect, timeoutMs, () => this.io!.write(bytes));
  }

  private byte(b: number, atNs: bigint): void {
    if (this.replies.active) {
      const r = this.replies.push(b);
      if (!r) return;
      if (r.type === 'frame') {
        const parsed = parseFramedReply(r.frame);
        if (this.commands.current?.ctx === 'framed' && parsed.ok)
          this.commands.resolve({ kind: 'framed', reply: parsed.value });
        else this.skip(r.frame.length, 'a framed reply nothing waited for');
      } else if (r.type === 'mismatch') {
        this.skip(r.bytes.length - 1, 'a broken reply prefix');
        this.byte(r.bytes[r.bytes.length - 1]!, atNs);
      } else {
        this.stats.partialDropped++;
        this.error('DEVICE_MESSAGE_TOO_LARGE', 'Newland reply over the size cap dropped');
      }
      return;
    }
    if (this.scans.pending === 0) {
      const expect = this.commands.current?.ctx;
      if ((expect === 'probe' && b === PROBE_REPLY) || (expect === 'ack' && (b === ACK || b === NAK))) {
        this.commands.resolve({ kind: 'byte', byte: b });
        return;
      }
      if (b === 0x02) {
        this.replies.push(b);
        return;
      }
      if (b < 0x20 && !this.opts.terminators.includes(b)) {
        this.skip(1, 'a control byte outside a scan');
        return;
      }
    }
    this.scans.push(b, atNs);
  }

  private skip(n: number, what: string): void {
    if (n <= 0) return;
    this.stats.bytesSkipped += n;
    this.error('DEVICE_FRAMING', `skipped ${n} bytes: ${what}`);
  }

  private error(code: NewlandError['code'], message: string): void {
    this.io?.emitError(new NewlandError(code, message));
  }
}
