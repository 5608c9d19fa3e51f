import { createServer, type Server, type Socket } from 'node:net';
import type { DeviceEngine } from '../types.js';
import { HarnessError } from './errors.js';
import { VirtualLink, type VirtualLinkOptions } from './link.js';

export interface TcpDeviceOptions extends VirtualLinkOptions {
  /** Loopback only by default. */
  readonly host?: string;
  /** 0 (default) lets the OS choose. */
  readonly port?: number;
  /**
   * A connection arriving while another is open waits this long for the old one to close (a
   * host that reconnects at once races its own FIN) before it is refused; default 200 ms.
   */
  readonly busyGraceMs?: number;
}

/**
 * A virtual device behind a TCP listener, like a network scanner or a serial-to-Ethernet box.
 * One host connection at a time: a second concurrent connection is closed (the device is busy)
 * unless the first closes within `busyGraceMs`; any connection while unplugged is closed at once.
 * `unplug()` resets the current connection.
 * Chunking is best-effort on TCP (each piece is written in its own event-loop turn; the kernel
 * may still coalesce).
 */
export class TcpDevice {
  readonly link: VirtualLink;
  readonly #server: Server;
  readonly #graceMs: number;
  #socket: Socket | undefined;
  #waiting: { socket: Socket; timer: NodeJS.Timeout } | undefined;
  /** Connections refused because the device was busy or unplugged. */
  refused = 0;

  private constructor(link: VirtualLink, server: Server, graceMs: number) {
    this.link = link;
    this.#server = server;
    this.#graceMs = graceMs;
    server.on('connection', (s) => this.#accept(s));
    link.on('unplug', () => this.#socket?.resetAndDestroy());
  }

  static async listen(engine: DeviceEngine, options: TcpDeviceOptions = {}): Promise<TcpDevice> {
    const { host = '127.0.0.1', port = 0, busyGraceMs = 200, ...linkOptions } = options;
    const server = createServer({ noDelay: true });
    const device = new TcpDevice(new VirtualLink(engine, linkOptions), server, busyGraceMs);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(new HarnessError('HARNESS_BAD_OPTION', `cannot listen on ${host}:${port}`, { cause: e })),
      );
      server.listen(port, host, () => resolve());
    });
    return device;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get host(): string {
    const a = this.#server.address();
    return typeof a === 'object' && a ? a.address : '';
  }

  /** `tcp://127.0.0.1:<port>`, as `--port` takes it. */
  get url(): string {
    return `tcp://${this.host}:${this.port}`;
  }

  /** Stops listening, resets the current connection and detaches the engine. */
  async close(): Promise<void> {
    this.#refuseWaiting();
    this.#socket?.destroy();
    this.#socket = undefined;
    this.link.dispose();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    if (!this.link.plugged || this.#waiting) {
      this.refused++;
      socket.destroy();
      return;
    }
    if (this.#socket) {
      const timer = setTimeout(() => this.#refuseWaiting(), this.#graceMs);
      this.#waiting = { socket, timer };
      return;
    }
    this.#take(socket);
  }

  #refuseWaiting(): void {
    const w = this.#waiting;
    this.#waiting = undefined;
    if (!w) return;
    clearTimeout(w.timer);
    this.refused++;
    w.socket.destroy();
  }

  #take(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => this.link.fromHost(d));
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.link.disconnect();
      const w = this.#waiting;
      this.#waiting = undefined;
      if (!w) return;
      clearTimeout(w.timer);
      if (w.socket.destroyed || !this.link.plugged) w.socket.destroy();
      else this.#take(w.socket);
    });
    this.link.connect({
      deliver: (piece) => {
        if (!socket.destroyed) socket.write(piece);
      },
    });
  }
}
