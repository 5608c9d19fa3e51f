import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  createHoneywellDriver,
  type HoneywellBase,
  type HoneywellOptions,
} from '../../../devices/drivers/honeywell/index.js';
import {
  type HoneywellEngineOptions,
  HoneywellHidEngine,
  HoneywellSerialEngine,
} from '../../../firmware-sdk/virtual/engines/honeywell/index.js';
import { Link, silentEngine, splitter, toHex, utf8 } from './support/index.js';

function serial(driverOpts: HoneywellOptions = {}, engineOpts: HoneywellEngineOptions = {}) {
  const engine = new HoneywellSerialEngine(engineOpts);
  const driver = createHoneywellDriver(driverOpts) as HoneywellBase;
  const link = new Link(driver, engine);
  return { engine, driver, link };
}

function hid(driverOpts: HoneywellOptions = {}) {
  const engine = new HoneywellHidEngine();
  const driver = createHoneywellDriver({ ...driverOpts, transport: 'hid' }) as HoneywellBase;
  const link = new Link(driver, engine);
  return { engine, driver, link };
}

describe('Honeywell serial driver ↔ virtual Honeywell (serial)', () => {
  it('probes with REVINF and reads the identity; byte-exact command', async () => {
    const { engine, driver, link } = serial();
    const info = await link.run(driver.start(link.io));
    expect(info).toEqual({
      vendor: 'Honeywell',
      model: engine.identity.model,
      firmware: engine.identity.firmware,
      serial: engine.identity.serial,
    });
    expect(link.written.map(toHex)).toEqual(['16 4D 0D 52 45 56 49 4E 46 2E']);
    expect(link.scans).toEqual([]);
    expect(link.clock.pending).toBe(0);
  });

  it('delivers Chinese UTF-8 / GBK and a 2 KB scan; AIM prefix gives the symbology', async () => {
    const { engine, driver, link } = serial({}, { aimPrefix: true });
    await link.run(driver.start(link.io));
    const big = utf8(`${'电子健康卡'.repeat(80)}${'Q'.repeat(800)}`);
    engine.scan({ payload: utf8('张三 电子健康卡') });
    engine.scan({ payload: iconv.encode('李四 就诊卡', 'gbk') });
    engine.scan({ payload: big, symbology: 'data_matrix' });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.charset, s.aimId, s.symbology])).toEqual([
      ['张三 电子健康卡', 'utf-8', 'Q1', 'qr_code'],
      ['李四 就诊卡', 'gbk', 'Q1', 'qr_code'],
      [new TextDecoder().decode(big), 'utf-8', 'd2', 'data_matrix'],
    ]);
    expect(link.scans[2]!.bytes).toEqual(big);
  });

  it('any chunking of the byte stream (down to 1 byte) gives the same scans', async () => {
    const payload = fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 60 })
        .filter(
          (s) => !/[\r\n]/.test(s) && !s.startsWith(']') /* `]Xn` reads as an AIM id, stripped by design */,
        )
        .map(utf8),
      fc.constantFrom(utf8('电子健康卡'), iconv.encode('王五 电子健康卡', 'gbk')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(payload, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
        async (ps, cuts) => {
          const { engine, driver, link } = serial();
          link.toHost = splitter(cuts);
          await link.run(driver.start(link.io));
          for (const p of ps) engine.scan({ payload: p });
          await link.settle();
          expect(link.scans.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
            ps.map((p) => Buffer.from(p).toString('hex')),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('queries and sets menu values; ENQ → DEVICE_UNSUPPORTED, NAK → DEVICE_NAK', async () => {
    const { engine, driver, link } = serial();
    await link.run(driver.start(link.io));
    const q = await link.run(driver.runMenu('CBRENA?.'));
    expect(q.segments).toEqual([{ text: 'CBRENA1', status: 'ack' }]);
    await link.run(driver.runMenu('232BAD5,QRCENA0!'.replace(',QRC', ';QRC')));
    expect(engine.state.settings).toMatchObject({ '232BAD': '5', QRCENA: '0' });
    await expect(link.run(driver.runMenu('XYZABC1!'))).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(link.run(driver.runMenu('CBRENA7!'))).rejects.toMatchObject({ code: 'DEVICE_NAK' });
    expect(driver.stats.naks).toBe(1);
  });

  it('host trigger: connect commands switch it on; SYN T CR reads once', async () => {
    const { engine, driver, link } = serial({ connectCommands: ['HSTCEN1!'] });
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('NOT TRIGGERED') });
    await link.run(driver.trigger(true));
    engine.scan({ payload: utf8('READ') });
    engine.scan({ payload: utf8('ONCE ONLY') });
    await link.run(driver.trigger(false));
    await link.run(driver.beep('good'));
    expect(link.written.slice(-3).map(toHex)).toEqual(['16 54 0D', '16 55 0D', '16 07 0D']);
    expect(link.scans.map((s) => s.text)).toEqual(['READ']);
    expect(engine.state).toMatchObject({ ignoredScans: 2, beeps: 1 });
    // Volatile (!) settings are gone after a power cycle.
    link.unplug();
    expect(engine.state.settings).toMatchObject({ HSTCEN: '0' });
  });

  it('a scan that arrives while a command waits is still delivered', async () => {
    const { engine, driver, link } = serial();
    await link.run(driver.start(link.io));
    const q = driver.runMenu('QRCENA?.');
    engine.scan({ payload: utf8('DURING COMMAND') });
    await link.run(q);
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['DURING COMMAND']);
  });

  it('actions without a known command reject DEVICE_UNSUPPORTED unless mapped to menu commands', async () => {
    const { engine, driver, link } = serial({ commands: { ledGood: 'SCNLED1!', ledOff: 'SCNLED0!' } });
    await link.run(driver.start(link.io));
    await expect(driver.enable(false)).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(driver.beep('bad')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(driver.led('bad')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await link.run(driver.led('good'));
    expect(engine.state.settings).toMatchObject({ SCNLED: '1' });
    expect(driver.capabilities).toMatchObject({ led: true, trigger: true, identity: true });
  });

  it('an unterminated scan is dropped at silence by default, delivered when configured', async () => {
    for (const onSilence of ['drop', 'deliver'] as const) {
      const { engine, driver, link } = serial({ onSilence }, { suffix: new Uint8Array(0) });
      await link.run(driver.start(link.io));
      engine.scan({ payload: utf8('NO SUFFIX') });
      await link.settle();
      link.clock.advance(200);
      expect(link.scans.map((s) => s.text)).toEqual(onSilence === 'drop' ? [] : ['NO SUFFIX']);
      expect(driver.stats.partialDropped).toBe(onSilence === 'drop' ? 1 : 0);
    }
  });

  it('unplug mid-scan: partial dropped and counted, no scan, pending command rejects', async () => {
    const { engine, driver, link } = serial();
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(5);
    engine.scan({ payload: utf8('HALF A SCAN') });
    await link.settle();
    const pending = driver.runMenu('CBRENA?.');
    link.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(link.clock.pending).toBe(0);
  });

  it('start() rejects DEVICE_NO_ANSWER when nothing answers the menu command', async () => {
    const silent = silentEngine();
    const driver = createHoneywellDriver({ menuTimeoutMs: 500 });
    const link = new Link(driver, silent);
    await expect(link.run(driver.start(link.io))).rejects.toMatchObject({ code: 'DEVICE_NO_ANSWER' });
  });

  it('rejects invalid options', () => {
    expect(() => createHoneywellDriver({ connectCommands: ['HSTCEN1'] })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
    expect(() => createHoneywellDriver({ terminators: [] })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
  });
});

describe('Honeywell HID POS driver ↔ virtual Honeywell (HID POS)', () => {
  it('reads REVINF through the 0xFD tunnel; the multi-report reply is not a scan', async () => {
    const { engine, driver, link } = hid();
    const info = await link.run(driver.start(link.io));
    expect(info.model).toBe(engine.identity.model);
    expect(info.serial).toBe(engine.identity.serial);
    const tunnel = link.written[0]!;
    expect(tunnel.length).toBe(64);
    expect(toHex(tunnel.subarray(0, 12))).toBe('FD 0A 16 4D 0D 52 45 56 49 4E 46 2E');
    expect(link.scans).toEqual([]);
    expect(link.emitted.length).toBeGreaterThan(2); // output spread over continued reports + echo
  });

  it('joins continued reports: Chinese and 2 KB payloads, symbology from the AIM id and code id', async () => {
    const { engine, driver, link } = hid();
    await link.run(driver.start(link.io));
    const big = utf8(`${'健康'.repeat(200)}${'Z'.repeat(700)}`);
    engine.scan({ payload: utf8('张三 电子健康卡') });
    engine.scan({ payload: iconv.encode('李四', 'gbk') });
    engine.scan({ payload: big });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.charset, s.aimId, s.symbology, s.vendorCode])).toEqual([
      ['张三 电子健康卡', 'utf-8', 'Q1', 'qr_code', 's'],
      ['李四', 'gbk', 'Q1', 'qr_code', 's'],
      [new TextDecoder().decode(big), 'utf-8', 'Q1', 'qr_code', 's'],
    ]);
    expect(link.scans[2]!.bytes).toEqual(big);
  });

  it('trigger and beeps use output report 4; LED is unsupported', async () => {
    const { engine, driver, link } = hid();
    await link.run(driver.start(link.io));
    await link.run(driver.trigger(true));
    await link.run(driver.trigger(false));
    await link.run(driver.beep('good'));
    await link.run(driver.beep('bad'));
    expect(link.written.slice(-4).map(toHex)).toEqual(['04 04', '04 02', '04 40', '04 20']);
    expect(engine.state).toMatchObject({ triggers: 1, triggered: false, goodBeeps: 1, errorBeeps: 1 });
    await expect(driver.led('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
  });

  it('a scan that arrives while a tunnelled command waits is a scan, not part of the reply', async () => {
    const { engine, driver, link } = hid();
    await link.run(driver.start(link.io));
    const q = driver.runMenu('QRCENA?.');
    engine.scan({ payload: utf8('DURING COMMAND') });
    const reply = await link.run(q);
    expect(reply.segments).toEqual([{ text: 'QRCENA1', status: 'ack' }]);
    expect(link.scans.map((s) => s.text)).toEqual(['DURING COMMAND']);
  });

  it('unplug between continued reports: partial message dropped and counted, no scan', async () => {
    const { engine, driver, link } = hid();
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(64 * 2);
    engine.scan({ payload: utf8('W'.repeat(300)) });
    await link.settle();
    link.unplug();
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(link.clock.pending).toBe(0);
  });

  it('reports of other ids and malformed reports are skipped and counted, never scans', async () => {
    const { engine, driver, link } = hid();
    await link.run(driver.start(link.io));
    driver.receive(Uint8Array.of(0x01, 0x00, 0x04), 0n);
    const bad = new Uint8Array(64);
    bad[0] = 0x02;
    bad[1] = 60; // more than the 56-byte data field
    driver.receive(bad, 0n);
    engine.scan({ payload: utf8('OK') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['OK']);
    expect(driver.stats).toMatchObject({ bytesSkipped: 3, badFrames: 1 });
  });
});
