import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from './bytes.js';
import { sm4EcbEncrypt } from './sm4.js';
import {
  checkValidityWindow,
  decodeValidityBlock,
  decryptValidity,
  encodeValidityBlock,
  encryptValidity,
  validityDigits,
} from './validity.js';

const KEY = hexToBytes('00112233445566778899AABBCCDDEEFF');
const OTHER = hexToBytes('FFEEDDCCBBAA99887766554433221100');

describe('validity time block', () => {
  it('writes Beijing time as BCD digits, zero-padded (research note example)', () => {
    // 2018-01-17 11:50:03 Asia/Shanghai = 03:50:03 UTC.
    const t = Date.UTC(2018, 0, 17, 3, 50, 3);
    expect(validityDigits(t)).toBe('20180117115003');
    expect(encodeValidityBlock('20180117115003').toString('hex')).toBe('20180117115003000000000000000000');
  });

  it('round-trips any second in 2000-2099 through encrypt/decrypt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }),
        (s) => {
          const ms = s * 1000;
          const r = decryptValidity(KEY, encryptValidity(KEY, ms));
          expect(r.ok && r.value.instantMs).toBe(ms);
        },
      ),
    );
  });

  it('honours another time zone', () => {
    const t = Date.UTC(2024, 6, 1, 12, 0, 0);
    expect(validityDigits(t, 'UTC')).toBe('20240701120000');
    expect(validityDigits(t, 'Europe/Berlin')).toBe('20240701140000');
    const r = decodeValidityBlock(encodeValidityBlock('20240701140000'), 'Europe/Berlin');
    expect(r.ok && r.value.instantMs).toBe(t);
  });

  it('a block made under another key is a definite no (never a valid time)', () => {
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const r = decryptValidity(KEY, encryptValidity(OTHER, Date.UTC(2025, 0, 1) + i * 1000));
      if (!r.ok) rejected++;
    }
    expect(rejected).toBe(2000);
  });

  it('classifies malformed plaintext', () => {
    const enc = (hex: string) => sm4EcbEncrypt(KEY, hexToBytes(hex), { padding: false });
    const t = (hex: string) => {
      const r = decryptValidity(KEY, enc(hex));
      return r.ok ? 'ok' : r.error.type;
    };
    expect(t('20180117115003000000000000000000')).toBe('ok');
    expect(t('2018011711500A000000000000000000')).toBe('not-bcd');
    expect(t('20180117115003000000000000000001')).toBe('bad-padding');
    expect(t('20180230115003000000000000000000')).toBe('bad-date');
    expect(t('20180117245003000000000000000000')).toBe('bad-date');
    const r = decryptValidity(KEY, Buffer.alloc(15));
    expect(r.ok ? 'ok' : r.error.type).toBe('bad-length');
  });

  it('checks the window with lifetime and skew', () => {
    const g = Date.UTC(2025, 0, 1);
    const w = { lifetimeS: 60, skewS: 5 };
    expect(checkValidityWindow(g, g, w)).toBe('valid');
    expect(checkValidityWindow(g, g + 65_000, w)).toBe('valid');
    expect(checkValidityWindow(g, g + 65_001, w)).toBe('expired');
    expect(checkValidityWindow(g, g - 5_000, w)).toBe('valid');
    expect(checkValidityWindow(g, g - 5_001, w)).toBe('not-yet-valid');
  });
});
