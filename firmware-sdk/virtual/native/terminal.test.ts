import { describe, expect, it } from 'vitest';
import {
  type DeviceEnvelope,
  DeviceStreamDecoder,
  encodeDeviceFrame,
} from '../../../protocol/device/index.js';
import { ManualClock } from '../../../test/firmware/manual-clock.js';
import { FaultyEngine } from './faults.js';
import { NativeTerminal } from './terminal.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function wire(engine: { attach(s: ((d: Uint8Array) => void) | undefined): void }) {
  const got: DeviceEnvelope[] = [];
  const dec = new DeviceStreamDecoder();
  engine.attach((d) => {
    for (const r of dec.push(d)) if (r.ok) got.push(r.value.envelope);
  });
  return got;
}

describe('NativeTerminal', () => {
  it('routes shown symbols through the decoder slot (undefined = nothing decoded)', async () => {
    const clock = new ManualClock();
    const t = new NativeTerminal({
      clock,
      decoder: async (req) =>
        req.payload[0] === 0
          ? undefined
          : { payload: req.payload.subarray(1), symbology: 'qr_code', charset: 'gbk' },
    });
    const got = wire(t);
    t.scan({ payload: new Uint8Array([0, 1]) });
    t.scan({ payload: new Uint8Array([9, 0xd5, 0xc5]) });
    await flush();
    const scans = got.flatMap((e) => (e.body.case === 'scan' ? [e.body.value] : []));
    expect(scans.map((s) => [...s.payload])).toEqual([[0xd5, 0xc5]]);
    expect(scans[0]?.charset).toBe('gbk');
    expect(t.state).toMatchObject({ decodeFailures: 1, beeps: 1 });
    t.dispose();
    expect(clock.pending).toBe(0);
  });

  it('reboots after the reply: new boot id, DeviceInfo announced again', async () => {
    const clock = new ManualClock();
    const t = new NativeTerminal({ clock, rebootDelayMs: 40 });
    const got = wire(t);
    const boot = t.runtime.state.bootId;
    t.receive(encodeDeviceFrame({ seq: 1, body: { case: 'command', value: { op: 'reboot' } } }));
    await flush();
    clock.advance(40);
    const infos = got.flatMap((e) => (e.body.case === 'deviceInfo' ? [e.body.value] : []));
    expect(infos).toHaveLength(2);
    expect(infos[1]?.bootId).not.toBe(boot);
    expect(t.state).toMatchObject({ reboots: 1 });
    t.dispose();
    expect(clock.pending).toBe(0);
  });

  it('a faulty wrapper drops exactly what its fault says and keeps seqs contiguous', async () => {
    const clock = new ManualClock();
    const t = new NativeTerminal({ clock, runtime: { heartbeatIntervalMs: 100, ackTimeoutMs: 100 } });
    const f = new FaultyEngine(t, { kind: 'slow-heartbeat', factor: 3 });
    const got = wire(f);
    clock.advance(900);
    f.receive(
      encodeDeviceFrame({
        seq: 1,
        body: {
          case: 'command',
          value: { op: 'testScan', payload: new Uint8Array([7]), symbology: 'qr_code' },
        },
      }),
    );
    await flush();
    clock.advance(250);
    const cases = got.map((e) => e.body.case);
    expect(cases.filter((c) => c === 'heartbeat')).toHaveLength(4);
    expect(got.filter((e) => e.body.case === 'scan')).toHaveLength(3);
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    t.dispose();
  });
});
