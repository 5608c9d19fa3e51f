import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, encodeFrame, FRAME_HEADER_BYTES, writeHeader } from '../../protocol/device/index.js';
import { FakeHal } from '../../test/firmware/fake-hal.js';
import { isFirmwareError } from './errors.js';
import { DeviceRuntime } from './runtime.js';

const identity = {
  vendor: 'ACME',
  model: 'K1',
  firmwareVersion: '2.1.0',
  serial: 'SN42',
  certifiedModelId: 'EHC-K1',
};

function boot(options: Partial<ConstructorParameters<typeof DeviceRuntime>[0]> = {}) {
  const hal = new FakeHal();
  const rt = new DeviceRuntime({ hal, identity, ackTimeoutMs: 500, heartbeatIntervalMs: 1000, ...options });
  rt.start();
  hal.link(true);
  return { hal, rt };
}

describe('DeviceRuntime: session', () => {
  it('announces itself on link-up: DeviceInfo (seq 1) then a boot event', () => {
    const { hal } = boot();
    expect(hal.received.map((e) => [e.seq, e.body.case])).toEqual([
      [1, 'deviceInfo'],
      [2, 'event'],
    ]);
    expect(hal.of('deviceInfo')[0]).toMatchObject({
      replyTo: 0,
      ...identity,
      protocolVersion: 1,
      bootId: 0x1234,
      heartbeatIntervalMs: 1000,
      ackTimeoutMs: 500,
      maxFrameBytes: 4096,
    });
  });

  it('answers Hello with DeviceInfo and clamps the requested heartbeat interval', () => {
    const { hal, rt } = boot();
    const seq = hal.send({
      case: 'hello',
      value: { protocolVersion: 1, hostName: 'h', heartbeatIntervalMs: 5 },
    });
    expect(hal.of('deviceInfo').at(-1)).toMatchObject({ replyTo: seq, heartbeatIntervalMs: 100 });
    expect(rt.state.heartbeatIntervalMs).toBe(100);
  });

  it('numbers envelopes 1, 2, 3, … and restarts at 1 on each link-up', () => {
    const { hal } = boot();
    hal.command({ op: 'enable' });
    hal.link(false);
    hal.link(true);
    const seqs = hal.received.map((e) => e.seq);
    expect(seqs.slice(0, 2)).toEqual([1, 2]);
    expect(seqs.at(-1)).toBe(1);
  });

  it('sends heartbeats only while the link is up, and stop() leaves no timer behind', () => {
    const { hal, rt } = boot();
    hal.clock.advance(3500);
    expect(hal.of('heartbeat').map((h) => h.uptimeMs)).toEqual([1000, 2000, 3000]);
    hal.link(false);
    hal.clock.advance(5000);
    expect(hal.of('heartbeat')).toHaveLength(3);
    hal.link(true);
    rt.stop();
    expect(hal.clock.pending).toBe(0);
  });

  it('validates options in the constructor', () => {
    const hal = new FakeHal();
    for (const bad of [
      { ackTimeoutMs: 0 },
      { queueCapacity: 0 },
      { maxPayloadBytes: 100 },
      { heartbeatIntervalMs: 1.5 },
    ]) {
      try {
        new DeviceRuntime({ hal, identity, ...bad });
        expect.unreachable();
      } catch (e) {
        expect(isFirmwareError(e) && e.code).toBe('FIRMWARE_BAD_OPTION');
      }
    }
  });
});

describe('DeviceRuntime: commands', () => {
  it('answers every command with exactly one reply carrying its seq', async () => {
    const { hal } = boot();
    const seqs = [
      hal.command({ op: 'disable' }),
      hal.command({ op: 'enable' }),
      hal.command({ op: 'trigger', on: true }),
      hal.command({ op: 'beep', kind: 'bad', count: 2 }),
      hal.command({ op: 'led', kind: 'good', durationMs: 300 }),
      hal.command({ op: 'configGet', keys: [] }),
      hal.command({ op: 'selfTest' }),
      hal.command({ op: 'unknown' }),
    ];
    await hal.settle();
    // Replies may overtake each other (a self-test takes longer); each carries its command's seq.
    expect(
      hal
        .of('reply')
        .map((r) => r.replyTo)
        .sort((a, b) => a - b),
    ).toEqual(seqs);
    expect(seqs.map((s) => hal.replyTo(s)?.status)).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'unsupported',
    ]);
    expect(hal.beeps).toEqual([{ kind: 'bad', count: 2 }]);
    expect(hal.leds).toEqual([{ kind: 'good', durationMs: 300 }]);
    const st = hal.replyTo(seqs[6]!)?.selfTest;
    expect(st?.passed).toBe(true);
    expect(st?.checks.map((c) => c.name)).toEqual(['decoder', 'clock', 'storage', 'link']);
  });

  it('config set is validated as a whole, temporary by default, persistent on request', async () => {
    const { hal, rt } = boot();
    const bad = hal.command({
      op: 'configSet',
      values: { beep_on_scan: 'false', ack_timeout_ms: 'soon' },
      persist: true,
    });
    const unknown = hal.command({ op: 'configGet', keys: ['nope'] });
    const temp = hal.command({ op: 'configSet', values: { beep_on_scan: 'false' }, persist: false });
    await hal.settle();
    expect(hal.replyTo(bad)?.status).toBe('invalid');
    expect(hal.replyTo(unknown)?.status).toBe('invalid');
    expect(hal.replyTo(temp)).toMatchObject({ status: 'ok', config: { beep_on_scan: 'false' } });
    expect(hal.storage.writes).toBe(0);
    const perm = hal.command({ op: 'configSet', values: { trigger_mode: 'host' }, persist: true });
    await hal.settle();
    expect(hal.replyTo(perm)?.status).toBe('ok');
    expect(hal.storage.read('config.trigger_mode')).toBe('host');
    // After a reboot the persistent value holds and the temporary one is gone.
    rt.stop();
    rt.start();
    expect(rt.state.config).toMatchObject({ trigger_mode: 'host', beep_on_scan: 'true' });
  });

  it('uploads a captured image in chunks that reassemble to the image', async () => {
    const { hal } = boot({ imageChunkBytes: 16, maxPayloadBytes: 256 });
    const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
    hal.image = { format: 'grey8', width: 10, height: 10, data };
    const seq = hal.command({ op: 'captureImage' });
    await hal.settle();
    const reply = hal.replyTo(seq);
    expect(reply?.status).toBe('ok');
    const chunks = hal.of('imageChunk').filter((c) => c.imageId === reply?.imageId);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const joined = new Uint8Array(chunks.flatMap((c) => [...c.data]));
    expect(joined).toEqual(data);
    expect(chunks.every((c) => c.crc32 === crc32(data) && c.count === 7 && c.totalBytes === 100)).toBe(true);
    // The reply precedes the chunks.
    const order = hal.received.map((e) => e.body.case);
    expect(order.indexOf('reply')).toBeLessThan(order.indexOf('imageChunk'));
    hal.image = undefined;
    const none = hal.command({ op: 'captureImage' });
    await hal.settle();
    expect(hal.replyTo(none)?.status).toBe('error');
  });

  it('reboots only after the reply went out', async () => {
    const { hal } = boot();
    const seq = hal.command({ op: 'reboot' });
    expect(hal.reboots).toBe(0);
    await hal.settle();
    expect(hal.replyTo(seq)?.status).toBe('ok');
    expect(hal.reboots).toBe(1);
  });

  it('keeps answering after garbage, oversize and corrupt frames', async () => {
    const { hal, rt } = boot();
    const oversize = new Uint8Array(FRAME_HEADER_BYTES + 20);
    writeHeader(oversize, 60_000, 1);
    const corrupt = encodeFrame(new Uint8Array([1, 2, 3]));
    corrupt[7] = (corrupt[7] ?? 0) ^ 0xff;
    hal.sendBytes(Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff));
    hal.sendBytes(oversize);
    hal.sendBytes(corrupt);
    hal.sendBytes(encodeFrame(new Uint8Array([0xff, 0xff])));
    const seq = hal.command({ op: 'beep', kind: 'good', count: 1 });
    await hal.settle();
    expect(hal.replyTo(seq)?.status).toBe('ok');
    expect(rt.state.badFramesIn).toBeGreaterThanOrEqual(3);
  });
});

describe('DeviceRuntime: scans', () => {
  it('reports scans with a per-boot sequence, device time and AIM id, and beeps', () => {
    const { hal } = boot();
    hal.clock.advance(250);
    hal.show('A');
    hal.show('B', 'data_matrix');
    const scans = hal.of('scan');
    expect(scans.map((s) => [s.scanSeq, s.bootId, s.attempt, s.aimId, s.symbology])).toEqual([
      [1, 0x1234, 1, 'Q1', 'qr_code'],
      [2, 0x1234, 1, 'd1', 'data_matrix'],
    ]);
    expect(scans[0]?.deviceTimeUs).toBe(250_000);
    expect(hal.beeps).toHaveLength(2);
  });

  it('re-sends an unacknowledged scan every ack timeout, keeping its scan_seq, until acked', () => {
    const { hal, rt } = boot();
    hal.show('X');
    hal.clock.advance(1600);
    expect(hal.of('scan').map((s) => [s.scanSeq, s.attempt])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ]);
    hal.send({ case: 'scanAck', value: { scanSeq: 1, bootId: 0x1234 } });
    hal.clock.advance(5000);
    expect(hal.of('scan')).toHaveLength(4);
    expect(rt.state.pendingScans).toBe(0);
    hal.send({ case: 'scanAck', value: { scanSeq: 1, bootId: 0x1234 } });
    expect(rt.state.stats.staleAcks).toBe(1);
  });

  it('re-sends pending scans at once on link-up and on Hello', () => {
    const { hal } = boot({ ackTimeoutMs: 60_000 });
    hal.link(false);
    hal.show('while down');
    expect(hal.of('scan')).toHaveLength(0);
    hal.link(true);
    expect(hal.of('scan').map((s) => s.attempt)).toEqual([1]);
    hal.send({ case: 'hello', value: { protocolVersion: 1, hostName: 'h', heartbeatIntervalMs: 0 } });
    expect(hal.of('scan').map((s) => s.attempt)).toEqual([1, 2]);
  });

  it('drops the oldest scan past the queue bound and says so', () => {
    const { hal, rt } = boot({ queueCapacity: 2 });
    hal.link(false);
    for (const p of ['1', '2', '3']) hal.show(p);
    hal.link(true);
    expect(hal.of('scan').map((s) => s.scanSeq)).toEqual([2, 3]);
    expect(hal.of('event').some((e) => e.kind === 'queue-overflow' && e.lostScans === 1)).toBe(false);
    expect(rt.state.lostScans).toBe(1);
    hal.show('4');
    expect(
      hal
        .of('event')
        .filter((e) => e.kind === 'queue-overflow')
        .map((e) => e.lostScans),
    ).toEqual([2]);
  });

  it('ignores symbols while disabled, and in host-trigger mode until the trigger is on', async () => {
    const { hal, rt } = boot();
    hal.command({ op: 'disable' });
    await hal.settle();
    hal.show('ignored');
    const ts = hal.command({ op: 'testScan', payload: new Uint8Array([1]), symbology: 'qr_code' });
    hal.command({ op: 'enable' });
    hal.command({ op: 'configSet', values: { trigger_mode: 'host' }, persist: false });
    await hal.settle();
    expect(hal.replyTo(ts)?.status).toBe('invalid');
    expect(hal.active).toBe(false);
    hal.show('still ignored');
    hal.command({ op: 'trigger', on: true });
    await hal.settle();
    expect(hal.active).toBe(true);
    hal.show('taken');
    expect(hal.of('scan').map((s) => new TextDecoder().decode(s.payload))).toEqual(['taken']);
    expect(rt.state.stats.ignoredSymbols).toBe(2);
  });

  it('property: however the link drops and acks get lost, every scan reaches the host exactly once', () => {
    type Step = 'scan' | 'down' | 'up' | 'tick' | 'lose-acks' | 'keep-acks';
    const step = fc.constantFrom<Step>('scan', 'scan', 'down', 'up', 'tick', 'lose-acks', 'keep-acks');
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { hal } = boot({ queueCapacity: 64, ackTimeoutMs: 300 });
        const delivered: string[] = [];
        const seen = new Set<string>();
        let loseAcks = false;
        let shown = 0;
        let handled = 0;
        const host = () => {
          for (; handled < hal.received.length; handled++) {
            const b = hal.received[handled]!.body;
            if (b.case !== 'scan') continue;
            const key = `${b.value.bootId}:${b.value.scanSeq}`;
            if (!seen.has(key)) {
              seen.add(key);
              delivered.push(new TextDecoder().decode(b.value.payload));
            }
            if (!loseAcks)
              hal.send({ case: 'scanAck', value: { scanSeq: b.value.scanSeq, bootId: b.value.bootId } });
          }
        };
        for (const s of steps) {
          if (s === 'scan') hal.show(`p${shown++}`);
          else if (s === 'down') hal.link(false);
          else if (s === 'up') hal.link(true);
          else if (s === 'tick') hal.clock.advance(400);
          else loseAcks = s === 'lose-acks';
          host();
        }
        loseAcks = false;
        hal.link(true);
        host();
        hal.clock.advance(400);
        host();
        expect(delivered).toEqual(Array.from({ length: shown }, (_, i) => `p${i}`));
      }),
      { numRuns: 200 },
    );
  });
});
