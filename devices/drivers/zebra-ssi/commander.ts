import { type EhcError, toEhcError } from '../../../protocol/errors.js';
import { encodeSsiPacket, type SsiPacket } from './codec.js';
import { SSI_SOURCE_HOST, SsiNakCause, SsiOpcode, SsiStatus } from './constants.js';
import { SsiError } from './errors.js';

/**
 * The host side of SSI's handshake, one command at a time. A command is finished by CMD_ACK, or
 * by its reply packet (REPLY_REVISION …) when it has one. With no answer within the host response
 * time-out, or on `NAK RESEND`, it is sent again with the retransmit bit — at most `maxResends`
 * times (2 per the Zebra guides). Other NAK causes reject at once.
 */
export interface SsiCommand {
  readonly label: string;
  readonly opcode: number;
  readonly data?: Uint8Array;
  /** Status bit 3: permanent parameter change (PARAM_SEND). Default temporary. */
  readonly permanent?: boolean;
  /** Opcode of the reply that completes the command (it may or may not be preceded by CMD_ACK). */
  readonly reply?: number;
}

export interface SsiCommanderDeps {
  write(bytes: Uint8Array): Promise<void>;
  setTimer(ms: number, fn: () => void): () => void;
  readonly responseTimeoutMs: number;
  readonly maxResends: number;
  onResend(): void;
  onNak(): void;
}

interface Job {
  readonly cmd: SsiCommand;
  readonly resolve: (p: SsiPacket | undefined) => void;
  readonly reject: (e: EhcError) => void;
}

export class SsiCommander {
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private attempt = 0;
  private cancelTimer: (() => void) | undefined;
  private closedWith: EhcError | undefined;

  constructor(private readonly deps: SsiCommanderDeps) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  run(cmd: SsiCommand): Promise<SsiPacket | undefined> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.queue.push({ cmd, resolve, reject });
      if (!this.current) this.next();
    });
  }

  /** Offers a decoder packet; true when it answered the running command. */
  onPacket(p: SsiPacket): boolean {
    const job = this.current;
    if (!job) return false;
    if (p.opcode === SsiOpcode.CMD_ACK) {
      if (job.cmd.reply === undefined) this.finish(undefined);
      else this.arm(); // acknowledged; the reply is still to come
      return true;
    }
    if (p.opcode === SsiOpcode.CMD_NAK) {
      this.deps.onNak();
      const cause = p.data[0] ?? -1;
      if (cause === SsiNakCause.RESEND && this.attempt < this.deps.maxResends) {
        this.resend();
      } else {
        this.finish(undefined, nakError(job.cmd, cause));
      }
      return true;
    }
    if (job.cmd.reply === p.opcode) {
      this.finish(p);
      return true;
    }
    return false;
  }

  /** Rejects the running and queued commands; later `run()` calls reject with the same error. */
  close(error: EhcError): void {
    this.closedWith = error;
    const jobs = this.current ? [this.current, ...this.queue] : [...this.queue];
    this.queue.length = 0;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.current = undefined;
    for (const j of jobs) j.reject(error);
  }

  private next(): void {
    const job = this.queue.shift();
    this.current = job;
    if (!job) return;
    this.attempt = 0;
    this.send();
  }

  private send(): void {
    const job = this.current;
    if (!job) return;
    let status = this.attempt > 0 ? SsiStatus.RETRANSMIT : 0;
    if (job.cmd.permanent) status |= SsiStatus.PERMANENT;
    const bytes = encodeSsiPacket({
      opcode: job.cmd.opcode,
      source: SSI_SOURCE_HOST,
      status,
      data: job.cmd.data ?? new Uint8Array(0),
    });
    this.arm();
    this.deps.write(bytes).catch((e: unknown) => {
      if (this.current !== job) return;
      this.finish(undefined, toEhcError(e, 'DEVICE_DISCONNECTED', `SSI ${job.cmd.label}: write failed`));
    });
  }

  private resend(): void {
    this.attempt++;
    this.deps.onResend();
    this.send();
  }

  private arm(): void {
    this.cancelTimer?.();
    const job = this.current;
    this.cancelTimer = this.deps.setTimer(this.deps.responseTimeoutMs, () => {
      if (this.current !== job || !job) return;
      this.cancelTimer = undefined;
      if (this.attempt < this.deps.maxResends) this.resend();
      else
        this.finish(
          undefined,
          new SsiError('DEVICE_TIMEOUT', `SSI ${job.cmd.label}: no answer after ${this.attempt + 1} tries`),
        );
    });
  }

  private finish(p: SsiPacket | undefined, error?: EhcError): void {
    const job = this.current;
    if (!job) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.current = undefined;
    if (error) job.reject(error);
    else job.resolve(p);
    this.next();
  }
}

function nakError(cmd: SsiCommand, cause: number): SsiError {
  const hex = `0x${cause.toString(16).padStart(2, '0')}`;
  if (cause === SsiNakCause.BAD_CONTEXT) {
    return new SsiError('DEVICE_UNSUPPORTED', `SSI ${cmd.label}: device answered NAK BAD_CONTEXT`);
  }
  const name =
    cause === SsiNakCause.DENIED
      ? 'DENIED'
      : cause === SsiNakCause.CANCEL
        ? 'CANCEL'
        : cause === SsiNakCause.RESEND
          ? 'RESEND (resends exhausted)'
          : hex;
  return new SsiError('DEVICE_NAK', `SSI ${cmd.label}: device answered NAK ${name}`);
}
