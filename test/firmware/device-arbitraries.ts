/**
 * fast-check arbitraries for native protocol envelopes, shared by the codec, runtime and driver
 * tests. Every generated value round-trips through encode/decode exactly (strings are valid UTF-16
 * without lone surrogates, enums use the named values, 64-bit fields stay below 2^53).
 */
import fc from 'fast-check';
import type {
  CommandMessage,
  DeviceEnvelope,
  DeviceMessage,
  WireCharset,
  WireSymbology,
} from '../../protocol/device/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const seq = fc.integer({ min: 1, max: 0xffffffff });
const text = fc.string({ maxLength: 24, unit: 'grapheme' });
const bytes = fc.uint8Array({ maxLength: 96 });
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const symbology = fc.constantFrom<WireSymbology>(
  'unknown',
  'qr_code',
  'data_matrix',
  'code_128',
  'han_xin',
  'itf',
);
const charset = fc.constantFrom<WireCharset>('unspecified', 'utf-8', 'gbk', 'ascii');
const record = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
  text,
  { maxKeys: 4 },
);

export const commandArb: fc.Arbitrary<CommandMessage> = fc.oneof(
  fc.constantFrom<CommandMessage>(
    { op: 'enable' },
    { op: 'disable' },
    { op: 'selfTest' },
    { op: 'reboot' },
    { op: 'captureImage' },
  ),
  fc.record({ op: fc.constant('trigger' as const), on: fc.boolean() }),
  fc.record({
    op: fc.constant('beep' as const),
    kind: fc.constantFrom('good' as const, 'bad' as const),
    count: u32,
  }),
  fc.record({
    op: fc.constant('led' as const),
    kind: fc.constantFrom('good' as const, 'bad' as const, 'off' as const),
    durationMs: u32,
  }),
  fc.record({ op: fc.constant('configGet' as const), keys: fc.array(text, { maxLength: 4 }) }),
  fc.record({ op: fc.constant('configSet' as const), values: record, persist: fc.boolean() }),
  fc.record({ op: fc.constant('testScan' as const), payload: bytes, symbology }),
);

export const messageArb: fc.Arbitrary<DeviceMessage> = fc.oneof(
  fc.record({ protocolVersion: u32, hostName: text, heartbeatIntervalMs: u32 }).map((value) => ({
    case: 'hello' as const,
    value,
  })),
  fc
    .record({
      replyTo: u32,
      protocolVersion: u32,
      vendor: text,
      model: text,
      firmwareVersion: text,
      serial: text,
      certifiedModelId: text,
      bootId: u32,
      heartbeatIntervalMs: u32,
      ackTimeoutMs: u32,
      maxFrameBytes: u32,
      capabilities: fc.record({
        trigger: fc.boolean(),
        beep: fc.boolean(),
        led: fc.boolean(),
        image: fc.boolean(),
        config: fc.boolean(),
      }),
    })
    .map((value) => ({ case: 'deviceInfo' as const, value })),
  fc
    .record({
      scanSeq: u32,
      bootId: u32,
      deviceTimeUs: u53,
      payload: bytes,
      symbology,
      charset,
      eci: u32,
      aimId: text,
      vendorCode: text,
      attempt: u32,
    })
    .map((value) => ({ case: 'scan' as const, value })),
  fc.record({ scanSeq: u32, bootId: u32 }).map((value) => ({ case: 'scanAck' as const, value })),
  commandArb.map((value) => ({ case: 'command' as const, value })),
  fc
    .record({
      replyTo: u32,
      status: fc.constantFrom('ok' as const, 'error' as const, 'unsupported' as const, 'invalid' as const),
      message: text,
      config: record,
      imageId: u32,
    })
    .map((value) => ({ case: 'reply' as const, value })),
  fc
    .record({ uptimeMs: u53, pendingScans: u32, intervalMs: u32 })
    .map((value) => ({ case: 'heartbeat' as const, value })),
  fc
    .record({
      imageId: u32,
      index: u32,
      count: u32,
      totalBytes: u32,
      format: fc.constantFrom('grey8' as const, 'png' as const, 'jpeg' as const),
      width: u32,
      height: u32,
      data: bytes,
      crc32: u32,
      offset: u32,
    })
    .map((value) => ({ case: 'imageChunk' as const, value })),
  fc
    .record({
      kind: fc.constantFrom('boot' as const, 'queue-overflow' as const, 'error' as const),
      message: text,
      lostScans: u32,
    })
    .map((value) => ({ case: 'event' as const, value })),
);

export const envelopeArb: fc.Arbitrary<DeviceEnvelope> = fc.record({ seq, body: messageArb });

/** Splits `data` at the given cut points (sorted, deduplicated, within range). */
export function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), data.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) out.push(data.subarray(prev, p));
    prev = p;
  }
  if (prev < data.length) out.push(data.subarray(prev));
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic xorshift32 PRNG for large generated streams (fast-check is too slow for 10 MB). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
