/**
 * Virtual devices: device-side emulators that speak a wire protocol byte-exactly, so drivers are
 * tested end to end against real protocol behaviour rather than ad-hoc stubs.
 *
 * A virtual device is split in two:
 * - a `DeviceEngine`: the protocol brain (pure logic, no I/O). It receives what the host wrote
 *   and emits what the device sends, through the sink it was attached to. One per protocol
 *   (raw text, Zebra SSI, Honeywell serial / HID POS, Newland, Grow, native).
 * - a harness (`firmware-sdk/virtual/harness/`): puts an engine behind a mock serial binding, a
 *   mock HID device, a TCP socket or a pseudo-terminal, enforces the hardware contract (exclusive
 *   open, no overlapping writes, pending reads cancelled on close, async delivery) and adds the
 *   failure knobs (unplug, replug, stall, corrupt bytes, split writes into arbitrary chunks).
 */

/** Where an engine's output goes. For HID engines each call carries one whole input report. */
export type DeviceSink = (data: Uint8Array) => void;

export interface ScanRequest {
  /** The barcode payload bytes as the symbol encodes them (UTF-8 or GBK for Chinese text). */
  readonly payload: Uint8Array;
  /** Symbology of the simulated symbol (default `qr_code`). */
  readonly symbology?: 'qr_code' | 'data_matrix' | 'code_128' | 'pdf417';
}

export interface VirtualDeviceIdentity {
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly serial: string;
  /** USB ids the emulated device reports (for profile matching and discovery tests). */
  readonly vid?: number;
  readonly pid?: number;
}

export interface DeviceEngine {
  /** Protocol name, matching the host driver name (`raw`, `zebra-ssi`, …). */
  readonly protocol: string;
  readonly identity: VirtualDeviceIdentity;
  /** Connects the engine's output. Called by the harness on open; `undefined` on close/unplug. */
  attach(sink: DeviceSink | undefined): void;
  /** Bytes (or, for HID engines, one output report) the host wrote to the device. */
  receive(data: Uint8Array): void;
  /** The user presented a symbol: the engine emits it as the protocol dictates (if enabled). */
  scan(request: ScanRequest): void;
  /** What the host has told it so far (for assertions): beeps, LED, enable state, mode… */
  readonly state: Readonly<Record<string, unknown>>;
}
