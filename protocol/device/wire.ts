import { err, ok, type Result } from '../result.js';
import { DeviceProtocolError, type MessageDecodeError } from './errors.js';
import { encodeFrame, FRAME_MAX_PAYLOAD_LIMIT } from './frame.js';
import { ehc } from './generated/device.js';
import type { CommandMessage, DeviceEnvelope, DeviceMessage } from './messages.js';
import { BEEPS, CHARSETS, EVENTS, FORMATS, LEDS, name, num, STATUSES, SYMBOLOGIES } from './wire-enums.js';

const pb = ehc.device.v1;

/** 64-bit fields decode as `Long` when long.js is present, as numbers otherwise. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return 0;
}

const bytes = (v: Uint8Array | null | undefined): Uint8Array => (v ? new Uint8Array(v) : new Uint8Array(0));
const str = (v: string | null | undefined): string => v ?? '';
const u32 = (v: number | null | undefined): number => (v ?? 0) >>> 0;
const map = (v: { [k: string]: string } | null | undefined): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(v ?? {}).filter(([, x]) => typeof x === 'string'));

function commandToWire(c: CommandMessage): ehc.device.v1.ICommand {
  switch (c.op) {
    case 'enable':
    case 'disable':
    case 'selfTest':
    case 'reboot':
    case 'captureImage':
      return { [c.op]: {} };
    case 'trigger':
      return { trigger: { on: c.on } };
    case 'beep':
      return { beep: { kind: num(BEEPS, c.kind), count: c.count } };
    case 'led':
      return { led: { kind: num(LEDS, c.kind), durationMs: c.durationMs } };
    case 'configGet':
      return { configGet: { keys: [...c.keys] } };
    case 'configSet':
      return { configSet: { values: { ...c.values }, persist: c.persist } };
    case 'testScan':
      return { testScan: { payload: c.payload, symbology: num(SYMBOLOGIES, c.symbology) } };
    case 'unknown':
      return {};
  }
}

function bodyToWire(b: DeviceMessage): ehc.device.v1.IEnvelope {
  switch (b.case) {
    case 'hello':
    case 'deviceInfo':
    case 'scanAck':
    case 'heartbeat':
      return { [b.case]: b.value };
    case 'scan':
      return {
        scan: {
          ...b.value,
          symbology: num(SYMBOLOGIES, b.value.symbology),
          charset: num(CHARSETS, b.value.charset),
        },
      };
    case 'command':
      return { command: commandToWire(b.value) };
    case 'reply': {
      const { selfTest, ...rest } = b.value;
      const r: ehc.device.v1.IReply = {
        ...rest,
        config: { ...rest.config },
        status: num(STATUSES, rest.status),
      };
      return {
        reply: selfTest ? { ...r, selfTest: { passed: selfTest.passed, checks: [...selfTest.checks] } } : r,
      };
    }
    case 'imageChunk':
      return { imageChunk: { ...b.value, format: num(FORMATS, b.value.format) } };
    case 'event':
      return { event: { ...b.value, kind: num(EVENTS, b.value.kind) } };
  }
}

/** Encodes an envelope to protobuf bytes. Throws `DEVICE_PROTO_ENCODE_FAILED` on a malformed value. */
export function encodeEnvelope(env: DeviceEnvelope): Uint8Array {
  try {
    return pb.Envelope.encode({ seq: env.seq, ...bodyToWire(env.body) }).finish();
  } catch (e) {
    throw new DeviceProtocolError('DEVICE_PROTO_ENCODE_FAILED', `cannot encode a ${env.body.case} envelope`, {
      cause: e,
    });
  }
}

/** Encodes an envelope and wraps it in a frame (see `frame.ts`). */
export function encodeDeviceFrame(
  env: DeviceEnvelope,
  maxPayloadBytes = FRAME_MAX_PAYLOAD_LIMIT,
): Uint8Array {
  return encodeFrame(encodeEnvelope(env), maxPayloadBytes);
}

function commandFromWire(c: ehc.device.v1.Command): CommandMessage {
  switch (c.op) {
    case 'enable':
    case 'disable':
    case 'selfTest':
    case 'reboot':
    case 'captureImage':
      return { op: c.op };
    case 'trigger':
      return { op: 'trigger', on: c.trigger?.on === true };
    case 'beep':
      return { op: 'beep', kind: c.beep?.kind === 2 ? 'bad' : 'good', count: u32(c.beep?.count) };
    case 'led': {
      const kind = name(LEDS, c.led?.kind);
      return { op: 'led', kind: kind === 'unspecified' ? 'off' : kind, durationMs: u32(c.led?.durationMs) };
    }
    case 'configGet':
      return { op: 'configGet', keys: (c.configGet?.keys ?? []).map(str) };
    case 'configSet':
      return { op: 'configSet', values: map(c.configSet?.values), persist: c.configSet?.persist === true };
    case 'testScan':
      return {
        op: 'testScan',
        payload: bytes(c.testScan?.payload),
        symbology: name(SYMBOLOGIES, c.testScan?.symbology),
      };
    default:
      return { op: 'unknown' };
  }
}

function bodyFromWire(e: ehc.device.v1.Envelope): DeviceMessage | undefined {
  switch (e.body) {
    case 'hello': {
      const h = e.hello!;
      return {
        case: 'hello',
        value: {
          protocolVersion: u32(h.protocolVersion),
          hostName: str(h.hostName),
          heartbeatIntervalMs: u32(h.heartbeatIntervalMs),
        },
      };
    }
    case 'deviceInfo': {
      const d = e.deviceInfo!;
      const c = d.capabilities;
      return {
        case: 'deviceInfo',
        value: {
          replyTo: u32(d.replyTo),
          protocolVersion: u32(d.protocolVersion),
          vendor: str(d.vendor),
          model: str(d.model),
          firmwareVersion: str(d.firmwareVersion),
          serial: str(d.serial),
          certifiedModelId: str(d.certifiedModelId),
          bootId: u32(d.bootId),
          heartbeatIntervalMs: u32(d.heartbeatIntervalMs),
          ackTimeoutMs: u32(d.ackTimeoutMs),
          maxFrameBytes: u32(d.maxFrameBytes),
          capabilities: {
            trigger: c?.trigger === true,
            beep: c?.beep === true,
            led: c?.led === true,
            image: c?.image === true,
            config: c?.config === true,
          },
        },
      };
    }
    case 'scan': {
      const s = e.scan!;
      return {
        case: 'scan',
        value: {
          scanSeq: u32(s.scanSeq),
          bootId: u32(s.bootId),
          deviceTimeUs: toNumber(s.deviceTimeUs),
          payload: bytes(s.payload),
          symbology: name(SYMBOLOGIES, s.symbology),
          charset: name(CHARSETS, s.charset),
          eci: u32(s.eci),
          aimId: str(s.aimId),
          vendorCode: str(s.vendorCode),
          attempt: u32(s.attempt),
        },
      };
    }
    case 'scanAck':
      return { case: 'scanAck', value: { scanSeq: u32(e.scanAck!.scanSeq), bootId: u32(e.scanAck!.bootId) } };
    case 'command':
      return { case: 'command', value: commandFromWire(e.command as ehc.device.v1.Command) };
    case 'reply': {
      const r = e.reply!;
      const st = r.selfTest;
      const base = {
        replyTo: u32(r.replyTo),
        status: name(STATUSES, r.status),
        message: str(r.message),
        config: map(r.config),
        imageId: u32(r.imageId),
      };
      if (!st) return { case: 'reply', value: base };
      const checks = (st.checks ?? []).map((c) => ({
        name: str(c.name),
        passed: c.passed === true,
        detail: str(c.detail),
      }));
      return { case: 'reply', value: { ...base, selfTest: { passed: st.passed === true, checks } } };
    }
    case 'heartbeat': {
      const h = e.heartbeat!;
      return {
        case: 'heartbeat',
        value: {
          uptimeMs: toNumber(h.uptimeMs),
          pendingScans: u32(h.pendingScans),
          intervalMs: u32(h.intervalMs),
        },
      };
    }
    case 'imageChunk': {
      const c = e.imageChunk!;
      return {
        case: 'imageChunk',
        value: {
          imageId: u32(c.imageId),
          index: u32(c.index),
          count: u32(c.count),
          totalBytes: u32(c.totalBytes),
          format: name(FORMATS, c.format),
          width: u32(c.width),
          height: u32(c.height),
          data: bytes(c.data),
          crc32: u32(c.crc32),
          offset: u32(c.offset),
        },
      };
    }
    case 'event': {
      const v = e.event!;
      return {
        case: 'event',
        value: { kind: name(EVENTS, v.kind), message: str(v.message), lostScans: u32(v.lostScans) },
      };
    }
    default:
      return undefined;
  }
}

/**
 * Decodes protobuf bytes into an envelope. Never throws: malformed bytes (protobufjs raises
 * `RangeError`/`Error` for them) and an envelope without a body are `bad-message` values. Byte
 * fields are copies; map keys such as `__proto__` cannot pollute prototypes.
 */
export function decodeEnvelope(data: Uint8Array): Result<DeviceEnvelope, MessageDecodeError> {
  let e: ehc.device.v1.Envelope;
  try {
    e = pb.Envelope.decode(data);
  } catch (x) {
    const why = x instanceof Error ? x.message : 'unreadable protobuf';
    return err({ type: 'bad-message', message: `not an Envelope: ${why}` });
  }
  let body: DeviceMessage | undefined;
  try {
    body = bodyFromWire(e);
  } catch (x) {
    const why = x instanceof Error ? x.message : 'unreadable field';
    return err({ type: 'bad-message', message: `malformed Envelope: ${why}` });
  }
  if (!body) return err({ type: 'bad-message', message: 'envelope has no body' });
  return ok({ seq: u32(e.seq), body });
}
