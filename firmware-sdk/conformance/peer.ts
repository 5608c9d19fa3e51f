import type { Transport } from '../../devices/types.js';
import type {
  CommandMessage,
  DeviceEnvelope,
  DeviceMessage,
  ReplyMessage,
} from '../../protocol/device/messages.js';
import { nextSeq } from '../../protocol/device/messages.js';
import { DeviceStreamDecoder } from '../../protocol/device/stream.js';
import { encodeDeviceFrame } from '../../protocol/device/wire.js';
import { ConformanceError } from './errors.js';

/** An envelope the device sent, with when (ms, performance clock) and on which connection. */
export interface Received {
  readonly env: DeviceEnvelope;
  readonly atMs: number;
  readonly conn: number;
}

/** A command the peer sent. */
export interface SentCommand {
  readonly seq: number;
  readonly conn: number;
  readonly op: CommandMessage['op'];
  readonly atMs: number;
}

interface Waiter {
  readonly match: (r: Received) => boolean;
  readonly resolve: (r: Received | undefined) => void;
}

/**
 * The conformance suite's host: speaks frames directly (not through the driver) so checks can
 * withhold acknowledgements, choose sequence numbers and send garbage. Logs every envelope the
 * device sends; acknowledges scans itself while `autoAck` is on.
 */
export class HostPeer {
  readonly log: Received[] = [];
  readonly commands: SentCommand[] = [];
  autoAck = true;
  /** Frames from the device that failed CRC or held no valid envelope. */
  badFrames = 0;
  readonly #open: () => Promise<Transport>;
  readonly #waiters = new Set<Waiter>();
  #transport: Transport | undefined;
  #decoder = new DeviceStreamDecoder({ maxPayloadBytes: 0xffff });
  #seq = 0;
  #conn = 0;

  constructor(open: () => Promise<Transport>) {
    this.#open = open;
  }

  get connection(): number {
    return this.#conn;
  }

  get connected(): boolean {
    return this.#transport?.isOpen === true;
  }

  async connect(): Promise<void> {
    await this.disconnect();
    const t = await this.#open();
    this.#decoder = new DeviceStreamDecoder({ maxPayloadBytes: 0xffff });
    this.#seq = 0;
    const conn = ++this.#conn;
    t.on('data', (chunk) => this.#onData(chunk, conn));
    await t.open();
    this.#transport = t;
  }

  async disconnect(): Promise<void> {
    const t = this.#transport;
    this.#transport = undefined;
    if (t) {
      t.removeAllListeners('data');
      await t.close();
    }
  }

  /** Sends one envelope (with the next seq unless one is given); returns its seq. */
  async send(body: DeviceMessage, seq?: number): Promise<number> {
    const s = seq ?? nextSeq(this.#seq);
    if (seq === undefined) this.#seq = s;
    await this.sendRaw(encodeDeviceFrame({ seq: s, body }));
    return s;
  }

  async sendRaw(bytes: Uint8Array): Promise<void> {
    const t = this.#transport;
    if (!t) throw new ConformanceError('CONFORMANCE_NOT_CONNECTED', 'no open connection to the device');
    await t.write(bytes);
  }

  /** Sends a command and waits for its reply. */
  async command(
    value: CommandMessage,
    timeoutMs: number,
    seq?: number,
  ): Promise<{ seq: number; reply: ReplyMessage | undefined; ms: number }> {
    const from = this.log.length;
    const t0 = performance.now();
    const s = await this.send({ case: 'command', value }, seq);
    this.commands.push({ seq: s, conn: this.#conn, op: value.op, atMs: t0 });
    const conn = this.#conn;
    const r = await this.waitFor(
      (x) => x.conn === conn && x.env.body.case === 'reply' && x.env.body.value.replyTo === s,
      timeoutMs,
      from,
    );
    const reply = r?.env.body.case === 'reply' ? r.env.body.value : undefined;
    return { seq: s, reply, ms: (r?.atMs ?? performance.now()) - t0 };
  }

  /** The first envelope from log index `from` on that matches, waiting up to `timeoutMs`. */
  waitFor(
    match: (r: Received) => boolean,
    timeoutMs: number,
    from = this.log.length,
  ): Promise<Received | undefined> {
    for (let i = from; i < this.log.length; i++) if (match(this.log[i]!)) return Promise.resolve(this.log[i]);
    return new Promise((resolve) => {
      const w: Waiter = {
        match,
        resolve: (r) => {
          clearTimeout(timer);
          this.#waiters.delete(w);
          resolve(r);
        },
      };
      const timer = setTimeout(() => w.resolve(undefined), timeoutMs);
      this.#waiters.add(w);
    });
  }

  #onData(chunk: Uint8Array, conn: number): void {
    if (conn !== this.#conn) return;
    const atMs = performance.now();
    for (const r of this.#decoder.push(chunk)) {
      if (!r.ok) {
        this.badFrames++;
        continue;
      }
      const rec: Received = { env: r.value.envelope, atMs, conn };
      this.log.push(rec);
      const b = rec.env.body;
      if (this.autoAck && b.case === 'scan') {
        this.send({ case: 'scanAck', value: { scanSeq: b.value.scanSeq, bootId: b.value.bootId } }).catch(
          () => {},
        );
      }
      for (const w of [...this.#waiters]) if (w.match(rec)) w.resolve(rec);
    }
  }
}
