import type { CommandOp, ReplyMessage } from '../../../protocol/device/messages.js';
import type { EhcError } from '../../../protocol/errors.js';
import type { DriverIo } from '../../types.js';
import { NativeDriverError } from './errors.js';

interface Waiter {
  readonly op: CommandOp | 'hello';
  readonly resolve: (r: ReplyMessage) => void;
  readonly reject: (e: EhcError) => void;
  readonly cancel: () => void;
}

/**
 * Commands waiting for their reply, by envelope seq, each with its own deadline (an
 * `io.setTimer`). A reply resolves the matching command; `ok` resolves, `unsupported` rejects
 * `DEVICE_UNSUPPORTED`, other statuses reject `NATIVE_COMMAND_FAILED`.
 */
export class PendingCommands {
  readonly #waiting = new Map<number, Waiter>();

  get size(): number {
    return this.#waiting.size;
  }

  wait(io: DriverIo, seq: number, op: CommandOp, timeoutMs: number): Promise<ReplyMessage> {
    return new Promise((resolve, reject) => {
      const cancel = io.setTimer(timeoutMs, () => {
        this.#waiting.delete(seq);
        reject(new NativeDriverError('DEVICE_TIMEOUT', `no reply to ${op} within ${timeoutMs} ms`));
      });
      this.#waiting.set(seq, { op, resolve, reject, cancel });
    });
  }

  /** Settles the command a reply answers; false when none waits for it (late reply). */
  settle(reply: ReplyMessage): boolean {
    const w = this.#waiting.get(reply.replyTo);
    if (!w) return false;
    this.#waiting.delete(reply.replyTo);
    w.cancel();
    if (reply.status === 'ok') w.resolve(reply);
    else if (reply.status === 'unsupported') {
      w.reject(
        new NativeDriverError('DEVICE_UNSUPPORTED', `the device does not support ${w.op}: ${reply.message}`),
      );
    } else {
      w.reject(
        new NativeDriverError('NATIVE_COMMAND_FAILED', `${w.op} failed (${reply.status}): ${reply.message}`),
      );
    }
    return true;
  }

  /** Fails one command (its write failed). */
  fail(seq: number, error: EhcError): void {
    const w = this.#waiting.get(seq);
    if (!w) return;
    this.#waiting.delete(seq);
    w.cancel();
    w.reject(error);
  }

  rejectAll(error: EhcError): void {
    for (const [seq, w] of this.#waiting) {
      this.#waiting.delete(seq);
      w.cancel();
      w.reject(error);
    }
  }
}
