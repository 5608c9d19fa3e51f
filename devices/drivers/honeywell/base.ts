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
import { disconnectedError } from '../common/command-slot.js';
import { zeroDriverStats } from '../common/stats.js';
import { HoneywellError } from './errors.js';
import { type MenuReply, parseRevinf } from './menu.js';
import { MenuSession } from './menu-session.js';
import {
  type HoneywellCommandMap,
  type HoneywellOptions,
  type ResolvedHoneywellOptions,
  resolveHoneywellOptions,
} from './options.js';

/**
 * What the Honeywell serial and HID POS drivers share: start() (REVINF probe + connect commands),
 * the menu session, command-mapped actions (enable/LED/error beep), stats, reset.
 */
export abstract class HoneywellBase implements Driver {
  readonly name = 'honeywell' as const;
  readonly stats: DriverStats = zeroDriverStats();
  protected readonly opts: ResolvedHoneywellOptions;
  protected io: DriverIo | undefined;
  protected menu: MenuSession | undefined;
  protected gone: HoneywellError | undefined;

  constructor(options: HoneywellOptions) {
    this.opts = resolveHoneywellOptions(options);
  }

  get capabilities() {
    const c = this.opts.commands;
    return {
      trigger: true,
      beep: true,
      led: c.ledGood !== undefined,
      identity: this.opts.identityCommand !== false,
    };
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    this.menu = new MenuSession({
      setTimer: (ms, fn) => io.setTimer(ms, fn),
      timeoutMs: this.opts.menuTimeoutMs,
      maxReplyBytes: this.opts.maxMessageBytes,
      onNak: () => this.stats.naks++,
      onDropped: (n) => {
        this.stats.bytesSkipped += n;
      },
    });
    let info: DeviceInfo = { vendor: 'Honeywell', model: '', firmware: '', serial: '' };
    const id = this.opts.identityCommand;
    if (id !== false) {
      try {
        const reply = await this.runMenu(id);
        info = { vendor: 'Honeywell', ...parseRevinf(reply.output) };
      } catch (e) {
        if (isEhcErrorCode(e, 'DEVICE_TIMEOUT') || isEhcErrorCode(e, 'DEVICE_BAD_REPLY')) {
          throw new HoneywellError('DEVICE_NO_ANSWER', `no Honeywell menu reply to ${id}`, { cause: e });
        }
        if (!isEhcErrorCode(e, 'DEVICE_UNSUPPORTED')) throw e; // ENQ: a Honeywell that lacks REVINF
      }
    }
    for (const cmd of this.opts.connectCommands) await this.runMenu(cmd);
    return info;
  }

  abstract receive(chunk: Uint8Array, atNs: MonoNs): void;
  protected abstract sendMenu(body: string): Promise<void>;
  protected abstract sendTrigger(on: boolean): Promise<void>;
  protected abstract sendGoodBeep(): Promise<void>;
  /** Drops partial input; returns whether anything was held. */
  protected abstract dropPartial(): boolean;

  reset(cause: DisconnectCause): void {
    this.gone = disconnectedError(HoneywellError, 'Honeywell', cause);
    const heldReply = (this.menu?.close(this.gone) ?? 0) > 0;
    if (this.dropPartial() || heldReply) this.stats.partialDropped++;
  }

  enable(on: boolean): Promise<void> {
    return this.mapped(on ? 'enable' : 'disable');
  }

  async trigger(on: boolean): Promise<void> {
    this.ready();
    await this.sendTrigger(on);
  }

  async beep(kind: BeepKind): Promise<void> {
    this.ready();
    if (kind === 'good') return this.sendGoodBeep();
    return this.mapped('beepBad');
  }

  led(kind: LedKind): Promise<void> {
    return this.mapped(kind === 'good' ? 'ledGood' : kind === 'bad' ? 'ledBad' : 'ledOff');
  }

  /** Runs one menu command (e.g. `CBRENA?.`), resolving with its parsed reply. */
  async runMenu(body: string): Promise<MenuReply> {
    const menu = this.ready();
    return menu.run(body, () => this.sendMenu(body));
  }

  protected async mapped(action: keyof HoneywellCommandMap): Promise<void> {
    this.ready();
    const body = this.opts.commands[action];
    if (body === undefined)
      throw new HoneywellError('DEVICE_UNSUPPORTED', `no Honeywell menu command configured for ${action}`);
    await this.runMenu(body);
  }

  protected ready(): MenuSession {
    if (this.gone) throw this.gone;
    if (!this.menu || !this.io)
      throw new HoneywellError('DEVICE_NOT_STARTED', 'Honeywell command before start()');
    return this.menu;
  }

  protected error(code: HoneywellError['code'], message: string): void {
    this.io?.emitError(new HoneywellError(code, message));
  }
}
