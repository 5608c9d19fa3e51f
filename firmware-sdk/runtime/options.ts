import { FRAME_MAX_PAYLOAD_LIMIT, FRAME_MIN_MAX_PAYLOAD } from '../../protocol/device/frame.js';
import type { DeviceCapabilities } from '../../protocol/device/messages.js';
import type { Hal } from '../hal/types.js';
import { FirmwareError } from './errors.js';

/** Who the device says it is (DeviceInfo). */
export interface RuntimeIdentity {
  readonly vendor: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serial: string;
  /** The model id under which the terminal was certified (联网检测). */
  readonly certifiedModelId: string;
}

export interface RuntimeOptions {
  readonly hal: Hal;
  readonly identity: RuntimeIdentity;
  /** Heartbeat period when the host asks for none; default 1000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Bounds for a host-requested heartbeat interval; default 100…60000 ms. */
  readonly minHeartbeatIntervalMs?: number;
  readonly maxHeartbeatIntervalMs?: number;
  /** An unacknowledged scan is re-sent after this long; default 1000 ms. */
  readonly ackTimeoutMs?: number;
  /** Scans kept until acknowledged; the oldest is dropped (and counted) past it; default 64. */
  readonly queueCapacity?: number;
  /** Largest frame payload accepted and sent; default 4096 bytes. */
  readonly maxPayloadBytes?: number;
  /** Image upload chunk size; default 1024 bytes (must leave room for the envelope). */
  readonly imageChunkBytes?: number;
  /** What the device can do (announced in DeviceInfo); default: everything. */
  readonly capabilities?: Partial<DeviceCapabilities>;
  /** Whether scanning is enabled at boot; default true (presentation scanners scan at power-up). */
  readonly enabledAtBoot?: boolean;
}

export interface ResolvedRuntimeOptions {
  readonly heartbeatIntervalMs: number;
  readonly minHeartbeatIntervalMs: number;
  readonly maxHeartbeatIntervalMs: number;
  readonly ackTimeoutMs: number;
  readonly queueCapacity: number;
  readonly maxPayloadBytes: number;
  readonly imageChunkBytes: number;
  readonly capabilities: DeviceCapabilities;
  readonly enabledAtBoot: boolean;
}

function int(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new FirmwareError('FIRMWARE_BAD_OPTION', `"${name}" must be an integer in ${min}…${max}, got ${x}`);
  }
  return x;
}

/** Envelope overhead allowed for around an image chunk's data. */
export const IMAGE_CHUNK_HEADROOM = 64;

export function resolveRuntimeOptions(o: RuntimeOptions): ResolvedRuntimeOptions {
  for (const k of ['vendor', 'model', 'firmwareVersion', 'serial', 'certifiedModelId'] as const) {
    if (typeof o.identity?.[k] !== 'string') {
      throw new FirmwareError('FIRMWARE_BAD_OPTION', `identity.${k} must be a string`);
    }
  }
  const minHb = int('minHeartbeatIntervalMs', o.minHeartbeatIntervalMs, 100, 10, 3_600_000);
  const maxHb = int('maxHeartbeatIntervalMs', o.maxHeartbeatIntervalMs, 60_000, minHb, 3_600_000);
  const maxPayloadBytes = int(
    'maxPayloadBytes',
    o.maxPayloadBytes,
    4096,
    FRAME_MIN_MAX_PAYLOAD,
    FRAME_MAX_PAYLOAD_LIMIT,
  );
  return {
    heartbeatIntervalMs: int('heartbeatIntervalMs', o.heartbeatIntervalMs, 1000, minHb, maxHb),
    minHeartbeatIntervalMs: minHb,
    maxHeartbeatIntervalMs: maxHb,
    ackTimeoutMs: int('ackTimeoutMs', o.ackTimeoutMs, 1000, 10, 600_000),
    queueCapacity: int('queueCapacity', o.queueCapacity, 64, 1, 10_000),
    maxPayloadBytes,
    imageChunkBytes: int(
      'imageChunkBytes',
      o.imageChunkBytes,
      1024,
      16,
      maxPayloadBytes - IMAGE_CHUNK_HEADROOM,
    ),
    capabilities: { trigger: true, beep: true, led: true, image: true, config: true, ...o.capabilities },
    enabledAtBoot: o.enabledAtBoot ?? true,
  };
}
