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
  readonly stats: DriverStats = {
    scans: 0,
    bytesSkipped: 0,
    badFrames: 0,
    partialDropped: 0,
    naks: 0,
    retries: 0,
    duplicates: 0,
  };
  private readonly opts: ResolvedNewlandOptions;
  private readonly framer: TextFramer;
  private readonly replies: ReplyFramer;
  private io: DriverIo | undefined;
  private slot: RequestSlot<Expect, Answer> | undefined;
  private cancelSilence: (() => void) | undefined;
  private gone: NewlandError | undefined;

  constructor(options: NewlandOptions = {}) {
    this.opts = resolveNewlandOptions(options);
    this.framer = new TextFramer({ terminators: this.opts.terminators, maxBytes: this.opts.maxMessageBytes });
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
    this.slot = new RequestSlot({
      setTimer: (ms, fn) => io.setTimer(ms, fn),
      timeoutError: (label) => new NewlandError('DEVICE_TIMEOUT', `Newland ${label}: no reply`),
    });
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
      if (!this.gone) await this.nls(NLS_PROGRAMMING_OFF);
    }
    return info;
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    for (const b of chunk) this.byte(b, atNs);
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    if (this.framer.pending > 0 && this.io)
      this.cancelSilence = this.io.setTimer(this.opts.silenceMs, () => this.onSilence());
  }

  reset(cause: DisconnectCause): void {
    this.cancelSilence?.();
    this.cancelSilence = undefined;
    const held = this.framer.reset() + this.replies.reset();
    if (held > 0) this.stats.partialDropped++;
    this.gone = new NewlandError('DEVICE_DISCONNECTED', `Newland device disconnected (${cause.reason})`, {
      cause: cause.error,
    });
    this.slot?.close(this.gone);
  }

  enable(on: boolean): Promise<void> {
    return this.mapped(on ? 'enable' : 'disable');
  }

  async trigger(on: boolean): Promise<void> {
    this.ready();
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
    this.ready();
    const cmd = this.opts.commands[action];
    if (cmd === undefined)
      throw new NewlandError('DEVICE_UNSUPPORTED', `no Newland command configured for ${action}`);
    await this.nls(NLS_PROGRAMMING_ON);
    try {
      await this.nls(cmd);
    } finally {
      if (!this.gone) await this.nls(NLS_PROGRAMMING_OFF);
    }
  }

  private request(label: string, expect: Expect, bytes: Uint8Array, timeoutMs: number): Promise<Answer> {
    const slot = this.ready();
    return slot.run(label, expect, timeoutMs, () => this.io!.write(bytes));
  }

  private ready(): RequestSlot<Expect, Answer> {
    if (this.gone) throw this.gone;
    if (!this.slot || !this.io)
      throw new NewlandError('DEVICE_NOT_STARTED', 'Newland command before start()');
    return this.slot;
  }

  private byte(b: number, atNs: bigint): void {
    if (this.replies.active) {
      const r = this.replies.push(b);
      if (!r) return;
      if (r.type === 'frame') {
        const parsed = parseFramedReply(r.frame);
        if (this.slot?.current?.ctx === 'framed' && parsed.ok)
          this.slot.resolve({ kind: 'framed', reply: parsed.value });
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
    if (this.framer.pending === 0) {
      const expect = this.slot?.current?.ctx;
      if ((expect === 'probe' && b === PROBE_REPLY) || (expect === 'ack' && (b === ACK || b === NAK))) {
        this.slot?.resolve({ kind: 'byte', byte: b });
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
    this.onFrame(this.framer.push(b, atNs));
  }

  private onFrame(f: TextFrame | undefined): void {
    if (!f) return;
    if (f.type === 'overflow') {
      this.stats.partialDropped++;
      this.error('DEVICE_MESSAGE_TOO_LARGE', `Newland scan over ${this.opts.maxMessageBytes} bytes dropped`);
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
    this.error('DEVICE_FRAMING', `dropped ${partial.bytes.length} bytes without a terminator`);
  }

  private deliver(bytes: Uint8Array, firstNs: bigint, lastNs: bigint): void {
    const { valid: _valid, ...fields } = payloadFields(bytes);
    this.stats.scans++;
    this.io?.emitScan({ ...fields, firstByteNs: firstNs, lastByteNs: lastNs });
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
