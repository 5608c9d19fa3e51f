/**
 * The serial stack end to end without hardware: `@serialport/stream` over the mock binding (with
 * an unplug knob) → SerialTransport → raw-text driver → ScannerSession → Reconnector. 100
 * unplug/replug cycles, scans in between (randomly chunked, UTF-8 and GBK), a partial frame cut
 * off by every other unplug: zero scans lost, zero duplicated, every partial frame dropped and
 * counted, one disconnect per unplug.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRawDriver } from '../../devices/drivers/raw/index.js';
import { Reconnector } from '../../devices/session/reconnect.js';
import { ScannerSession } from '../../devices/session/session.js';
import { SerialTransport } from '../../devices/transports/serial.js';
import type { ScannerStatus } from '../../devices/types.js';
import { ManualClock } from './support/manual-clock.js';
import { MockBinding } from './support/mock-binding.js';
import { UnpluggableBinding } from './support/unpluggable-binding.js';

const PATH = '/dev/ttyACM9';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('serial stack: 100 unplug/replug cycles', () => {
  beforeEach(() => MockBinding.createPort(PATH));
  afterEach(() => MockBinding.reset());

  it('loses nothing, duplicates nothing, drops and counts every cut-off frame', async () => {
    const clock = new ManualClock();
    const binding = new UnpluggableBinding();
    const transportFor = () =>
      new SerialTransport({
        path: PATH,
        binding: binding.asBinding(),
        identity: { vid: 0x0c2e, pid: 0x0b01, serialNumber: 'SN' },
      });
    const session = new ScannerSession({
      id: 'usb:0c2e:0b01:sn:SN',
      driverName: 'raw',
      identity: { path: PATH },
      clock,
      createDriver: () => createRawDriver(),
    });
    const delivered: string[] = [];
    const statuses: ScannerStatus[] = [];
    session.on('scan', (s) => delivered.push(s.text));
    session.on('status', (s) => statuses.push(s));
    await session.connect(transportFor());
    await session.claim();
    await session.enable();
    const reconnector = new Reconnector(session, transportFor, { clock, backoff: { initialDelayMs: 5 } });
    reconnector.start();

    const texts = ['电子健康卡', 'EHC:0123456789ABCDEF:1', '张三 李四', ']Q1QRDATA'];
    const rnd = fc.sample(fc.array(fc.nat({ max: 40 }), { minLength: 0, maxLength: 6 }), {
      numRuns: 100,
      seed: 5,
    });
    const expected: string[] = [];
    for (let cycle = 0; cycle < 100; cycle++) {
      const port = binding.port(PATH);
      const stream: Buffer[] = [];
      for (let j = 0; j < 3; j++) {
        const text = `${texts[(cycle + j) % texts.length]}#${cycle}.${j}`;
        const gbk = (cycle + j) % 2 === 0;
        stream.push(gbk ? iconv.encode(text, 'gbk') : Buffer.from(text), Buffer.from('\r\n'));
        expected.push(text.startsWith(']Q1') ? text.slice(3) : text);
      }
      const bytes = Buffer.concat(stream);
      const cuts = [...new Set(rnd[cycle]!.map((c) => c % bytes.length))].sort((a, b) => a - b);
      let from = 0;
      for (const c of [...cuts, bytes.length]) {
        if (c > from) port.emitData(bytes.subarray(from, c));
        from = c;
      }
      await until(() => delivered.length === expected.length, `scans of cycle ${cycle}`);
      if (cycle % 2 === 1) {
        port.emitData(Buffer.from('CUT-OFF-PARTIAL'));
        await until(
          () => session.stats().scans === expected.length && port.inner.port.data.length === 0,
          'partial read',
        );
      }
      port.unplug();
      await until(() => !session.connected, `disconnect ${cycle}`);
      clock.advance(5);
      await until(() => session.connected, `reconnect ${cycle}`);
    }
    expect(delivered).toEqual(expected);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(session.stats()).toMatchObject({ scans: 300, partialDropped: 50 });
    expect(session.sessionStats()).toMatchObject({ connects: 101, disconnects: 100, queueDropped: 0 });
    expect(statuses.filter((s) => !s.connected)).toHaveLength(100);
    expect(binding.opens).toBe(101);
    reconnector.stop();
    await session.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
