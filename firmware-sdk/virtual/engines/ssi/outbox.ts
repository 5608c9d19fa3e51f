import { devicePacket, NAK_RESEND, RETRANSMIT } from './wire.js';

/**
 * The device's sending side of the handshake: packets that need the host's ACK (DECODE_DATA,
 * REPLY_REVISION) go one at a time; the next waits for the ACK (multipacket option 1). NAK RESEND
 * or — given a timer — the response time-out resends with the retransmit bit, twice at most; then
 * the device gives up on that packet (a communication error) and moves on.
 */
export interface Outgoing {
  readonly opcode: number;
  readonly status: number;
  readonly data: readonly number[];
}

export interface OutboxDeps {
  send(bytes: Uint8Array): void;
  readonly setTimer: ((ms: number, fn: () => void) => () => void) | undefined;
  readonly timeoutMs: number;
  onResend(): void;
  onGiveUp(): void;
}

export class DeviceOutbox {
  private queue: Outgoing[] = [];
  private current: { out: Outgoing; attempt: number } | undefined;
  private cancelTimer: (() => void) | undefined;

  constructor(private readonly deps: OutboxDeps) {}

  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  enqueue(out: Outgoing): void {
    this.queue.push(out);
    if (!this.current) this.next();
  }

  /** The host's CMD_ACK: the packet in flight is done. */
  ack(): void {
    if (!this.current) return;
    this.stopTimer();
    this.next();
  }

  /** The host's CMD_NAK: resend on RESEND, otherwise give the packet up. */
  nak(cause: number): void {
    if (!this.current) return;
    if (cause === NAK_RESEND) {
      this.retry();
      return;
    }
    this.stopTimer();
    this.deps.onGiveUp();
    this.next();
  }

  /** Power gone: nothing more is sent. */
  clear(): void {
    this.stopTimer();
    this.queue = [];
    this.current = undefined;
  }

  private next(): void {
    const out = this.queue.shift();
    this.current = out ? { out, attempt: 0 } : undefined;
    this.transmit();
  }

  private transmit(): void {
    const c = this.current;
    if (!c) return;
    this.stopTimer();
    this.cancelTimer = this.deps.setTimer?.(this.deps.timeoutMs, () => {
      this.cancelTimer = undefined;
      this.retry();
    });
    this.deps.send(devicePacket(c.out.opcode, c.out.status | (c.attempt > 0 ? RETRANSMIT : 0), c.out.data));
  }

  private retry(): void {
    const c = this.current;
    if (!c) return;
    if (c.attempt >= 2) {
      this.deps.onGiveUp();
      this.next();
      return;
    }
    c.attempt++;
    this.deps.onResend();
    this.transmit();
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
