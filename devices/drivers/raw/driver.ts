/**
 * The raw-text driver: scanners that send each barcode as bytes plus a terminator (serial, USB
 * CDC "COM port emulation", TCP). Payloads end at the terminator or when the line stays quiet
 * for `interByteTimeoutMs`; every payload goes through `payloadFields` (AIM prefix, ECI, UTF-8
 * else GBK). Raw-text devices take no commands: trigger, beep and LED are unsupported, and
 * enable/disable are gated by the session (the device cannot be told to stop).
 */
import { payloadFields } from '../../text/index.js';
import { DeviceError } from '../../transports/errors.js';
import type {
  BeepKind,
  DeviceIdentity,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverCapabilities,
  DriverIo,
  DriverStats,
  LedKind,
  MonoNs,
} from '../../types.js';
import { type FramerEvent, RawTextFramer, type Terminator } from './framer.js';

export interface RawDriverOptions {
  /** Defaults to `eol` (CR, LF or CRLF). */
  readonly terminator?: Terminator;
  /**
   * A payload also ends after this many ms without a byte; 0 disables it. Defaults to 200 (the
   * SSI character timeout, and the flush delay keyboard-wedge libraries use).
   */
  readonly interByteTimeoutMs?: number;
  /** Largest payload kept; defaults to 8192 bytes. */
  readonly maxFrameBytes?: number;
  /** What discovery knows, reported by `start()` as the device info. */
  readonly identity?: Partial<DeviceIdentity>;
}

export const DEFAULT_INTER_BYTE_TIMEOUT_MS = 200;

export function zeroStats(): DriverStats {
  return { scans: 0, bytesSkipped: 0, badFrames: 0, partialDropped: 0, naks: 0, retries: 0, duplicates: 0 };
}

export class RawTextDriver implements Driver {
  readonly name = 'raw' as const;
  readonly capabilities: DriverCapabilities = { trigger: false, beep: false, led: false, identity: false };
  readonly stats: DriverStats = zeroStats();
  readonly interByteTimeoutMs: number;
  readonly #framer: RawTextFramer;
  readonly #identity: Partial<DeviceIdentity>;
  #io: DriverIo | undefined;
  #cancelTimer: (() => void) | undefined;

  constructor(options: RawDriverOptions = {}) {
    const timeout = options.interByteTimeoutMs ?? DEFAULT_INTER_BYTE_TIMEOUT_MS;
    if (!Number.isFinite(timeout) || timeout < 0 || timeout > 60_000) {
      throw new DeviceError('DEVICE_BAD_OPTIONS', '"interByteTimeoutMs" must be from 0 to 60000');
    }
    if (options.terminator === 'none' && timeout === 0) {
      throw new DeviceError(
        'DEVICE_BAD_OPTIONS',
        'terminator "none" needs an inter-byte timeout greater than 0',
      );
    }
    try {
      this.#framer = new RawTextFramer({
        ...(options.terminator !== undefined ? { terminator: options.terminator } : {}),
        ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
      });
    } catch (e) {
      throw new DeviceError(
        'DEVICE_BAD_OPTIONS',
        e instanceof Error ? e.message : 'invalid raw driver options',
        {
          cause: e,
        },
      );
    }
    this.interByteTimeoutMs = timeout;
    this.#identity = options.identity ?? {};
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.#io = io;
    const id = this.#identity;
    return {
      vendor: id.manufacturer ?? 'unknown',
      model: id.product ?? 'raw-text scanner',
      firmware: 'unknown',
      serial: id.serialNumber ?? '',
    };
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    this.#handle(this.#framer.push(chunk, atNs));
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const io = this.#io;
    if (io && this.interByteTimeoutMs > 0 && this.#framer.pendingBytes > 0) {
      this.#cancelTimer = io.setTimer(this.interByteTimeoutMs, () => {
        this.#cancelTimer = undefined;
        this.#handle(this.#framer.flush());
      });
    }
  }

  reset(_cause: DisconnectCause): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (this.#framer.discard() > 0) this.stats.partialDropped++;
    this.#io = undefined;
  }

  async enable(_on: boolean): Promise<void> {
    // Raw-text scanners have no enable command; the session stops delivering while disabled.
  }

  trigger(_on: boolean): Promise<void> {
    return this.#unsupported('a software trigger');
  }

  beep(_kind: BeepKind): Promise<void> {
    return this.#unsupported('beep');
  }

  led(_kind: LedKind): Promise<void> {
    return this.#unsupported('LED control');
  }

  #unsupported(what: string): Promise<never> {
    return Promise.reject(new DeviceError('DEVICE_UNSUPPORTED', `a raw-text scanner has no ${what} command`));
  }

  #handle(events: FramerEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'overflow') {
        this.stats.bytesSkipped += ev.bytes;
        this.#io?.emitError(
          new DeviceError(
            'DEVICE_MESSAGE_TOO_LARGE',
            `dropped a payload of ${ev.bytes} bytes (limit ${this.#framer.maxFrameBytes})`,
          ),
        );
        continue;
      }
      const { valid, ...fields } = payloadFields(ev.frame.bytes);
      this.stats.scans++;
      this.#io?.emitScan({ ...fields, firstByteNs: ev.frame.firstNs, lastByteNs: ev.frame.lastNs });
      if (!valid) {
        this.#io?.emitError(
          new DeviceError(
            'DEVICE_PAYLOAD_CHARSET',
            `a ${ev.frame.bytes.length}-byte payload is neither valid UTF-8 nor valid GBK`,
          ),
        );
      }
    }
  }
}

export function createRawDriver(options: RawDriverOptions = {}): RawTextDriver {
  return new RawTextDriver(options);
}
