import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultyEngine, syntheticFrame } from '../../../firmware-sdk/virtual/native/index.js';
import { DeviceStreamDecoder } from '../../../protocol/device/index.js';
import { DriverBench } from '../../../test/firmware/driver-bench.js';
import { ScanDedupe } from './dedupe.js';
import { NativeDriver } from './driver.js';
import { isNativeDriverError } from './errors.js';

const benches: DriverBench[] = [];
function bench(options: ConstructorParameters<typeof DriverBench>[0] = {}): DriverBench {
  const b = new DriverBench(options);
  benches.push(b);
  return b;
}
afterEach(() => {
  for (const b of benches.splice(0)) b.close();
});

const codes = (b: DriverBench) => b.errors.map((e) => e.code);
const isAck = (data: Uint8Array) =>
  new DeviceStreamDecoder().push(data).some((r) => r.ok && r.value.envelope.body.case === 'scanAck');

describe('NativeDriver: session', () => {
  it('start() says Hello and returns the identity from DeviceInfo', async () => {
    const b = bench({ terminal: { identity: { vendor: 'ACME', serial: 'S1', certifiedModelId: 'EHC-9' } } });
    await expect(b.start()).resolves.toEqual({
      vendor: 'ACME',
      model: 'VT-1',
      firmware: '1.0.0',
      serial: 'S1',
      certifiedModelId: 'EHC-9',
    });
    expect(b.driver.deviceInfo?.heartbeatIntervalMs).toBe(1000);
    expect(b.driver.capabilities).toEqual({ trigger: true, beep: true, led: true, identity: true });
  });

  it('start() rejects DEVICE_PROBE_FAILED when nothing answers', async () => {
    const b = bench();
    b.link.stall(true);
    const started = b.start();
    started.catch(() => {});
    await b.advance(2100);
    await expect(started).rejects.toMatchObject({ code: 'DEVICE_PROBE_FAILED' });
  });

  it('commands reach the device and resolve on their replies', async () => {
    const b = bench();
    await b.start();
    await Promise.all([b.driver.beep('bad'), b.driver.led('good'), b.driver.trigger(true), b.settle()]);
    expect(b.terminal.feedback.beeps).toEqual([{ kind: 'bad', count: 1 }]);
    expect(b.terminal.feedback.led).toEqual({ kind: 'good', durationMs: 1000 });
    const set = b.driver.configSet({ beep_on_scan: 'false' });
    await b.settle();
    await expect(set).resolves.toEqual({ beep_on_scan: 'false' });
    const bad = b.driver.configSet({ nope: '1' });
    bad.catch(() => {});
    await b.settle();
    await expect(bad).rejects.toMatchObject({ code: 'NATIVE_COMMAND_FAILED' });
    const st = b.driver.selfTest();
    await b.settle();
    await expect(st).resolves.toMatchObject({ passed: true });
  });

  it('a command the device ignores rejects DEVICE_TIMEOUT at its deadline', async () => {
    const b = bench({ wrap: (t) => new FaultyEngine(t, { kind: 'ignore-command', op: 'beep' }) });
    await b.start();
    const beep = b.driver.beep('good');
    beep.catch(() => {});
    await b.advance(900);
    expect(b.driver.stats.scans).toBe(0);
    await b.advance(200);
    await expect(beep).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
  });

  it('captureImage() reassembles the uploaded frame', async () => {
    const b = bench({ terminal: { runtime: { imageChunkBytes: 500 } } });
    await b.start();
    const img = b.driver.captureImage();
    await b.settle();
    const expected = syntheticFrame(undefined);
    await expect(img).resolves.toMatchObject({ format: 'grey8', width: 96, height: 96, data: expected.data });
  });

  it('reports silence beyond three heartbeat intervals once, and nothing while heartbeats flow', async () => {
    const b = bench();
    await b.start();
    await b.advance(5000, 250);
    expect(codes(b)).toEqual([]);
    expect(b.driver.stats.heartbeats).toBeGreaterThanOrEqual(4);
    b.link.stall(true);
    await b.advance(6000, 250);
    expect(codes(b)).toEqual(['NATIVE_HEARTBEAT_MISSED']);
    expect(b.driver.stats.heartbeatsMissed).toBe(1);
  });

  it('after a device reboot it restores the enable state the host set', async () => {
    const b = bench();
    await b.start();
    const off = b.driver.enable(false);
    await b.settle();
    await off;
    const boot = b.driver.deviceInfo?.bootId;
    const reboot = b.driver.reboot();
    await b.settle();
    await reboot;
    await b.advance(100, 10);
    expect(b.driver.deviceInfo?.bootId).not.toBe(boot);
    expect(b.terminal.runtime.state.enabled).toBe(false);
  });

  it('reset() rejects pending commands with DEVICE_DISCONNECTED and counts a partial frame', async () => {
    const b = bench();
    await b.start();
    b.link.stall(true);
    const beep = b.driver.beep('good');
    beep.catch(() => {});
    b.driver.receive(new Uint8Array([0xec, 0xa5, 1]), 0n);
    b.driver.reset({ reason: 'unplugged' });
    await expect(beep).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(b.driver.stats.partialDropped).toBe(1);
    expect(isNativeDriverError(await beep.catch((e: unknown) => e))).toBe(true);
  });
});

describe('NativeDriver: scans', () => {
  it('delivers a scan with its text, charset, AIM id and sequence, and acknowledges it', async () => {
    const b = bench();
    await b.start();
    const gbk = new Uint8Array([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    b.link.scan(gbk);
    await b.settle();
    expect(b.scans).toHaveLength(1);
    expect(b.scans[0]).toMatchObject({
      text: '张三',
      charset: 'gbk',
      aimId: 'Q1',
      symbology: 'qr_code',
      symbologySource: 'vendor',
      deviceSeq: 1,
      bytes: gbk,
    });
    expect(b.terminal.runtime.state.pendingScans).toBe(0);
    expect(b.driver.stats.acksSent).toBe(1);
  });

  it('a re-send after a lost acknowledgement is acknowledged again but delivered once', async () => {
    const b = bench();
    await b.start();
    let dropAcks = true;
    b.filterWrite = (d) => !(dropAcks && isAck(d));
    b.link.scan('EHC:1');
    await b.settle();
    await b.advance(700);
    dropAcks = false;
    await b.advance(400);
    expect(b.texts()).toEqual(['EHC:1']);
    expect(b.driver.stats.duplicates).toBeGreaterThanOrEqual(2);
    expect(b.terminal.runtime.state.pendingScans).toBe(0);
  });

  it('across an unplug and a new driver sharing the dedupe store, no scan is lost or doubled', async () => {
    const dedupe = new ScanDedupe();
    const b = bench({ driver: { dedupe } });
    await b.start();
    b.filterWrite = (d) => !isAck(d);
    b.link.scan('before');
    await b.settle();
    b.link.unplug();
    b.driver.reset({ reason: 'unplugged' });
    b.link.scan('during');
    b.link.replug();
    // Same terminal and link, a fresh driver (one per connection) sharing the dedupe store.
    b.driver = new NativeDriver({ dedupe });
    b.filterWrite = () => true;
    await b.start();
    await b.advance(100);
    expect(b.texts()).toEqual(['before', 'during']);
    expect(b.driver.stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(b.terminal.runtime.state.pendingScans).toBe(0);
  });

  it('counts skipped garbage and corrupt frames, and a corrupted scan still arrives once', async () => {
    const b = bench();
    await b.start();
    b.link.inject(new Uint8Array(500).fill(0x55));
    // The next frame out is the scan: its header (6 bytes) and envelope start pass, a payload byte flips.
    b.link.corrupt({ after: 12, bytes: 1, seed: 9 });
    b.link.scan('survives');
    await b.settle();
    await b.advance(400);
    expect(b.texts()).toEqual(['survives']);
    expect(b.driver.stats.bytesSkipped).toBeGreaterThanOrEqual(500);
    expect(b.driver.stats.badFrames).toBeGreaterThanOrEqual(1);
    expect(codes(b)).toContain('NATIVE_BAD_FRAME');
  });

  it('property: any chunking and sparse corruption deliver every scan exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 6 }),
        async (maxSize, seed, n) => {
          const b = bench();
          await b.start();
          b.link.setChunking({ mode: 'random', maxSize, seed });
          b.link.corrupt({ rate: 0.002, seed });
          const sent = Array.from({ length: n }, (_, i) => `scan-${seed}-${i}`);
          for (const s of sent) b.link.scan(s);
          await b.settle();
          b.link.corrupt(undefined);
          await b.advance(1200, 100);
          // Exactly once; a corrupted scan arrives on its re-send, after the scans behind it.
          expect([...b.texts()].sort()).toEqual(sent);
          b.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
