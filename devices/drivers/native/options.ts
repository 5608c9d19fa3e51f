import {
  FRAME_DEFAULT_MAX_PAYLOAD,
  FRAME_MAX_PAYLOAD_LIMIT,
  FRAME_MIN_MAX_PAYLOAD,
} from '../../../protocol/device/frame.js';
import { ScanDedupe } from './dedupe.js';
import { NativeDriverError } from './errors.js';

export interface NativeDriverOptions {
  /** Sent in Hello; default `ehc-terminal`. */
  readonly hostName?: string;
  /** Heartbeat interval to ask the device for; 0 (default) = the device's own. */
  readonly heartbeatIntervalMs?: number;
  /** How long `start()` waits for DeviceInfo; default 2000 ms. */
  readonly helloTimeoutMs?: number;
  /** Reply deadline for ordinary commands; default 1000 ms. */
  readonly commandTimeoutMs?: number;
  /** Reply deadline for self-test, reboot and image capture; default 5000 ms. */
  readonly slowCommandTimeoutMs?: number;
  /** Silence longer than this many announced heartbeat intervals is reported; default 3. */
  readonly heartbeatMissFactor?: number;
  /** Largest frame payload accepted; default 16 KiB. */
  readonly maxPayloadBytes?: number;
  /** Largest image accepted from `captureImage()`; default 8 MiB. */
  readonly maxImageBytes?: number;
  /**
   * Scans already delivered, keyed by (boot id, scan seq). Pass the same instance to every driver
   * created for one device, so a scan the device re-sends after a reconnect is not delivered again
   * by the new driver. Default: one per driver instance (which survives `reset()` + `start()`).
   */
  readonly dedupe?: ScanDedupe;
}

export interface ResolvedNativeOptions {
  readonly hostName: string;
  readonly heartbeatIntervalMs: number;
  readonly helloTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly slowCommandTimeoutMs: number;
  readonly heartbeatMissFactor: number;
  readonly maxPayloadBytes: number;
  readonly maxImageBytes: number;
  readonly dedupe: ScanDedupe;
}

function int(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new NativeDriverError(
      'NATIVE_BAD_OPTION',
      `"${name}" must be an integer in ${min}…${max}, got ${x}`,
    );
  }
  return x;
}

export function resolveNativeOptions(o: NativeDriverOptions): ResolvedNativeOptions {
  return {
    hostName: o.hostName ?? 'ehc-terminal',
    heartbeatIntervalMs: int('heartbeatIntervalMs', o.heartbeatIntervalMs, 0, 0, 3_600_000),
    helloTimeoutMs: int('helloTimeoutMs', o.helloTimeoutMs, 2000, 1, 600_000),
    commandTimeoutMs: int('commandTimeoutMs', o.commandTimeoutMs, 1000, 1, 600_000),
    slowCommandTimeoutMs: int('slowCommandTimeoutMs', o.slowCommandTimeoutMs, 5000, 1, 600_000),
    heartbeatMissFactor: int('heartbeatMissFactor', o.heartbeatMissFactor, 3, 2, 100),
    maxPayloadBytes: int(
      'maxPayloadBytes',
      o.maxPayloadBytes,
      FRAME_DEFAULT_MAX_PAYLOAD,
      FRAME_MIN_MAX_PAYLOAD,
      FRAME_MAX_PAYLOAD_LIMIT,
    ),
    maxImageBytes: int('maxImageBytes', o.maxImageBytes, 8 * 1024 * 1024, 1, 256 * 1024 * 1024),
    dedupe: o.dedupe ?? new ScanDedupe(),
  };
}
