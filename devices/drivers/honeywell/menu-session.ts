import type { EhcError } from '../../../protocol/errors.js';
import { RequestSlot } from '../common/request-slot.js';
import { HoneywellError } from './errors.js';
import { isReplyEnd, type MenuReply, parseMenuReply, storageOf } from './menu.js';

/**
 * Menu commands over any carrier (serial bytes, or HID POS messages): one command at a time,
 * the reply collected (bounded) until status + storage character ends it, then parsed. ENQ in the
 * reply rejects with DEVICE_UNSUPPORTED, NAK with DEVICE_NAK; no reply within the time-out with
 * DEVICE_TIMEOUT (the partial reply is dropped).
 */
export interface MenuSessionDeps {
  setTimer(ms: number, fn: () => void): () => void;
  readonly timeoutMs: number;
  readonly maxReplyBytes: number;
  onNak(): void;
  /** Bytes of an unfinished reply dropped at a time-out. */
  onDropped(bytes: number): void;
}

export class MenuSession {
  private readonly slot: RequestSlot<{ body: string; storage: number }, MenuReply>;
  private readonly buf: Uint8Array;
  private len = 0;

  constructor(private readonly deps: MenuSessionDeps) {
    this.buf = new Uint8Array(deps.maxReplyBytes);
    this.slot = new RequestSlot({
      setTimer: deps.setTimer,
      timeoutError: (label) => {
        this.drop();
        return new HoneywellError('DEVICE_TIMEOUT', `Honeywell ${label}: no reply`);
      },
    });
  }

  /** A command is waiting for its reply. */
  get pending(): boolean {
    return this.slot.current !== undefined;
  }

  /** Reply bytes have started to arrive. */
  get collecting(): boolean {
    return this.len > 0;
  }

  async run(body: string, write: () => Promise<void>): Promise<MenuReply> {
    const reply = await this.slot.run(body, { body, storage: storageOf(body) }, this.deps.timeoutMs, write);
    const bad = reply.segments.find((s) => s.status !== 'ack');
    if (bad?.status === 'enq')
      throw new HoneywellError('DEVICE_UNSUPPORTED', `Honeywell ${body}: ENQ (unknown tag) for ${bad.text}`);
    if (bad?.status === 'nak') {
      this.deps.onNak();
      throw new HoneywellError('DEVICE_NAK', `Honeywell ${body}: NAK (value out of range) for ${bad.text}`);
    }
    return reply;
  }

  /** Reply bytes for the pending command; returns how many were taken (the rest is not reply). */
  offer(bytes: Uint8Array): number {
    const cur = this.slot.current;
    if (!cur) return 0;
    for (let i = 0; i < bytes.length; i++) {
      if (this.len >= this.buf.length) {
        this.drop();
        this.slot.reject(
          new HoneywellError(
            'DEVICE_BAD_REPLY',
            `Honeywell ${cur.label}: reply over ${this.buf.length} bytes`,
          ),
        );
        return i + 1;
      }
      this.buf[this.len++] = bytes[i]!;
      if (isReplyEnd(this.buf, this.len, cur.ctx.storage)) {
        const parsed = parseMenuReply(this.buf.slice(0, this.len), cur.ctx.body);
        this.len = 0;
        if (parsed.ok) this.slot.resolve(parsed.value);
        else
          this.slot.reject(
            new HoneywellError('DEVICE_BAD_REPLY', `Honeywell ${cur.label}: ${parsed.error.message}`),
          );
        return i + 1;
      }
    }
    return bytes.length;
  }

  close(error: EhcError): number {
    const held = this.len;
    this.len = 0;
    this.slot.close(error);
    return held;
  }

  private drop(): void {
    if (this.len > 0) this.deps.onDropped(this.len);
    this.len = 0;
  }
}
