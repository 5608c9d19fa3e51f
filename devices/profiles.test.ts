import { describe, expect, it } from 'vitest';
import { DEFAULT_SERIAL_PROBE, MODELS, matchProfile, VENDORS } from './profiles.js';

describe('scanner profiles', () => {
  it('has one entry per vendor id and per vid/pid', () => {
    expect(new Set(VENDORS.map((v) => v.vid)).size).toBe(VENDORS.length);
    expect(new Set(MODELS.map((m) => `${m.vid}:${m.pid}`)).size).toBe(MODELS.length);
    for (const m of MODELS) expect(VENDORS.some((v) => v.vid === m.vid)).toBe(true);
  });

  it('picks the model driver first, then the vendor probe order', () => {
    const m = matchProfile({ path: '/dev/ttyACM0', vid: 0x05e0, pid: 0x1701 }, 'serial');
    expect(m.driver).toBe('zebra-ssi');
    expect(m.probe).toEqual(['zebra-ssi', 'raw']);
    const h = matchProfile({ path: '/dev/ttyACM1', vid: 0x0c2e, pid: 0x0b01 }, 'serial');
    expect(h.driver).toBeUndefined();
    expect(h.probe).toEqual(['honeywell', 'raw']);
    const r = matchProfile({ path: '/dev/ttyACM2', vid: 0x1eab, pid: 0x1d06 }, 'serial');
    expect(r.probe).toEqual(['newland', 'raw']);
  });

  it('unknown serial devices get the default probe order with raw text last', () => {
    const m = matchProfile({ path: '/dev/ttyUSB0', vid: 0x0403, pid: 0x6001 }, 'serial');
    expect(m.probe).toEqual(DEFAULT_SERIAL_PROBE);
    expect(m.probe[m.probe.length - 1]).toBe('raw');
  });

  it('HID POS interfaces use hid-pos; keyboards and unsupported personalities say why', () => {
    expect(matchProfile({ path: 'h', vid: 0x0c2e, pid: 1, usagePage: 0x8c, usage: 2 }, 'hid').driver).toBe(
      'hid-pos',
    );
    const kb = matchProfile({ path: 'k', vid: 0x0c2e, pid: 1, usagePage: 1, usage: 6 }, 'hid');
    expect(kb.mode).toBe('keyboard');
    expect(kb.probe).toEqual([]);
    expect(kb.unsupported).toMatch(/keyboard/);
    const snapi = matchProfile({ path: 's', vid: 0x05e0, pid: 0x1900, usagePage: 0xff00 }, 'hid');
    expect(snapi.unsupported).toMatch(/SNAPI/);
  });
});
