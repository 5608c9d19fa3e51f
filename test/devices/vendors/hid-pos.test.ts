import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  BOOT_KEYBOARD_DESCRIPTOR,
  HONEYWELL_HIDPOS_DESCRIPTOR,
} from '../../../devices/drivers/hid-pos/fixtures.js';
import {
  createHidPosDriver,
  HID_POS_PROFILES,
  type HidPosOptions,
} from '../../../devices/drivers/hid-pos/index.js';
import { HidPosEngine } from '../../../firmware-sdk/virtual/engines/hid-pos/index.js';
import { Link, toHex, utf8 } from './support/index.js';

const honeywellLayout = HID_POS_PROFILES.honeywell!.layout;
const newlandLayout = HID_POS_PROFILES['newland-fm430']!.layout;

function setup(driverOpts: HidPosOptions, layout = honeywellLayout) {
  const engine = new HidPosEngine({ layout, reportDescriptor: HONEYWELL_HIDPOS_DESCRIPTOR });
  const driver = createHidPosDriver(driverOpts);
  const link = new Link(driver, engine);
  return { engine, driver, link };
}

describe('generic HID POS driver ↔ virtual HID POS scanner', () => {
  it('takes the layout from the report descriptor (no profile): Chinese, GBK and 2 KB continued payloads', async () => {
    const { engine, driver, link } = setup({
      reportDescriptor: HONEYWELL_HIDPOS_DESCRIPTOR,
      info: { model: 'X' },
    });
    expect(await link.run(driver.start(link.io))).toEqual({
      vendor: '',
      model: 'X',
      firmware: '',
      serial: '',
    });
    const big = utf8(`${'电子健康卡'.repeat(100)}${'H'.repeat(500)}`);
    engine.scan({ payload: utf8('张三 电子健康卡') });
    engine.scan({ payload: iconv.encode('李四', 'gbk'), symbology: 'data_matrix' });
    engine.scan({ payload: big });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.charset, s.aimId, s.symbology, s.vendorCode])).toEqual([
      ['张三 电子健康卡', 'utf-8', 'Q1', 'qr_code', '0x73'],
      ['李四', 'gbk', 'd2', 'data_matrix', '0x77'],
      [new TextDecoder().decode(big), 'utf-8', 'Q1', 'qr_code', '0x73'],
    ]);
    expect(link.emitted.length).toBe(1 + 1 + Math.ceil(big.length / 56));
  });

  it('with a vendor id the profile names the code ids; trigger and beeps follow the descriptor', async () => {
    const { engine, driver, link } = setup({ reportDescriptor: HONEYWELL_HIDPOS_DESCRIPTOR, vid: 0x0c2e });
    expect((await link.run(driver.start(link.io))).vendor).toBe('Honeywell');
    engine.scan({ payload: utf8('OK') });
    await link.settle();
    expect(link.scans[0]).toMatchObject({ vendorCode: 's', symbology: 'qr_code' });
    await link.run(driver.trigger(true));
    await link.run(driver.trigger(false));
    await link.run(driver.beep('good'));
    await link.run(driver.beep('bad'));
    expect(link.written.map(toHex)).toEqual(['04 04', '04 02', '04 40', '04 20']);
    expect(engine.state).toMatchObject({ triggers: 1, untriggers: 1, goodBeeps: 1, errorBeeps: 1 });
    await expect(driver.led('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    await expect(driver.enable(true)).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    expect(driver.capabilities).toEqual({ trigger: true, beep: true, led: false, identity: false });
  });

  it('a keyboard (no HID POS usages) and no profile is refused at start', async () => {
    const { driver, link } = setup({ reportDescriptor: BOOT_KEYBOARD_DESCRIPTOR });
    await expect(link.run(driver.start(link.io))).rejects.toMatchObject({ code: 'DEVICE_NO_ANSWER' });
    await expect(link.run(createHidPosDriver().start(link.io))).rejects.toMatchObject({
      code: 'DEVICE_NO_ANSWER',
    });
    expect(() => createHidPosDriver({ profile: 'nope' })).toThrow(
      expect.objectContaining({ code: 'DEVICE_BAD_OPTIONS' }),
    );
  });

  it('Newland FM430 profile: its own report layout and command-report trigger', async () => {
    const { engine, driver, link } = setup({ profile: 'newland-fm430' }, newlandLayout);
    await link.run(driver.start(link.io));
    engine.scan({ payload: utf8('张三 电子健康卡') });
    await link.settle();
    expect(link.scans.map((s) => [s.text, s.vendorCode])).toEqual([['张三 电子健康卡', '0x73']]);
    await link.run(driver.trigger(true));
    await link.run(driver.trigger(false));
    expect(link.written.map((w) => toHex(w.subarray(0, 5)))).toEqual(['04 03 01 54 04', '04 03 01 50 04']);
    expect(link.written[0]!.length).toBe(64);
    expect(engine.state).toMatchObject({ triggers: 1, untriggers: 1 });
    await expect(driver.beep('good')).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
  });

  it('unplug between continued reports: partial message dropped and counted, no scan', async () => {
    const { engine, driver, link } = setup({ profile: 'honeywell' });
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(64 * 3);
    engine.scan({ payload: utf8('V'.repeat(500)) });
    await link.settle();
    link.unplug();
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.scans).toEqual([]);
    expect(link.clock.pending).toBe(0);
    await expect(driver.trigger(true)).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
  });

  it('a continued message whose next report never comes is dropped after the message time-out', async () => {
    const { engine, driver, link } = setup({ profile: 'honeywell', messageTimeoutMs: 300 });
    await link.run(driver.start(link.io));
    link.holdDeviceOutputAfter(64);
    engine.scan({ payload: utf8('V'.repeat(100)) });
    await link.settle();
    link.clock.advance(300);
    expect(driver.stats.partialDropped).toBe(1);
    expect(link.errors.map((e) => e.code)).toContain('DEVICE_FRAMING');
    expect(link.scans).toEqual([]);
  });

  it('other report ids are skipped and counted; a message over the cap is dropped', async () => {
    const { engine, driver, link } = setup({ profile: 'honeywell', maxMessageBytes: 100 });
    await link.run(driver.start(link.io));
    driver.receive(Uint8Array.of(0x05, 1, 2, 3), 0n);
    engine.scan({ payload: utf8('X'.repeat(150)) });
    engine.scan({ payload: utf8('small') });
    await link.settle();
    expect(link.scans.map((s) => s.text)).toEqual(['small']);
    expect(driver.stats).toMatchObject({ bytesSkipped: 4 + 64, partialDropped: 1 }); // the tail report is discarded, not a scan
  });
});
