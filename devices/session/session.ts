/**
 * `ScannerSession`: the UnifiedPOS-shaped `Scanner` over one device, whatever its transport and
 * driver. `closed → opened → claimed → enabled`: `connect(transport)` opens (runs the driver's
 * `start()`), `claim()`, `enable()`. Scans are delivered continuously while enabled — never
 * re-armed — through a bounded queue, asynchronously, in order. A lost device leaves the logical
 * state alone and reports `connected: false`; `connect()` with a new transport (the manager or a
 * `Reconnector` does this) restores it — same scanner id, re-enabled if it was enabled.
 */
import { EventEmitter } from 'node:events';
import { type EhcError, isEhcError, isEhcErrorCode, toEhcError } from '../../protocol/errors.js';
import { type Clock, systemClock } from '../transports/clock.js';
import { DeviceError } from '../transports/errors.js';
import type {
  BeepKind,
  DeviceIdentity,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverName,
  DriverStats,
  LedKind,
  ScanEvent,
  Scanner,
  ScannerEvents,
  ScannerState,
  ScannerStatus,
  Transport,
} from '../types.js';
import { ConnectionIo } from './connection-io.js';
import { ScanDelivery } from './delivery.js';
import { withTimeout } from './with-timeout.js';

export interface ScannerSessionOptions {
  /** Stable id (from the device's identity, never its OS path); kept across reconnects. */
  readonly id: string;
  readonly driverName: DriverName;
  readonly identity: DeviceIdentity;
  /** A fresh driver for each connection. */
  readonly createDriver: () => Driver | Promise<Driver>;
  readonly clock?: Clock;
  /** Scans held while no listener takes them; defaults to 256. */
  readonly queueLimit?: number;
  /** Longest a driver's `start()` may take; defaults to 5000 ms. */
  readonly startTimeoutMs?: number;
}

export interface SessionStats {
  delivered: number;
  queued: number;
  /** Dropped because the queue was full (oldest first). */
  queueDropped: number;
  /** Scans that arrived while the scanner was not enabled. */
  ignored: number;
  connects: number;
  disconnects: number;
  /** `error` events raised while nobody listened for them. */
  unobservedErrors: number;
}

interface Connection {
  readonly transport: Transport;
  readonly driver: Driver;
  readonly io: ConnectionIo;
  off(): void;
}

const STAT_KEYS = [
  'scans',
  'bytesSkipped',
  'badFrames',
  'partialDropped',
  'naks',
  'retries',
  'duplicates',
] as const;

function zeroDriverStats(): DriverStats {
  return { scans: 0, bytesSkipped: 0, badFrames: 0, partialDropped: 0, naks: 0, retries: 0, duplicates: 0 };
}

export class ScannerSession extends EventEmitter<ScannerEvents> implements Scanner {
  readonly id: string;
  readonly driverName: DriverName;
  readonly #createDriver: () => Driver | Promise<Driver>;
  readonly #clock: Clock;
  readonly #delivery: ScanDelivery;
  readonly #startTimeoutMs: number;
  #identity: DeviceIdentity;
  #state: ScannerState = 'closed';
  #conn: Connection | undefined;
  #connected = false;
  #info: DeviceInfo | undefined;
  #lastError: EhcError | undefined;
  readonly #retired: DriverStats = zeroDriverStats();
  readonly #stats: Omit<SessionStats, 'delivered' | 'queued' | 'queueDropped'> = {
    ignored: 0,
    connects: 0,
    disconnects: 0,
    unobservedErrors: 0,
  };

  constructor(options: ScannerSessionOptions) {
    super();
    this.id = options.id;
    this.driverName = options.driverName;
    this.#identity = options.identity;
    this.#createDriver = options.createDriver;
    this.#clock = options.clock ?? systemClock;
    this.#delivery = new ScanDelivery(this, options.queueLimit, (e) =>
      this.#emitError(new DeviceError('SCANNER_LISTENER_FAILED', 'a scan listener threw', { cause: e })),
    );
    this.#startTimeoutMs = options.startTimeoutMs ?? 5000;
    // A listener added later gets the scans queued so far (the event map has no 'newListener').
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'scan') process.nextTick(() => this.#delivery.schedule());
    });
  }

  get state(): ScannerState {
    return this.#state;
  }
  get connected(): boolean {
    return this.#connected;
  }
  /** The identity of the current (or last) connection; the path may change across reconnects. */
  get identity(): DeviceIdentity {
    return this.#identity;
  }
  /** The last error raised while no `error` listener was attached. */
  get lastError(): EhcError | undefined {
    return this.#lastError;
  }

  status(reason?: string): ScannerStatus {
    const s = { state: this.#state, connected: this.#connected };
    return reason === undefined ? s : { ...s, reason };
  }

  /**
   * Attaches a transport (opening it if needed) and starts a fresh driver on it. From `closed`
   * this is UnifiedPOS `open`; on a disconnected session it is the reconnect. Rejects (and closes
   * the transport) if the device does not answer as this driver's protocol.
   */
  async connect(transport: Transport): Promise<DeviceInfo> {
    if (this.#conn) throw new DeviceError('SCANNER_STATE', `scanner ${this.id} is already connected`);
    const driver = await this.#createDriver();
    if (this.#conn) throw new DeviceError('SCANNER_STATE', `scanner ${this.id} is already connected`);
    const io = new ConnectionIo(transport, this.#clock, {
      scan: (s) => this.#onScan(s),
      error: (e) => this.#emitError(e),
    });
    const onData = (chunk: Uint8Array, atNs: bigint) => {
      try {
        driver.receive(chunk, atNs);
      } catch (e) {
        this.#emitError(toEhcError(e, 'DEVICE_FRAMING', `driver ${driver.name} failed on received bytes`));
      }
    };
    const conn: Connection = {
      transport,
      driver,
      io,
      off: () => {
        transport.off('data', onData);
        transport.off('disconnected', onDisconnected);
      },
    };
    const onDisconnected = (cause: DisconnectCause) => this.#onDisconnected(conn, cause);
    transport.on('data', onData);
    transport.on('disconnected', onDisconnected);
    this.#conn = conn;
    try {
      if (!transport.isOpen) await transport.open();
      const info = await withTimeout(
        driver.start(io),
        this.#clock,
        this.#startTimeoutMs,
        () =>
          new DeviceError('DEVICE_TIMEOUT', `${driver.name} did not start within ${this.#startTimeoutMs} ms`),
      );
      if (this.#conn !== conn)
        throw new DeviceError('DEVICE_DISCONNECTED', `${transport.identity.path} went away`);
      this.#info = info;
      this.#identity = { ...this.#identity, ...transport.identity };
      this.#connected = true;
      this.#stats.connects++;
      if (this.#state === 'closed') this.#state = 'opened';
      if (this.#state === 'enabled') {
        await enableDriver(driver, true).catch((e: unknown) =>
          this.#emitError(toEhcError(e, 'DEVICE_NAK', 'enable failed')),
        );
      }
      this.emit('status', this.status());
      return info;
    } catch (e) {
      if (this.#conn === conn) this.#drop(conn, { reason: 'closed' });
      await transport.close().catch(() => undefined);
      throw isEhcError(e)
        ? e
        : new DeviceError('DEVICE_NO_ANSWER', `${driver.name} failed to start`, { cause: e });
    }
  }

  /** UnifiedPOS `close`: disables, closes the transport, ends in `closed`. */
  async close(): Promise<void> {
    const conn = this.#conn;
    if (this.#state === 'enabled' && conn && this.#connected)
      await conn.driver.enable(false).catch(() => undefined);
    const changed = this.#state !== 'closed';
    this.#state = 'closed';
    if (conn) await conn.transport.close().catch(() => undefined);
    if (this.#conn === conn && conn) this.#drop(conn, { reason: 'closed' });
    if (changed && !conn) this.emit('status', this.status('closed'));
  }

  /**
   * Drops the current connection but keeps the logical state (the manager does this when a
   * device vanished from every listing but its port never reported it); a reconnect restores it.
   */
  async disconnect(): Promise<void> {
    const conn = this.#conn;
    if (conn) await conn.transport.close().catch(() => undefined);
  }

  async claim(): Promise<void> {
    if (this.#state === 'closed') throw new DeviceError('SCANNER_STATE', `scanner ${this.id} is not open`);
    if (this.#state !== 'opened') return;
    this.#setState('claimed');
  }

  async release(): Promise<void> {
    if (this.#state === 'enabled') await this.disable();
    if (this.#state === 'claimed') this.#setState('opened');
  }

  async enable(): Promise<void> {
    if (this.#state === 'enabled') return;
    if (this.#state !== 'claimed')
      throw new DeviceError('SCANNER_STATE', `claim scanner ${this.id} before enabling it`);
    if (this.#conn && this.#connected) await enableDriver(this.#conn.driver, true);
    this.#setState('enabled');
    this.#delivery.schedule();
  }

  async disable(): Promise<void> {
    if (this.#state !== 'enabled') return;
    this.#setState('claimed');
    if (this.#conn && this.#connected) await enableDriver(this.#conn.driver, false);
  }

  trigger(on: boolean): Promise<void> {
    return this.#command((d) => d.trigger(on));
  }
  beep(kind: BeepKind): Promise<void> {
    return this.#command((d) => d.beep(kind));
  }
  led(kind: LedKind): Promise<void> {
    return this.#command((d) => d.led(kind));
  }

  info(): DeviceInfo | undefined {
    return this.#info;
  }

  /** Driver counters summed over every connection of this session. */
  stats(): DriverStats {
    const out = { ...this.#retired };
    const live = this.#conn?.driver.stats;
    if (live) for (const k of STAT_KEYS) out[k] += live[k];
    return out;
  }

  sessionStats(): SessionStats {
    const d = this.#delivery;
    return { ...this.#stats, delivered: d.delivered, queued: d.queued, queueDropped: d.dropped };
  }

  async #command(run: (d: Driver) => Promise<void>): Promise<void> {
    if (this.#state !== 'claimed' && this.#state !== 'enabled') {
      throw new DeviceError('SCANNER_STATE', `claim scanner ${this.id} before sending it commands`);
    }
    const conn = this.#conn;
    if (!conn || !this.#connected)
      throw new DeviceError('DEVICE_DISCONNECTED', `scanner ${this.id} is not connected`);
    await run(conn.driver);
  }

  #setState(state: ScannerState): void {
    this.#state = state;
    this.emit('status', this.status());
  }

  #onDisconnected(conn: Connection, cause: DisconnectCause): void {
    if (this.#conn !== conn) return;
    const wasConnected = this.#connected;
    this.#drop(conn, cause);
    if (wasConnected) {
      this.#stats.disconnects++;
      this.emit('status', this.status(cause.error?.message ?? cause.reason));
    }
  }

  /** Ends a connection: the driver drops partial frames, its timers are cancelled, stats kept. */
  #drop(conn: Connection, cause: DisconnectCause): void {
    this.#conn = undefined;
    this.#connected = false;
    conn.off();
    conn.driver.reset(cause);
    conn.io.dispose();
    for (const k of STAT_KEYS) this.#retired[k] += conn.driver.stats[k];
  }

  #onScan(scan: Omit<ScanEvent, 'deviceId'>): void {
    if (this.#state !== 'enabled') {
      this.#stats.ignored++;
      return;
    }
    this.#delivery.push({ ...scan, deviceId: this.id });
  }

  #emitError(error: EhcError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else {
      this.#lastError = error;
      this.#stats.unobservedErrors++;
    }
  }
}

/**
 * Turns scanning on or off in the device. A device with no software enable (a Honeywell or
 * Newland without a configured command) scans all the time: that is not an error, and the
 * session's own state still decides whether its scans are delivered.
 */
async function enableDriver(driver: Driver, on: boolean): Promise<void> {
  try {
    await driver.enable(on);
  } catch (e) {
    if (!isEhcErrorCode(e, 'DEVICE_UNSUPPORTED')) throw e;
  }
}
