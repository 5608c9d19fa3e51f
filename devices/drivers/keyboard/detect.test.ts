import { describe, expect, it } from 'vitest';
import { detectKeyboardMode } from './detect.js';

describe('keyboard-mode detection', () => {
  it('explains a known scanner vendor in keyboard mode, with the vendor hint', () => {
    const n = detectKeyboardMode({
      path: '/dev/hidraw2',
      vid: 0x0c2e,
      pid: 0x1001,
      usagePage: 0x01,
      usage: 0x06,
      product: 'Voyager 1450g',
    });
    expect(n?.code).toBe('KEYBOARD_MODE');
    expect(n?.vendor).toBe('Honeywell');
    expect(n?.message).toContain('0c2e:1001');
    expect(n?.message).toMatch(/keyboard mode/);
    expect(n?.hints.join(' ')).toMatch(/130/);
    expect(n?.hints.join(' ')).toMatch(/131/);
  });

  it('uses the model table when the HID usage is not reported (Zebra PID 0x1200)', () => {
    const n = detectKeyboardMode({ path: 'x', vid: 0x05e0, pid: 0x1200 });
    expect(n?.hints[0]).toMatch(/USB CDC Host/);
  });

  it('ignores ordinary keyboards and non-keyboard scanner interfaces', () => {
    expect(
      detectKeyboardMode({ path: 'k', vid: 0x046d, pid: 0xc31c, usagePage: 1, usage: 6 }),
    ).toBeUndefined();
    expect(
      detectKeyboardMode({ path: 'p', vid: 0x0c2e, pid: 0x0b6a, usagePage: 0x8c, usage: 0x02 }),
    ).toBeUndefined();
  });
});
