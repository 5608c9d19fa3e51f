/**
 * The device layer's contracts: transports (I/O), drivers (one per wire protocol) and the
 * UnifiedPOS-shaped `Scanner` the agent sees. Types only; behaviour is in the doc comments.
 *
 * Data flows: Transport bytes/reports → Driver (sans-I/O codec + command state) → ScanEvent →
 * ScannerSession (claim/enable, bounded queue) → agent.
 */
import type { EventEmitter } from 'node:events';
import type { EhcError } from '../protocol/errors.js';

/** Monotonic time in nanoseconds (`process.hrtime.bigint()` in production, injectable in tests). */
export type MonoNs = bigint;

// ───────────────────────────── Transport ─────────────────────────────

export type TransportKind = 'serial' | 'hid' | 'usb' | 'tcp' | 'mock';

/**
 * A stable identity for matching a device across reconnects. Match on vid/pid/serialNumber and
 * usbLocation — never on the OS path (a tty name changes on replug).
 */
export interface DeviceIdentity {
  /** OS path or URL used to open it: `/dev/ttyACM0`, a hidraw path, `tcp://127.0.0.1:9100`. */
  readonly path: string;
  readonly vid?: number;
  readonly pid?: number;
  readonly serialNumber?: string;
  /** Bus and port chain, e.g. `1-1.4`. */
  readonly usbLocation?: string;
  readonly interfaceNumber?: number;
  /** HID usage page (0x8C = HID POS barcode scanner, 0x01 usage 6 = keyboard). */
  readonly usagePage?: number;
  readonly usage?: number;
  readonly manufacturer?: string;
  readonly product?: string;
}

export type DisconnectReason =
  | 'closed' // close() was called by us
  | 'unplugged' // the device went away (read error, EOF, ENODEV)
  | 'remote-closed' // the peer closed a network connection
  | 'error'; // any other I/O failure

export interface DisconnectCause {
  readonly reason: DisconnectReason;
  /** The project's error describing what happened (its `cause` keeps the OS error). */
  readonly error?: EhcError;
}

/**
 * A byte (serial, TCP, USB bulk) or report (HID) channel.
 *
 * - `open()` rejects with an `EhcError` (`TRANSPORT_OPEN_FAILED`, `TRANSPORT_UNAVAILABLE` when the
 *   native module cannot load — the message says why, e.g. "libusb-1.0 missing") and never leaves
 *   a half-open port behind.
 * - `write()` on a closed transport rejects with `TRANSPORT_CLOSED`; writes are serialised (never
 *   overlapping). For HID, `data[0]` is the report id.
 * - `data` delivers each chunk (HID: one whole input report, report id first) with the monotonic
 *   time it arrived.
 * - `disconnected` fires exactly once per open, whatever the cause (also after `close()`), after
 *   which no more `data` arrives.
 */
export interface TransportEvents {
  data: [chunk: Uint8Array, atNs: MonoNs];
  disconnected: [cause: DisconnectCause];
}

export interface Transport extends EventEmitter<TransportEvents> {
  readonly kind: TransportKind;
  readonly identity: DeviceIdentity;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

// ───────────────────────────── Scans ─────────────────────────────

/** Canonical symbology names (aligned with BarcodeDetector format names). */
export type Symbology =
  | 'qr_code'
  | 'micro_qr_code'
  | 'data_matrix'
  | 'pdf417'
  | 'aztec'
  | 'han_xin'
  | 'code_128'
  | 'code_39'
  | 'ean_13'
  | 'ean_8'
  | 'upc_a'
  | 'itf'
  | 'unknown';

export type Charset = 'utf-8' | 'gbk' | 'ascii';

/**
 * One decoded barcode as the device layer hands it up. `bytes` is the payload exactly as received
 * (after protocol framing and any AIM prefix / terminator were removed); `text` is `bytes` decoded
 * with `charset` (UTF-8 when valid, else GBK; never Latin-1 by accident).
 */
export interface ScanEvent {
  readonly deviceId: string;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly charset: Charset;
  readonly charsetSource: 'eci' | 'device' | 'heuristic';
  /** AIM symbology identifier without the `]`, e.g. `Q1`, when the device sent one. */
  readonly aimId?: string;
  readonly symbology: Symbology;
  readonly symbologySource: 'aim' | 'vendor' | 'none';
  /** The vendor's own code (SSI barcode type byte, Honeywell Code ID char, …). */
  readonly vendorCode?: string;
  /** Monotonic time of the first and last byte of this scan on the wire. */
  readonly firstByteNs: MonoNs;
  readonly lastByteNs: MonoNs;
  /** Device-assigned sequence number, where the protocol has one (native frames). */
  readonly deviceSeq?: number;
}

// ───────────────────────────── Drivers ─────────────────────────────

export type DriverName = 'raw' | 'zebra-ssi' | 'honeywell' | 'newland' | 'grow' | 'hid-pos' | 'native';

export interface DeviceInfo {
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly serial: string;
  /** For terminals running our firmware SDK: the certified model id they claim. */
  readonly certifiedModelId?: string;
}

export type BeepKind = 'good' | 'bad';
export type LedKind = 'good' | 'bad' | 'off';

export interface DriverCapabilities {
  readonly trigger: boolean;
  readonly beep: boolean;
  readonly led: boolean;
  readonly identity: boolean;
}

/** Counters every driver keeps; exposed for metrics and the `ehc scan` summary. */
export interface DriverStats {
  scans: number;
  /** Bytes that did not form a valid frame and were skipped (framed protocols). */
  bytesSkipped: number;
  /** Frames with a bad checksum/CRC. */
  badFrames: number;
  /** Partial frames dropped at disconnect or inter-byte timeout. */
  partialDropped: number;
  /** Negative acknowledgements received from the device. */
  naks: number;
  /** Commands or packets we re-sent. */
  retries: number;
  /** Duplicate scans suppressed (re-sends the device made after a lost ack). */
  duplicates: number;
}

/** What a driver may do to the outside world. Injected, so drivers stay testable without I/O. */
export interface DriverIo {
  write(data: Uint8Array): Promise<void>;
  emitScan(scan: Omit<ScanEvent, 'deviceId'>): void;
  /** A non-fatal problem (garbage, NAK, timeout): reported, the driver keeps running. */
  emitError(error: EhcError): void;
  now(): MonoNs;
  /** Timer for inter-byte and response timeouts; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * One wire protocol's host side. A driver is created per connection; it owns its codec state.
 *
 * - `start()` is called once after the transport opened: it brings the device into the mode the
 *   driver needs (e.g. SSI packet mode, temporary) and reads the identity. It rejects with an
 *   `EhcError` if the device does not answer as this protocol.
 * - `receive()` takes every chunk from the transport, in order, however it was split. Bytes that
 *   do not form a valid frame are skipped and counted, never delivered as a scan.
 * - `reset()` is called when the transport is gone: partial frames are dropped (counted in
 *   `stats.partialDropped`) and pending commands reject with `DEVICE_DISCONNECTED`.
 * - Commands the device cannot perform reject with `DEVICE_UNSUPPORTED`.
 */
export interface Driver {
  readonly name: DriverName;
  readonly capabilities: DriverCapabilities;
  readonly stats: DriverStats;
  start(io: DriverIo): Promise<DeviceInfo>;
  receive(chunk: Uint8Array, atNs: MonoNs): void;
  reset(cause: DisconnectCause): void;
  enable(on: boolean): Promise<void>;
  trigger(on: boolean): Promise<void>;
  beep(kind: BeepKind): Promise<void>;
  led(kind: LedKind): Promise<void>;
}

// ───────────────────────────── Scanner (session) ─────────────────────────────

export type ScannerState = 'closed' | 'opened' | 'claimed' | 'enabled';

export interface ScannerStatus {
  readonly state: ScannerState;
  readonly connected: boolean;
  readonly reason?: string;
}

export interface ScannerEvents {
  scan: [event: ScanEvent];
  status: [status: ScannerStatus];
  error: [error: EhcError];
}

/**
 * The UnifiedPOS-shaped scanner the agent uses, whatever the vendor or transport.
 * `closed → opened → claimed → enabled`. Delivers scans continuously while enabled (no re-arm);
 * scans wait in a bounded queue while no listener keeps up (oldest dropped and counted past the
 * bound). `error` events never end the session; a lost device moves to `connected: false` and the
 * manager reconnects it.
 */
export interface Scanner extends EventEmitter<ScannerEvents> {
  readonly id: string;
  readonly driverName: DriverName;
  readonly identity: DeviceIdentity;
  readonly state: ScannerState;
  claim(): Promise<void>;
  release(): Promise<void>;
  enable(): Promise<void>;
  disable(): Promise<void>;
  trigger(on: boolean): Promise<void>;
  beep(kind: BeepKind): Promise<void>;
  led(kind: LedKind): Promise<void>;
  info(): DeviceInfo | undefined;
  stats(): DriverStats;
}
