import type { Transport } from '../../devices/types.js';
import type { DeviceInfoMessage } from '../../protocol/device/messages.js';

/** One conformance check's outcome. `evidence` says what was sent, seen and measured. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly pass: boolean;
  readonly evidence: string;
  readonly ms: number;
}

export interface ConformanceReport {
  readonly port: string;
  readonly passed: boolean;
  /** What the device said in its handshake, when it answered. */
  readonly device?: Omit<DeviceInfoMessage, 'replyTo'>;
  readonly checks: readonly CheckResult[];
}

export interface ConformanceTimeouts {
  /** DeviceInfo after Hello; default 2000 ms. */
  readonly helloMs: number;
  /** A reply to an ordinary command; default 1000 ms. */
  readonly commandMs: number;
  /** A reply to self-test, and a whole image upload; default 5000 ms. */
  readonly slowCommandMs: number;
  /** From the reboot reply to the new boot's DeviceInfo; default 15000 ms. */
  readonly rebootMs: number;
}

export interface ConformanceOptions {
  /** Opens a fresh connection to the device (called again for the link-drop checks). */
  readonly open: () => Promise<Transport>;
  /** How the device was addressed, for the report. */
  readonly port: string;
  readonly timeouts?: Partial<ConformanceTimeouts>;
  /** Heartbeat interval to request in Hello (keeps the run short); default 250 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Seed for the garbage the robustness checks send; default 1. */
  readonly seed?: number;
}
