import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createZebraSsiDriver, type ZebraSsiOptions } from '../../../devices/drivers/zebra-ssi/index.js';
import { SsiEngine, type SsiEngineOptions } from '../../../firmware-sdk/virtual/engines/ssi/index.js';
import { dropFirst, FakeClock, Link, silentEngine, splitter, toHex, utf8 } from './support/index.js';

function setup(driverOpts: ZebraSsiOptions = {}, engineOpts: SsiEngineOptions = {}, clock = new FakeClock()) {
  const engine = new SsiEngine({ setTimer: clock.setTimer, ...engineOpts });
  const driver = createZebraSsiDriver({ wakeup: false, ...driverOpts });
  const link = new Link(driver, engine, { clock });
  return { engine, driver, link, clock };
}

const EHC = '6F0B8A1C2D3E4F5A6B7C8D9E0F1A2B3C:0:00D8A0F2B1C3E4D5:1:3301000001';

describe('Zebra SSI driver ↔ virtual SSI decoder', () => {
  it('connects: wakeup, revision probe, temporary packet mode; byte-exact host traffic', async () => {
    const { engine, driver, link } = setup({ wakeup: true, model: 'DS4308' });
    const info = await link.run(driver.start(link.io));
    expect(info).toEqual({ vendor: 'Zebra', model: 'DS4308', firmware: 'NBRFMAAC 6 00 17', serial: '' });
    expect(link.written.map(toHex)).toEqual([
      '00',
      '04 A3 04 00 FF 55', // REQUEST_REVISION
      '04 D0 04 00 FF 28', // host ACK of REPLY_REVISION
      '07 C6 04 00 FF EE 01 FD 41', // PARAM_SEND, temporary, no beep, 0xEE = 1
    ]);
    expect(engine.state).toMatchObject({ packetMode: true, wakeups: 1, permanentWrites: 0 });
    expect(link.clock.pending).toBe(0);
  });

  it('copes with a factory-mode device sending raw text before packet mode is on', async () => {
    const { engine, driver, link } = setup();
    const starting = driver.start(link.io);
    engine.scan({ payload: utf8('RAW TEXT BEFORE PACKET MODE') }); // raw, before the probe arrives
    await link.run(starting);
    expect(link.scans).toEqual([]);
    expect(driver.stats.bytesSkipped).toBe('RAW TEXT BEFORE PACKET MODE\r\n'.length);
    expect(link.errors.map((e) => e.code)).toContain('DEVICE_FRAMING');
    engine.scan({ payload: utf8(EHC) });
    await link.settle();
    expect(link.scans).toMatchObject([
      { text: EHC, symbology: 'qr_code', symbologySource: 'vendor', vendorCode: '0x1C', charset: 'ascii' },
    ]);
    expect(driver.stats.scans).toBe(1);
  });

  it('delivers Chinese UTF-8 and GBK payloads and 1–2 KB multi-packet payloads as one scan each', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    const big = utf8(`${EHC}|${'电子健康卡'.repeat(60)}|${'X'.repeat(900)}`); // ≈ 1.9 KB
    engine.scan({ payload: utf8('张三 电子健康卡') });
    engine.scan({ payload: iconv.encode('李四 就诊卡', 'gbk') });
    engine.scan({ payload: big, symbology: 'data_matrix' });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.charset])).toEqual([
      ['张三 电子健康卡', 'utf-8'],
      ['李四 就诊卡', 'gbk'],
      [new TextDecoder().decode(big), 'utf-8'],
    ]);
    expect(link.scans[2]!.bytes).toEqual(big);
    expect(link.scans[2]!.symbology).toBe('data_matrix');
    // 8 packets of ≤ 250 payload bytes, each acknowledged before the next was sent.
    const decodePackets = link.emitted.filter((c) => c[1] === 0xf3);
    expect(decodePackets.length).toBe(2 + Math.ceil(big.length / 250));
    expect(engine.state).toMatchObject({ pendingPackets: 0, commErrors: 0 });
  });

  it('any chunking of the byte stream (down to 1 byte) gives the same scans', async () => {
    const payloads = fc.array(
      fc.oneof(
        fc
          .string({ minLength: 1, maxLength: 80 })
          .filter((s) => !s.startsWith(']') /* `]Xn` reads as an AIM id, stripped by design */)
          .map(utf8),
        fc.constantFrom(utf8('张三 电子健康卡'), iconv.encode('王五', 'gbk'), utf8('Y'.repeat(600))),
      ),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        payloads,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        async (ps, cuts) => {
          const { engine, driver, link } = setup();
          link.toHost = splitter(cuts);
          await link.run(driver.start(link.io));
          for (const p of ps) engine.scan({ payload: p });
          await link.settle();
          expect(link.scans.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
            ps.map((p) => Buffer.from(p).toString('hex')),
          );
          expect(driver.stats).toMatchObject({ bytesSkipped: 0, badFrames: 0, partialDropped: 0 });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('skips and counts garbage between frames', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    const junk = utf8('noise!~'); // printable garbage: never a packet head
    link.toHost = (c) => [junk, c];
    engine.scan({ payload: utf8('A1') });
    engine.scan({ payload: utf8('B2') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['A1', 'B2']);
    expect(driver.stats.bytesSkipped).toBe(2 * junk.length);
    expect(driver.stats.scans).toBe(2);
  });

  it('answers a corrupted packet with NAK RESEND and delivers the resend once', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    let corrupt = true;
    link.toHost = (c) => {
      if (corrupt && c[1] === 0xf3) {
        corrupt = false;
        const bad = Uint8Array.from(c);
        bad[6] = bad[6]! ^ 0x01;
        return [bad];
      }
      return [c];
    };
    engine.scan({ payload: utf8('ABCDEF') });
    await link.settle();
    link.clock.advance(200); // inter-byte time-out flushes the bogus head the corruption left
    await link.settle();
    expect(link.written.map(toHex)).toContain('05 D1 04 00 01 FF 25');
    expect(link.scans.map((s) => s.text)).toEqual(['ABCDEF']);
    expect(driver.stats.badFrames).toBe(1);
    expect(engine.state).toMatchObject({ resends: 1, commErrors: 0 });
  });

  it('a resend after a lost host ACK is recognised as a duplicate, not a second scan', async () => {
    const { engine, driver, link, clock } = setup();
    await link.run(driver.start(link.io));
    link.toDevice = dropFirst((c) => c[1] === 0xd0);
    engine.scan({ payload: utf8('ONCE') });
    await link.settle();
    clock.advance(2000); // the device's response time-out: it resends with the retransmit bit
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['ONCE']);
    expect(driver.stats.duplicates).toBe(1);
    expect(engine.state).toMatchObject({ resends: 1, pendingPackets: 0, commErrors: 0 });
  });

  it('resends a command whose ACK was lost; the device does not act twice', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    link.toHost = dropFirst((c) => c[1] === 0xd0);
    await link.run(driver.beep('good'));
    expect(driver.stats.retries).toBe(1);
    expect(link.written.at(-1)![3]).toBe(0x01); // retransmit bit
    expect(engine.state.beeps).toEqual([0x00]);
  });

  it('maps device NAKs: DENIED → DEVICE_NAK, BAD_CONTEXT → DEVICE_UNSUPPORTED', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    engine.nakNext(0x06);
    await expect(link.run(driver.beep('bad'))).rejects.toMatchObject({ code: 'DEVICE_NAK' });
    engine.nakNext(0x02);
    await expect(link.run(driver.led('good'))).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    expect(driver.stats.naks).toBe(2);
  });

  it('enable, trigger, beep and LED reach the device; host-trigger mode decodes only in a session', async () => {
    const { engine, driver, link } = setup({}, { triggerMode: 'host' });
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('IGNORED') });
    await link.run(driver.trigger(true));
    engine.scan({ payload: utf8('READ') });
    await link.settle();
    await link.run(driver.enable(false));
    await link.run(driver.trigger(true));
    engine.scan({ payload: utf8('DISABLED') });
    await link.run(driver.enable(true));
    await link.run(driver.trigger(false));
    await link.run(driver.beep('good'));
    await link.run(driver.led('good'));
    expect(engine.state).toMatchObject({
      beeps: [0x00],
      ledMask: 0x01,
      scanEnabled: true,
      sessionActive: false,
    });
    await link.run(driver.led('off'));
    expect(engine.state.ledMask).toBe(0);
    expect(link.scans.map((s) => s.text)).toEqual(['READ']);
    expect(engine.state.ignoredScans).toBe(2);
  });

  it('unplug mid-frame: the partial frame is dropped and counted, no scan, commands reject', async () => {
    const { engine, driver, link, clock } = setup();
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(40);
    engine.scan({ payload: utf8('Z'.repeat(100)) });
    await link.settle();
    const pending = driver.beep('good');
    link.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await expect(driver.trigger(true)).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(clock.pending).toBe(0); // no timer left behind by driver or device
  });

  it('after a replug the device is back in raw mode and a new driver brings it to packet mode', async () => {
    const clock = new FakeClock();
    const engine = new SsiEngine({ setTimer: clock.setTimer });
    const first = new Link(createZebraSsiDriver({ wakeup: false }), engine, { clock });
    await first.run(first.driver.start(first.io));
    first.unplug();
    expect(engine.state.packetMode).toBe(false);
    const second = new Link(createZebraSsiDriver({ wakeup: false }), engine, { clock });
    await second.run(second.driver.start(second.io));
    engine.scan({ payload: utf8('AFTER REPLUG') });
    await second.settle();
    expect(second.scans.map((s) => s.text)).toEqual(['AFTER REPLUG']);
  });

  it('start() rejects with DEVICE_NO_ANSWER when nothing answers SSI (after 2 resends)', async () => {
    const silent = silentEngine();
    const driver = createZebraSsiDriver({ wakeup: false, responseTimeoutMs: 300 });
    const link = new Link(driver, silent);
    await expect(link.run(driver.start(link.io))).rejects.toMatchObject({ code: 'DEVICE_NO_ANSWER' });
    expect(link.written.map(toHex)).toEqual(['04 A3 04 00 FF 55', '04 A3 04 01 FF 54', '04 A3 04 01 FF 54']);
    expect(driver.stats.retries).toBe(2);
  });

  it('a decode over the size cap is dropped whole: no scan from its remaining packets', async () => {
    const { engine, driver, link } = setup({ maxMessageBytes: 300 });
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('L'.repeat(1000)) }); // 4 packets; the cap is hit in the 2nd
    engine.scan({ payload: utf8('NEXT') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['NEXT']);
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.errors.map((e) => e.code)).toContain('DEVICE_MESSAGE_TOO_LARGE');
    expect(link.clock.pending).toBe(0);
  });

  it('rejects invalid options in the constructor', () => {
    expect(() => createZebraSsiDriver({ maxResends: -1 })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
    expect(() => createZebraSsiDriver({ connectParams: [[2000, 1]] })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
  });

  it('a disconnect during the wake-up pause ends start() with DEVICE_DISCONNECTED, not a hang', async () => {
    const { driver, link, clock } = setup({ wakeup: true });
    const starting = driver.start(link.io);
    await link.settle();
    expect(clock.pending).toBe(1); // the wake-up pause
    link.unplug();
    await expect(starting).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(clock.pending).toBe(0);
  });

  it('rejects commands before start()', async () => {
    await expect(createZebraSsiDriver().beep('good')).rejects.toMatchObject({ code: 'DEVICE_NOT_STARTED' });
  });

  it('connect parameters above 255 are written with the F0 prefix', async () => {
    const { engine, driver, link } = setup({
      connectParams: [
        [334, 1],
        [0x8a, 0x08],
      ],
    });
    await link.run(driver.start(link.io));
    expect(toHex(link.written.at(-1)!)).toMatch(/^0C C6 04 00 FF EE 01 F0 4E 01 8A 08 /);
    expect(engine.state.params).toMatchObject({ 238: 1, 334: 1, 138: 8 });
  });
});
