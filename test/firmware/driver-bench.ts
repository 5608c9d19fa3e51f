import { NativeDriver, type NativeDriverOptions } from '../../devices/drivers/native/index.js';
import type { DriverIo, ScanEvent } from '../../devices/types.js';
import { VirtualLink } from '../../firmware-sdk/virtual/harness/link.js';
import { NativeTerminal, type NativeTerminalOptions } from '../../firmware-sdk/virtual/native/index.js';
import type { DeviceEngine } from '../../firmware-sdk/virtual/types.js';
import type { EhcError } from '../../protocol/errors.js';
import { ManualClock } from './manual-clock.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The native driver wired to a virtual terminal through a harness link, on one manual clock: the
 * device's timers (heartbeat, re-send) and the driver's (deadlines, supervision) move only with
 * `advance()`, while bytes flow through the link's asynchronous delivery (`settle()`).
 */
export class DriverBench {
  readonly clock = new ManualClock();
  readonly terminal: NativeTerminal;
  readonly engine: DeviceEngine;
  readonly link: VirtualLink;
  /** Replace it between connections to model one driver per connection. */
  driver: NativeDriver;
  readonly scans: ScanEvent[] = [];
  readonly errors: EhcError[] = [];
  /** Host writes pass through here; return false to drop one (e.g. lose acknowledgements). */
  filterWrite: (data: Uint8Array) => boolean = () => true;
  readonly io: DriverIo;

  constructor(
    options: {
      terminal?: NativeTerminalOptions;
      driver?: NativeDriverOptions;
      wrap?: (t: NativeTerminal) => DeviceEngine;
    } = {},
  ) {
    this.terminal = new NativeTerminal({
      rebootDelayMs: 20,
      ...options.terminal,
      clock: this.clock,
      runtime: { ackTimeoutMs: 300, heartbeatIntervalMs: 1000, ...options.terminal?.runtime },
    });
    this.engine = options.wrap ? options.wrap(this.terminal) : this.terminal;
    this.link = new VirtualLink(this.engine);
    this.driver = new NativeDriver(options.driver);
    this.io = {
      write: async (data) => {
        if (this.filterWrite(data)) this.link.fromHost(data);
      },
      emitScan: (s) => void this.scans.push({ ...s, deviceId: 'vt' }),
      emitError: (e) => void this.errors.push(e),
      now: () => BigInt(Math.round(this.clock.nowMs() * 1e6)),
      setTimer: (ms, fn) => this.clock.setTimer(ms, fn),
    };
  }

  connect(): void {
    this.link.connect({ deliver: (piece) => this.driver.receive(piece, this.io.now()) });
  }

  async start() {
    this.connect();
    const info = this.driver.start(this.io);
    await this.settle();
    return info;
  }

  /** Lets queued bytes and promise chains run until the link is idle (or stalled). */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3; ) {
      await turn();
      quiet = this.link.idle || this.link.stalled ? quiet + 1 : 0;
    }
  }

  /** Moves the clock in steps, letting bytes flow between them. */
  async advance(ms: number, step = 50): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.clock.advance(Math.min(step, ms - t));
      await this.settle();
    }
  }

  texts(): string[] {
    return this.scans.map((s) => s.text);
  }

  close(): void {
    this.link.dispose();
    this.terminal.dispose();
  }
}
