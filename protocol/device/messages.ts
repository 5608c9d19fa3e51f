/**
 * The native protocol's messages as plain, readonly TypeScript values: what the runtime and the
 * host driver work with. `wire.ts` converts them to and from the generated protobuf code
 * (`generated/device.js`); `device.proto` documents every field.
 */

export const PROTOCOL_VERSION = 1;

/** Symbologies with the same names as the device layer's `Symbology`. */
export type WireSymbology =
  | 'unknown'
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
  | 'itf';

/** `unspecified`: the host decides (UTF-8 when valid, else GBK). */
export type WireCharset = 'unspecified' | 'utf-8' | 'gbk' | 'ascii';
export type WireBeepKind = 'good' | 'bad';
export type WireLedKind = 'good' | 'bad' | 'off';
export type ReplyStatus = 'ok' | 'error' | 'unsupported' | 'invalid' | 'busy' | 'unspecified';
export type ImageFormat = 'unspecified' | 'grey8' | 'png' | 'jpeg';
export type DeviceEventKind =
  | 'unspecified'
  | 'boot'
  | 'trigger-pressed'
  | 'trigger-released'
  | 'decode-failed'
  | 'queue-overflow'
  | 'config-changed'
  | 'error';

export interface HelloMessage {
  readonly protocolVersion: number;
  readonly hostName: string;
  /** Requested heartbeat interval; 0 = device default. */
  readonly heartbeatIntervalMs: number;
}

export interface DeviceCapabilities {
  readonly trigger: boolean;
  readonly beep: boolean;
  readonly led: boolean;
  readonly image: boolean;
  readonly config: boolean;
}

export interface DeviceInfoMessage {
  /** Seq of the Hello answered; 0 when announced unsolicited. */
  readonly replyTo: number;
  readonly protocolVersion: number;
  readonly vendor: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serial: string;
  readonly certifiedModelId: string;
  readonly bootId: number;
  readonly heartbeatIntervalMs: number;
  readonly ackTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly capabilities: DeviceCapabilities;
}

export interface ScanMessage {
  readonly scanSeq: number;
  readonly bootId: number;
  /** Device monotonic clock at decode time, µs since boot. */
  readonly deviceTimeUs: number;
  readonly payload: Uint8Array;
  readonly symbology: WireSymbology;
  readonly charset: WireCharset;
  readonly eci: number;
  readonly aimId: string;
  readonly vendorCode: string;
  /** 1 for the first send, 2 for the first re-send, … */
  readonly attempt: number;
}

export interface ScanAckMessage {
  readonly scanSeq: number;
  readonly bootId: number;
}

export type CommandMessage =
  | { readonly op: 'enable' }
  | { readonly op: 'disable' }
  | { readonly op: 'trigger'; readonly on: boolean }
  | { readonly op: 'beep'; readonly kind: WireBeepKind; readonly count: number }
  | { readonly op: 'led'; readonly kind: WireLedKind; readonly durationMs: number }
  | { readonly op: 'configGet'; readonly keys: readonly string[] }
  | { readonly op: 'configSet'; readonly values: Readonly<Record<string, string>>; readonly persist: boolean }
  | { readonly op: 'selfTest' }
  | { readonly op: 'reboot' }
  | { readonly op: 'captureImage' }
  | { readonly op: 'testScan'; readonly payload: Uint8Array; readonly symbology: WireSymbology }
  /** A command with no operation this version knows (decoded only; the device answers `unsupported`). */
  | { readonly op: 'unknown' };

export type CommandOp = CommandMessage['op'];

export interface SelfTestCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface SelfTestResult {
  readonly passed: boolean;
  readonly checks: readonly SelfTestCheck[];
}

export interface ReplyMessage {
  readonly replyTo: number;
  readonly status: ReplyStatus;
  readonly message: string;
  readonly config: Readonly<Record<string, string>>;
  readonly selfTest?: SelfTestResult;
  readonly imageId: number;
}

export interface HeartbeatMessage {
  readonly uptimeMs: number;
  readonly pendingScans: number;
  readonly intervalMs: number;
}

export interface ImageChunkMessage {
  readonly imageId: number;
  readonly index: number;
  readonly count: number;
  readonly totalBytes: number;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** CRC-32 of the whole image. */
  readonly crc32: number;
  /** Where `data` starts in the image. */
  readonly offset: number;
}

export interface EventMessage {
  readonly kind: DeviceEventKind;
  readonly message: string;
  readonly lostScans: number;
}

export type DeviceMessage =
  | { readonly case: 'hello'; readonly value: HelloMessage }
  | { readonly case: 'deviceInfo'; readonly value: DeviceInfoMessage }
  | { readonly case: 'scan'; readonly value: ScanMessage }
  | { readonly case: 'scanAck'; readonly value: ScanAckMessage }
  | { readonly case: 'command'; readonly value: CommandMessage }
  | { readonly case: 'reply'; readonly value: ReplyMessage }
  | { readonly case: 'heartbeat'; readonly value: HeartbeatMessage }
  | { readonly case: 'imageChunk'; readonly value: ImageChunkMessage }
  | { readonly case: 'event'; readonly value: EventMessage };

export type DeviceMessageCase = DeviceMessage['case'];

export interface DeviceEnvelope {
  /** The sender's envelope counter (1, 2, …, wrapping from 2^32-1 to 1). */
  readonly seq: number;
  readonly body: DeviceMessage;
}

/** The next envelope sequence number after `seq` (skips 0). */
export function nextSeq(seq: number): number {
  return seq >= 0xffffffff ? 1 : seq + 1;
}

/** The value type of one message case, e.g. `MessageOf<'scan'>` is `ScanMessage`. */
export type MessageOf<C extends DeviceMessageCase> = Extract<DeviceMessage, { readonly case: C }>['value'];
