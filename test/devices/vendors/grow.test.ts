import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createGrowDriver, type GrowDriver, type GrowOptions } from '../../../devices/drivers/grow/index.js';
import { GrowEngine, type GrowEngineOptions } from '../../../firmware-sdk/virtual/engines/grow/index.js';
import { dropFirst, Link, silentEngine, splitter, toHex, utf8 } from './support/index.js';

function setup(driverOpts: GrowOptions = {}, engineOpts: GrowEngineOptions = {}) {
  const engine = new GrowEngine(engineOpts);
  const driver = createGrowDriver(driverOpts) as GrowDriver;
  const link = new Link(driver, engine);
  return { engine, driver, link };
}

describe('Grow driver ↔ virtual Grow module', () => {
  it('probes with a register read and reads the firmware register; byte-exact frames', async () => {
    const { driver, link } = setup({ firmwareRegister: 0x00e2, model: 'GM65' });
    const info = await link.run(driver.start(link.io));
    expect(info).toEqual({ vendor: 'Grow', model: 'GM65', firmware: 'V1.10', serial: '' });
    // CRC-16/XMODEM of 07 01 00 00 01 = 0x0141, of 07 01 00 E2 01 = 0x7791 (computed independently).
    expect(link.written.map(toHex)).toEqual(['7E 00 07 01 00 00 01 01 41', '7E 00 07 01 00 E2 01 77 91']);
    expect(toHex(link.emitted[0]!)).toBe('02 00 00 01 00 33 31');
  });

  it('delivers Chinese UTF-8 / GBK and 2 KB scans', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    const big = utf8(`${'电子健康卡'.repeat(90)}${'G'.repeat(600)}`);
    engine.scan({ payload: utf8('张三 电子健康卡') });
    engine.scan({ payload: iconv.encode('李四 就诊卡', 'gbk') });
    engine.scan({ payload: big });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.charset])).toEqual([
      ['张三 电子健康卡', 'utf-8'],
      ['李四 就诊卡', 'gbk'],
      [new TextDecoder().decode(big), 'utf-8'],
    ]);
  });

  it('any chunking of the byte stream (down to 1 byte) gives the same scans and replies', async () => {
    const payload = fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 60 })
        .filter(
          (s) =>
            !/[\x00-\x1f]/.test(s) && !s.startsWith(']') /* `]Xn` reads as an AIM id, stripped by design */,
        )
        .map(utf8),
      fc.constantFrom(utf8('电子健康卡'), iconv.encode('王五', 'gbk')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(payload, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
        async (ps, cuts) => {
          const { engine, driver, link } = setup();
          link.toHost = splitter(cuts);
          await link.run(driver.start(link.io));
          for (const p of ps) engine.scan({ payload: p });
          await link.run(driver.trigger(true));
          await link.settle();
          expect(link.scans.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
            ps.map((p) => Buffer.from(p).toString('hex')),
          );
          expect(driver.stats.bytesSkipped).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('garbage between frames (control bytes, stray and corrupt replies) is skipped and counted', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    const strayReply = Uint8Array.of(0x02, 0x00, 0x00, 0x01, 0x00, 0x33, 0x31);
    const corrupt = Uint8Array.of(0x02, 0x00, 0x00, 0x01, 0x00, 0x33, 0x30);
    link.toHost = (c) => [Uint8Array.of(0x00, 0x1b), strayReply, corrupt, c];
    engine.scan({ payload: utf8('A1') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['A1']);
    expect(driver.stats).toMatchObject({ bytesSkipped: 2 + 7 + 7, badFrames: 1, scans: 1 });
  });

  it('command trigger mode: the 0x0002 trigger write reads once; stop is unsupported', async () => {
    const { engine, driver, link } = setup({ connectWrites: [[0x0000, 0x01]] });
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('NOT TRIGGERED') });
    await link.run(driver.trigger(true));
    expect(toHex(link.written.at(-1)!)).toBe('7E 00 08 01 00 02 01 02 DA');
    engine.scan({ payload: utf8('READ') });
    engine.scan({ payload: utf8('AGAIN') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['READ']);
    await expect(driver.trigger(false)).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(driver.beep('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
  });

  it('resends a command whose reply was lost', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    link.toHost = dropFirst((c) => c[0] === 0x02);
    await link.run(driver.write([0x0060, 0x13]));
    expect(driver.stats.retries).toBe(1);
    expect(engine.state.registers).toMatchObject({ 96: 0x13 });
  });

  it('unplug mid-scan: partial dropped and counted, no scan, commands reject; unsaved writes are lost', async () => {
    const { engine, driver, link } = setup({ connectWrites: [[0x0000, 0x01]] });
    await link.run(driver.start(link.io));
    await link.run(driver.trigger(true));
    link.holdDeviceOutputAfter(3);
    engine.scan({ payload: utf8('CUT SHORT') });
    await link.settle();
    const pending = driver.trigger(true);
    link.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(engine.state.registers).toMatchObject({ 0: 0x00 });
    expect(link.clock.pending).toBe(0);
  });

  it('start() rejects DEVICE_NO_ANSWER when nothing answers (after the resend)', async () => {
    const silent = silentEngine();
    const driver = createGrowDriver();
    const link = new Link(driver, silent);
    await expect(link.run(driver.start(link.io))).rejects.toMatchObject({ code: 'DEVICE_NO_ANSWER' });
    expect(link.written).toHaveLength(2);
  });

  it('rejects invalid options', () => {
    expect(() => createGrowDriver({ connectWrites: [[0x10000, 1]] })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
  });
});
