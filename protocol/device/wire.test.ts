import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeArb } from '../../test/firmware/device-arbitraries.js';
import { isDeviceProtocolError } from './errors.js';
import { encodeFrame } from './frame.js';
import { ehc } from './generated/device.js';
import type { DeviceEnvelope } from './messages.js';
import { nextSeq } from './messages.js';
import { DeviceStreamDecoder } from './stream.js';
import { decodeEnvelope, encodeDeviceFrame, encodeEnvelope } from './wire.js';

describe('envelope wire format', () => {
  it('decode ∘ encode is the identity on every message kind', () => {
    fc.assert(
      fc.property(envelopeArb, (env) => {
        const back = decodeEnvelope(encodeEnvelope(env));
        expect(back).toEqual({ ok: true, value: env });
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps 64-bit device times above 2^32 exact', () => {
    const env: DeviceEnvelope = {
      seq: 1,
      body: { case: 'heartbeat', value: { uptimeMs: 2 ** 45 + 3, pendingScans: 0, intervalMs: 1000 } },
    };
    const back = decodeEnvelope(encodeEnvelope(env));
    expect(back.ok && back.value.body.case === 'heartbeat' && back.value.body.value.uptimeMs).toBe(
      2 ** 45 + 3,
    );
  });

  it('decodes malformed protobuf and empty envelopes to bad-message values', () => {
    const samples = [
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      new Uint8Array([0x62, 0x10, 0x01]), // scan field claiming 16 bytes, 1 present
      new Uint8Array([0x0f]), // wire type 7
      new Uint8Array([0x08, 0x05]), // seq only, no body
    ];
    for (const s of samples) {
      const r = decodeEnvelope(s);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.type).toBe('bad-message');
    }
  });

  it('a command with an operation from a newer version decodes as unknown', () => {
    // Command field 99 (varint 1): unknown to this schema.
    const bytes = ehc.device.v1.Envelope.encode({ seq: 4, command: {} }).finish();
    const withUnknown = new Uint8Array([...bytes.subarray(0, bytes.length - 1), 3, 0x98, 0x06, 0x01]);
    const r = decodeEnvelope(withUnknown);
    expect(r.ok && r.value.body).toEqual({ case: 'command', value: { op: 'unknown' } });
  });

  it('map keys like __proto__ do not pollute prototypes', () => {
    const bytes = encodeEnvelope({
      seq: 1,
      body: {
        case: 'command',
        value: { op: 'configSet', values: { __proto__: 'x', ok: 'y' }, persist: false },
      },
    });
    const r = decodeEnvelope(bytes);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).ok).toBeUndefined();
    if (r.ok && r.value.body.case === 'command' && r.value.body.value.op === 'configSet') {
      expect(Object.getPrototypeOf(r.value.body.value.values)).toBe(Object.prototype);
      expect(r.value.body.value.values.ok).toBe('y');
    }
  });

  it('encoding a malformed value raises DEVICE_PROTO_ENCODE_FAILED with the cause kept', () => {
    const bad = {
      seq: 1,
      body: { case: 'reply', value: { replyTo: 1, config: {}, selfTest: { passed: true, checks: [null] } } },
    } as unknown as DeviceEnvelope;
    try {
      encodeEnvelope(bad);
      expect.unreachable();
    } catch (e) {
      expect(isDeviceProtocolError(e) && e.code).toBe('DEVICE_PROTO_ENCODE_FAILED');
      expect((e as Error).cause).toBeDefined();
    }
  });

  it('a frame whose payload is not an envelope is counted as a bad message', () => {
    const d = new DeviceStreamDecoder();
    const rs = d.push(encodeFrame(new Uint8Array([0xff, 0xff])));
    expect(rs.map((r) => !r.ok && r.error.type)).toEqual(['bad-message']);
    expect(d.stats.badMessages).toBe(1);
    expect(
      d.push(encodeDeviceFrame({ seq: 2, body: { case: 'scanAck', value: { scanSeq: 1, bootId: 2 } } })),
    ).toHaveLength(1);
  });

  it('sequence numbers wrap from 2^32-1 to 1', () => {
    expect(nextSeq(1)).toBe(2);
    expect(nextSeq(0xffffffff)).toBe(1);
  });
});

describe('generated code', () => {
  it('is up to date with device.proto (npm run proto:check)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/gen-proto.mjs', '--check']);
    expect(stdout).toMatch(/up to date/);
  });
});
