import { EventEmitter } from 'node:events';
import type { DeviceEngine, ScanRequest } from '../types.js';
import { type Chunking, prng, type Splitter, splitter } from './chunking.js';
import { HarnessError } from './errors.js';

/** The host end of a connection, implemented by each adapter (serial binding, TCP, pty). */
export interface HostEnd {
  /** Bytes the device sent, one piece at a time, in order. */
  deliver(piece: Uint8Array): void;
}

export interface CorruptOptions {
  /** Let this many bytes through untouched first (e.g. to hit a payload, not a header). */
  readonly after?: number;
  /** Flip one random bit in each of the next `bytes` bytes. */
  readonly bytes?: number;
  /** Flip one random bit in each byte with this probability (0…1), until changed. */
  readonly rate?: number;
  /** Which direction to corrupt; default `to-host`. */
  readonly direction?: 'to-host' | 'to-device' | 'both';
  readonly seed?: number;
}

export interface VirtualLinkOptions {
  readonly chunking?: Chunking;
  /** Bytes held while stalled, per direction; beyond it bytes are dropped and counted. Default 1 MiB. */
  readonly maxHeldBytes?: number;
}

export interface VirtualLinkStats {
  toHostBytes: number;
  toDeviceBytes: number;
  corruptedBytes: number;
  /** Bytes dropped: in flight at unplug/close, or beyond `maxHeldBytes` while stalled. */
  droppedBytes: number;
  connects: number;
}

export interface VirtualLinkEvents {
  /** The cable was pulled: adapters tear the host connection down. */
  unplug: [];
  replug: [];
}

/**
 * One virtual device on one (virtual) cable: connects a `DeviceEngine` to the host end of an
 * adapter and carries the failure knobs. Delivery is always asynchronous (never inside the
 * caller's call) and in order, one piece per event-loop turn, so the host sees the chunking.
 *
 * Knobs: `unplug()` / `replug()`, `stall(on)`, `corrupt(options)`, `setChunking(chunking)`,
 * `inject(bytes)` (raw bytes to the host as if the device sent them), `scan(payload)`.
 */
export class VirtualLink extends EventEmitter<VirtualLinkEvents> {
  readonly engine: DeviceEngine;
  readonly stats: VirtualLinkStats = {
    toHostBytes: 0,
    toDeviceBytes: 0,
    corruptedBytes: 0,
    droppedBytes: 0,
    connects: 0,
  };
  readonly #maxHeld: number;
  #split: Splitter;
  #host: HostEnd | undefined;
  #generation = 0;
  #plugged = true;
  #stalled = false;
  readonly #toHost: Uint8Array[] = [];
  readonly #toDevice: Uint8Array[] = [];
  #heldToHost = 0;
  #heldToDevice = 0;
  #timer: NodeJS.Immediate | undefined;
  #corrupt:
    | { skip: number; left: number; rate: number; dir: 'to-host' | 'to-device' | 'both'; next: () => number }
    | undefined;

  constructor(engine: DeviceEngine, options: VirtualLinkOptions = {}) {
    super();
    this.engine = engine;
    this.#split = splitter(options.chunking ?? { mode: 'whole' });
    this.#maxHeld = options.maxHeldBytes ?? 1024 * 1024;
  }

  get plugged(): boolean {
    return this.#plugged;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  /** Nothing queued in either direction (held bytes while stalled count as queued). */
  get idle(): boolean {
    return this.#toHost.length === 0 && this.#toDevice.length === 0;
  }

  /** Whether a host end is connected (port open, socket accepted). */
  get connected(): boolean {
    return this.#host !== undefined;
  }

  // ───────────── adapter side ─────────────

  /** The host opened the port: the engine is attached. Exclusive; refused while unplugged. */
  connect(host: HostEnd): void {
    if (!this.#plugged) throw new HarnessError('HARNESS_UNPLUGGED', 'the device is unplugged');
    if (this.#host) throw new HarnessError('HARNESS_PORT_BUSY', 'the device is already connected');
    this.#host = host;
    const generation = ++this.#generation;
    this.stats.connects++;
    this.engine.attach((data) => {
      if (generation === this.#generation) this.#enqueue(this.#toHost, data, 'to-host');
    });
  }

  /** The host closed the port: the engine is detached and bytes in flight are dropped. */
  disconnect(): void {
    if (!this.#host) return;
    this.#host = undefined;
    this.#generation++;
    this.#drop();
    this.engine.attach(undefined);
  }

  /** Bytes the host wrote; they reach the engine asynchronously. */
  fromHost(bytes: Uint8Array): void {
    if (!this.#host) return;
    this.#enqueue(this.#toDevice, Uint8Array.from(bytes), 'to-device');
  }

  // ───────────── knobs ─────────────

  unplug(): void {
    if (!this.#plugged) return;
    this.#plugged = false;
    this.disconnect();
    this.emit('unplug');
  }

  replug(): void {
    if (this.#plugged) return;
    this.#plugged = true;
    this.emit('replug');
  }

  /** While stalled, bytes in both directions are held (up to `maxHeldBytes`) and flow again after. */
  stall(on: boolean): void {
    this.#stalled = on;
    if (!on) this.#schedule();
  }

  /** Starts corrupting bytes; `undefined` stops it. */
  corrupt(options: CorruptOptions | undefined): void {
    if (!options) {
      this.#corrupt = undefined;
      return;
    }
    const rate = options.rate ?? 0;
    if (!(rate >= 0 && rate <= 1))
      throw new HarnessError('HARNESS_BAD_OPTION', 'corrupt rate must be in 0…1');
    const next = prng(options.seed ?? 7);
    const skip = options.after ?? 0;
    this.#corrupt = { skip, left: options.bytes ?? 0, rate, dir: options.direction ?? 'to-host', next };
  }

  setChunking(chunking: Chunking): void {
    this.#split = splitter(chunking);
  }

  /** Raw bytes to the host as if the device had sent them (garbage, foreign frames). */
  inject(bytes: Uint8Array): void {
    if (this.#host) this.#enqueue(this.#toHost, Uint8Array.from(bytes), 'to-host');
  }

  /** Presents a symbol to the device. */
  scan(payload: Uint8Array | string, symbology?: ScanRequest['symbology']): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.engine.scan(symbology ? { payload: bytes, symbology } : { payload: bytes });
  }

  /** Disconnects and stops every pending delivery (adapters call it when they close). */
  dispose(): void {
    this.disconnect();
    this.#drop();
  }

  // ───────────── delivery ─────────────

  #enqueue(queue: Uint8Array[], data: Uint8Array, dir: 'to-host' | 'to-device'): void {
    const pieces = dir === 'to-host' ? this.#split(data) : [data];
    for (const p of pieces) {
      if (p.length === 0) continue;
      const held = dir === 'to-host' ? this.#heldToHost : this.#heldToDevice;
      if (held + p.length > this.#maxHeld) {
        this.stats.droppedBytes += p.length;
        continue;
      }
      const piece = this.#maybeCorrupt(Uint8Array.from(p), dir);
      queue.push(piece);
      if (dir === 'to-host') this.#heldToHost += piece.length;
      else this.#heldToDevice += piece.length;
    }
    this.#schedule();
  }

  #maybeCorrupt(piece: Uint8Array, dir: 'to-host' | 'to-device'): Uint8Array {
    const c = this.#corrupt;
    if (!c || (c.dir !== 'both' && c.dir !== dir)) return piece;
    for (let i = 0; i < piece.length; i++) {
      if (c.skip > 0) {
        c.skip--;
        continue;
      }
      const hit = c.left > 0 || (c.rate > 0 && c.next() / 0x100000000 < c.rate);
      if (!hit) continue;
      if (c.left > 0) c.left--;
      piece[i] = (piece[i] ?? 0) ^ (1 << (c.next() % 8));
      this.stats.corruptedBytes++;
    }
    return piece;
  }

  #schedule(): void {
    if (this.#timer || this.#stalled) return;
    if (this.#toHost.length === 0 && this.#toDevice.length === 0) return;
    this.#timer = setImmediate(() => {
      this.#timer = undefined;
      this.#pump();
    });
  }

  /** One turn: everything queued for the device, and one piece for the host. */
  #pump(): void {
    if (this.#stalled) return;
    const device = this.#toDevice.splice(0);
    this.#heldToDevice = 0;
    for (const d of device) {
      this.stats.toDeviceBytes += d.length;
      this.engine.receive(d);
    }
    const piece = this.#toHost.shift();
    if (piece && this.#host) {
      this.#heldToHost -= piece.length;
      this.stats.toHostBytes += piece.length;
      this.#host.deliver(piece);
    }
    this.#schedule();
  }

  #drop(): void {
    for (const q of [this.#toHost, this.#toDevice]) {
      for (const p of q) this.stats.droppedBytes += p.length;
      q.length = 0;
    }
    this.#heldToHost = 0;
    this.#heldToDevice = 0;
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
  }
}
