// Every command through a real socket: the soft cipher machine and the client over loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { sm2SignedDigest, sm2Verify } from '../../protocol/crypto/sm2.js';
import { sm3 } from '../../protocol/crypto/sm3.js';
import { sm4EcbEncrypt } from '../../protocol/crypto/sm4.js';
import { encryptValidity, validityDigits } from '../../protocol/crypto/validity.js';
import { Harness, KEYS, okValue, SM2_PUBLIC_KEY, VECTOR } from './helpers.js';

const h = new Harness();
afterEach(() => h.cleanup());

const NOW = Date.UTC(2025, 5, 1, 2, 3, 4);

describe('cipher machine over TCP', () => {
  it('derives the domain.md EHC-ID vector on the server', async () => {
    const c = h.client(await h.machine());
    const r = await c.deriveEhcId(VECTOR.mainIndex.toLowerCase(), VECTOR.idType, VECTOR.idNo);
    expect(r).toEqual({ status: 'ok', value: VECTOR.ehcId });
  });

  it('reports the configured identity', async () => {
    const identity = { vendor: 'ACME', model: 'HSM-9', serial: 'SN-42', firmware: '3.1.4' };
    const c = h.client(await h.machine({ identity, now: () => NOW }));
    expect(okValue(await c.info())).toEqual({ ...identity, timeMs: NOW });
  });

  it('a block made by the server checks inside the window and fails outside it', async () => {
    const c = h.client(await h.machine({ now: () => NOW }));
    const block = okValue(await c.encryptValidity());
    expect(block.digits).toBe(validityDigits(NOW));
    expect(block.blockHex).toBe(encryptValidity(KEYS[0]!.value, NOW).toString('hex').toUpperCase());
    expect(okValue(await c.checkValidity(block.blockHex.toLowerCase()))).toEqual({
      generatedMs: NOW,
      digits: block.digits,
    });
    // Window: generated − skew ≤ now ≤ generated + lifetime + skew (defaults 60 s and 5 s).
    expect((await c.checkValidity(block.blockHex, { nowMs: NOW + 65_000 })).status).toBe('ok');
    expect(await c.checkValidity(block.blockHex, { nowMs: NOW + 65_001 })).toMatchObject({
      status: 'no',
      reason: 'expired',
      generatedMs: NOW,
    });
    expect(await c.checkValidity(block.blockHex, { nowMs: NOW - 5_001 })).toMatchObject({
      status: 'no',
      reason: 'not-yet-valid',
    });
    expect((await c.checkValidity(block.blockHex, { nowMs: NOW + 100_000, lifetimeS: 120 })).status).toBe(
      'ok',
    );
    expect((await c.checkValidity(block.blockHex, { nowMs: NOW - 9_000, skewS: 10 })).status).toBe('ok');
  });

  it('a block made under another key is a definite no (garbage), never a time', async () => {
    const c = h.client(await h.machine({ now: () => NOW }));
    for (let i = 0; i < 50; i++) {
      const other = encryptValidity(KEYS[4]!.value, NOW + i * 1000).toString('hex');
      const r = await c.checkValidity(other);
      expect(r).toMatchObject({ status: 'no', reason: 'garbage' });
    }
    // The same block checks under its own key (index 5).
    const own = encryptValidity(KEYS[4]!.value, NOW).toString('hex');
    expect((await c.checkValidity(own, { keyIndex: 5 })).status).toBe('ok');
  });

  it('honours a time zone per request', async () => {
    const c = h.client(await h.machine({ now: () => NOW }));
    const utc = okValue(await c.encryptValidity(NOW, { timeZone: 'UTC' }));
    expect(utc.digits).toBe(validityDigits(NOW, 'UTC'));
    expect((await c.checkValidity(utc.blockHex, { timeZone: 'UTC' })).status).toBe('ok');
    // Read as Beijing time, the same digits lie 8 hours earlier: expired.
    expect(await c.checkValidity(utc.blockHex)).toMatchObject({ status: 'no', reason: 'expired' });
  });

  it('signs and verifies with SM2 by key index (hash with ZA, explicit user id)', async () => {
    const c = h.client(await h.machine());
    const sig = okValue(await c.sm2Sign(4, 'message digest', { userId: 'ALICE123@YAHOO.COM' }));
    expect(
      sm2Verify(SM2_PUBLIC_KEY, 'message digest', Buffer.from(sig, 'hex'), { userId: 'ALICE123@YAHOO.COM' }),
    ).toBe(true);
    expect(await c.sm2Verify(4, 'message digest', sig, { userId: 'ALICE123@YAHOO.COM' })).toEqual({
      status: 'ok',
      value: true,
    });
    expect(await c.sm2Verify(4, 'message digest', sig)).toMatchObject({
      status: 'no',
      reason: 'bad-signature',
    });
    expect(await c.sm2Verify(4, 'other', sig, { userId: 'ALICE123@YAHOO.COM' })).toMatchObject({
      status: 'no',
      reason: 'bad-signature',
    });
    expect(await c.sm2Verify(4, 'x', 'AB')).toMatchObject({ status: 'no', reason: 'bad-signature' });
  });

  it('hashes with SM3, plain and with ZA', async () => {
    const c = h.client(await h.machine());
    expect(okValue(await c.sm3('abc'))).toBe(sm3('abc').toString('hex').toUpperCase());
    expect(okValue(await c.sm3('abc', { publicKeyHex: SM2_PUBLIC_KEY }))).toBe(
      sm2SignedDigest(SM2_PUBLIC_KEY, 'abc', '1234567812345678').toString('hex').toUpperCase(),
    );
  });

  it('encrypts and decrypts with SM4 by key index', async () => {
    const c = h.client(await h.machine());
    const data = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const ecb = okValue(await c.sm4Encrypt(3, data, { padding: false }));
    expect(ecb).toEqual(sm4EcbEncrypt(KEYS[2]!.value, data, { padding: false }));
    expect(okValue(await c.sm4Decrypt(3, ecb, { padding: false }))).toEqual(data);
    const iv = Buffer.alloc(16, 1);
    const cbc = okValue(await c.sm4Encrypt(3, Buffer.from('hello'), { mode: 'cbc', iv }));
    expect(okValue(await c.sm4Decrypt(3, cbc, { mode: 'cbc', iv })).toString()).toBe('hello');
    expect(await c.sm4Decrypt(3, Buffer.alloc(16))).toMatchObject({ status: 'no', reason: 'bad-ciphertext' });
    expect(await c.sm4Encrypt(1, data)).toMatchObject({
      status: 'unavailable',
      reason: 'hsm-error',
      sdr: 'SDR_KEYTYPEERR',
    });
    expect(await c.sm4Encrypt(42, data)).toMatchObject({
      status: 'unavailable',
      reason: 'hsm-error',
      code: '08',
      sdr: 'SDR_KEYNOTEXIST',
    });
  });

  it('returns random bytes', async () => {
    const c = h.client(await h.machine());
    const a = okValue(await c.random(32));
    const b = okValue(await c.random(32));
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(b);
  });

  it('refuses malformed arguments as a definite no, without a round trip', async () => {
    const m = await h.machine();
    const c = h.client(m);
    const bad = [
      await c.checkValidity('XYZ'),
      await c.checkValidity('00'.repeat(15)),
      await c.checkValidity('00'.repeat(16), { lifetimeS: -1 }),
      await c.checkValidity('00'.repeat(16), { timeZone: 'a b' }),
      await c.deriveEhcId('ABC', '01', '1'),
      await c.deriveEhcId(VECTOR.mainIndex, '01', '张三'),
      await c.random(0),
      await c.random(5000),
      await c.sm4Encrypt(3, Buffer.alloc(3), { mode: 'cbc' }),
      await c.sm4Decrypt(3, Buffer.alloc(3)),
      await c.encryptValidity(-5),
      await c.info({ timeoutMs: -1 }),
      await c.sm4Encrypt(3, Buffer.alloc(9000)),
    ];
    for (const r of bad) expect(r).toMatchObject({ status: 'no', reason: 'bad-input' });
    // Nothing malformed reached the machine: its connection is intact and answers.
    okValue(await c.info());
  });
});
