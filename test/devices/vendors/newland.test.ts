import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  createNewlandDriver,
  type NewlandDriver,
  type NewlandOptions,
} from '../../../devices/drivers/newland/index.js';
import {
  NewlandEngine,
  type NewlandEngineOptions,
} from '../../../firmware-sdk/virtual/engines/newland/index.js';
import { Link, silentEngine, splitter, toHex, utf8 } from './support/index.js';

const ascii = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function setup(driverOpts: NewlandOptions = {}, engineOpts: NewlandEngineOptions = {}) {
  const engine = new NewlandEngine(engineOpts);
  const driver = createNewlandDriver(driverOpts) as NewlandDriver;
  const link = new Link(driver, engine);
  return { engine, driver, link };
}

describe('Newland driver ↔ virtual Newland (serial)', () => {
  it('probes ?→!, enables command programming, reads the identity with framed queries', async () => {
    const { engine, driver, link } = setup();
    const info = await link.run(driver.start(link.io));
    expect(info).toEqual({
      vendor: 'Newland',
      model: engine.identity.model,
      firmware: engine.identity.firmware,
      serial: engine.identity.serial,
    });
    expect(link.written.map(ascii)).toEqual([
      '?',
      'NLS0006010;',
      '~\x010000#QRYPDN;\x03',
      '~\x010000#QRYFWV;\x03',
      '~\x010000#QRYESN;\x03',
      'NLS0006000;',
    ]);
    expect(toHex(link.written[2]!)).toBe('7E 01 30 30 30 30 23 51 52 59 50 44 4E 3B 03');
    expect(engine.state.programming).toBe(false);
    expect(link.scans).toEqual([]);
  });

  it('delivers Chinese UTF-8 / GBK and 2 KB scans', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    const big = utf8(`${'电子健康卡'.repeat(90)}${'N'.repeat(600)}`);
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

  it('any chunking of the byte stream (down to 1 byte) gives the same scans', async () => {
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
          await link.settle();
          expect(link.scans.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
            ps.map((p) => Buffer.from(p).toString('hex')),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('skips and counts control-byte garbage between scans', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    link.toHost = (c) => [Uint8Array.of(0x00, 0x06, 0x15, 0x1b, 0x07), c];
    engine.scan({ payload: utf8('A1') });
    engine.scan({ payload: utf8('B2') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['A1', 'B2']);
    expect(driver.stats.bytesSkipped).toBe(10);
  });

  it('command trigger mode: ESC 1 reads once; ACK answers are not scans', async () => {
    const { engine, driver, link } = setup({ connectCommands: ['NLS0302000;'] });
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('NOT TRIGGERED') });
    await link.run(driver.trigger(true));
    engine.scan({ payload: utf8('READ') });
    engine.scan({ payload: utf8('AGAIN') });
    await link.run(driver.trigger(false));
    await link.settle();
    expect(link.written.slice(-2).map(toHex)).toEqual(['1B 31', '1B 30']);
    expect(link.scans.map((s) => s.text)).toEqual(['READ']);
    expect(engine.state.ignoredScans).toBe(2);
  });

  it('NAK and ENQ answers reject; framed settings round-trip', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    await expect(link.run(driver.nls('NLS9999999;'))).rejects.toMatchObject({ code: 'DEVICE_NAK' });
    await expect(link.run(driver.framed('XYZABC*'))).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(link.run(driver.framed('KBWCTY7'))).rejects.toMatchObject({ code: 'DEVICE_NAK' });
    await link.run(driver.framed('KBWCTY2'));
    const q = await link.run(driver.framed('KBWCTY*'));
    expect(q.segments).toEqual([{ text: 'KBWCTY2', status: 'ack' }]);
    expect(engine.state.settings).toMatchObject({ KBWCTY: '2' });
    expect(driver.stats.naks).toBe(2);
  });

  it('mapped NLS commands run inside command programming; unmapped actions are unsupported', async () => {
    const { engine, driver, link } = setup({ commands: { ledGood: 'NLS0200010;' } });
    await link.run(driver.start(link.io));
    await link.run(driver.led('good'));
    expect((engine.state.nls as string[]).slice(-3)).toEqual(['0006010', '0200010', '0006000']);
    await expect(driver.beep('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(driver.enable(true)).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
  });

  it('unplug mid-scan: partial dropped and counted, no scan, commands reject', async () => {
    const { engine, driver, link } = setup();
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(4);
    engine.scan({ payload: utf8('CUT SHORT') });
    await link.settle();
    const pending = driver.trigger(true);
    link.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(link.clock.pending).toBe(0);
  });

  it('start() rejects DEVICE_NO_ANSWER when ? gets no !', async () => {
    const silent = silentEngine();
    const driver = createNewlandDriver();
    const link = new Link(driver, silent);
    await expect(link.run(driver.start(link.io))).rejects.toMatchObject({ code: 'DEVICE_NO_ANSWER' });
    expect(link.written.map(ascii)).toEqual(['?']);
  });

  it('rejects invalid options', () => {
    expect(() => createNewlandDriver({ connectCommands: ['0006010'] })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
    expect(() => createNewlandDriver({ identityQueries: { model: 'QRY' } })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
  });
});
