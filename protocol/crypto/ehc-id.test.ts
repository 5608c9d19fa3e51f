import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.js';
import { deriveEhcId, deriveUserKey, diversificationFactor, idPlaintext } from './ehc-id.js';
import { sm4EcbDecrypt } from './sm4.js';
import kat from './vectors/kat.json' with { type: 'json' };

describe('EHC-ID derivation', () => {
  for (const v of kat.ehcId) {
    it(`${v.name}: every intermediate value matches`, () => {
      const mi = hexToBytes(v.mainIndex);
      expect(bytesToHex(diversificationFactor(mi))).toBe(v.factor);
      const userKey = deriveUserKey(hexToBytes(v.securityKey), mi);
      expect(bytesToHex(userKey)).toBe(v.userKey);
      expect(deriveEhcId(v.securityKey, v.mainIndex, v.idType, v.idNo)).toBe(v.ehcId);
      // The card-management side can recover the ID from the EHC-ID with the user key.
      const plain = sm4EcbDecrypt(userKey, hexToBytes(v.ehcId), { padding: false });
      expect(plain).toEqual(idPlaintext(v.idType, v.idNo));
    });
  }

  it('depends on every input', () => {
    const v = kat.ehcId[0]!;
    const base = deriveEhcId(v.securityKey, v.mainIndex, v.idType, v.idNo);
    expect(deriveEhcId(v.securityKey, v.mainIndex, '02', v.idNo)).not.toBe(base);
    expect(deriveEhcId(v.securityKey, v.mainIndex.replace(/^A/, 'B'), v.idType, v.idNo)).not.toBe(base);
    expect(deriveEhcId('0'.repeat(32), v.mainIndex, v.idType, v.idNo)).not.toBe(base);
  });

  it('refuses non-ASCII IDs and bad main-index lengths', () => {
    expect(() => idPlaintext('01', '张三')).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_INPUT' }));
    expect(() => diversificationFactor(Buffer.alloc(7))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_LENGTH' }),
    );
  });
});
