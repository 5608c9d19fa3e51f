import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DeviceEngine } from '../types.js';
import { HarnessError } from './errors.js';
import { VirtualLink, type VirtualLinkOptions } from './link.js';

/**
 * The relay: opens a pseudo-terminal pair, sets the slave raw, prints the slave's path on the
 * first stdout line, then copies master → stdout (what the host wrote) and stdin → master (what
 * the device sends). It keeps the slave open, so a host closing and reopening the port does not
 * hang the master up; writes to a full master are dropped, like a UART nobody reads. It exits
 * when stdin closes or on SIGTERM; the master then closes and the host's reads fail (an unplug).
 */
const RELAY = `
import os, pty, select, signal, sys, tty, fcntl, errno
signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
master, slave = pty.openpty()
tty.setraw(slave)
fcntl.fcntl(master, fcntl.F_SETFL, fcntl.fcntl(master, fcntl.F_GETFL) | os.O_NONBLOCK)
os.write(1, (os.ttyname(slave) + "\\n").encode())
def write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]
while True:
    r, _, _ = select.select([master, 0], [], [])
    if master in r:
        try:
            data = os.read(master, 65536)
        except OSError as e:
            data = b""
        if data:
            write_all(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            os._exit(0)
        try:
            os.write(master, data)
        except OSError as e:
            if e.errno != errno.EAGAIN:
                raise
`;

export interface PtyDeviceOptions extends VirtualLinkOptions {
  /** The Python 3 interpreter; default `python3`. */
  readonly python?: string;
}

type Relay = ChildProcessByStdio<Writable, Readable, null>;

/**
 * A virtual device behind a Linux pseudo-terminal, opened by the host like any serial port
 * (`SerialTransport` with the real `@serialport/bindings-cpp`). No native dependency: a small
 * Python relay (`python3` with its standard `pty` module) owns the pty pair. `path` is a stable
 * symlink (like `/dev/serial/by-id/…`) to the current `/dev/pts/N`; `unplug()` ends the relay (the
 * host's reads fail and the path disappears), `replug()` starts a new one under a new pts name.
 * Chunking is best-effort (the tty layer may coalesce).
 */
export class PtyDevice {
  readonly link: VirtualLink;
  /** Stable path for the host to open. */
  readonly path: string;
  readonly #dir: string;
  readonly #python: string;
  #relay: Relay | undefined;
  #ttyPath = '';
  #closed = false;

  private constructor(link: VirtualLink, dir: string, python: string) {
    this.link = link;
    this.#dir = dir;
    this.path = join(dir, 'tty');
    this.#python = python;
    link.on('unplug', () => void this.#stopRelay());
    link.on('replug', () => void this.#startRelay().catch(() => link.unplug()));
  }

  /** Whether a pty relay can run here (Python 3 with the `pty` module). */
  static available(python = 'python3'): boolean {
    const r = spawnSync(python, ['-c', 'import pty, tty, fcntl'], { stdio: 'ignore', timeout: 5000 });
    return r.status === 0;
  }

  static async open(engine: DeviceEngine, options: PtyDeviceOptions = {}): Promise<PtyDevice> {
    const { python = 'python3', ...linkOptions } = options;
    const dir = await mkdtemp(join(tmpdir(), 'ehc-pty-'));
    const device = new PtyDevice(new VirtualLink(engine, linkOptions), dir, python);
    try {
      await device.#startRelay();
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return device;
  }

  /** The pts device the stable path points to now. */
  get ttyPath(): string {
    return this.#ttyPath;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.link.dispose();
    await this.#stopRelay();
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #startRelay(): Promise<void> {
    if (this.#closed) return;
    const relay = spawn(this.#python, ['-c', RELAY], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.#relay = relay;
    relay.stdin.on('error', () => {});
    const ttyPath = await new Promise<string>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const nl = head.indexOf(0x0a);
        if (nl < 0) return;
        relay.stdout.off('data', onData);
        relay.off('exit', onExit);
        const rest = head.subarray(nl + 1);
        relay.stdout.on('data', (b: Buffer) => this.link.fromHost(b));
        resolve(head.subarray(0, nl).toString('utf8'));
        if (rest.length > 0) this.link.fromHost(rest);
      };
      const onExit = () =>
        reject(new HarnessError('HARNESS_PTY_UNAVAILABLE', `${this.#python} pty relay failed to start`));
      relay.on('error', (e) =>
        reject(new HarnessError('HARNESS_PTY_UNAVAILABLE', `cannot run ${this.#python}`, { cause: e })),
      );
      relay.once('exit', onExit);
      relay.stdout.on('data', onData);
    });
    this.#ttyPath = ttyPath;
    await unlink(this.path).catch(() => {});
    await symlink(ttyPath, this.path);
    relay.once('exit', () => {
      if (this.#relay === relay && !this.#closed) this.link.unplug();
    });
    this.link.connect({
      deliver: (piece) => {
        if (relay.stdin.writable) relay.stdin.write(piece);
      },
    });
  }

  async #stopRelay(): Promise<void> {
    const relay = this.#relay;
    this.#relay = undefined;
    await unlink(this.path).catch(() => {});
    if (!relay || relay.exitCode !== null || relay.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => relay.once('exit', () => resolve()));
    relay.kill('SIGTERM');
    await exited;
  }
}
