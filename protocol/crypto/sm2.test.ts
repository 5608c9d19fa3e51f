import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { sm2 as smV2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from './bytes.js';
import {
  createSm2Verifier,
  SM2_DEFAULT_USER_ID,
  SM2_N,
  sm2GenerateKeyPair,
  sm2LibrarySignOptions,
  sm2PublicKeyFromPrivateKey,
  sm2Sign,
  sm2SignedDigest,
  sm2Verify,
  sm2Za,
} from './sm2.js';
import { sm2SignatureFromDer, sm2SignatureToDer } from './sm2-der.js';
import vectors from './vectors/sm2.json' with { type: 'json' };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const big = (h: string) => BigInt(`0x${h}`);
const to32 = (n: bigint) => n.toString(16).padStart(64, '0');

describe('SM2 known answers (GB/T 32918.5 annex A)', () => {
  for (const v of vectors.signature) {
    const msg = Buffer.from(v.messageAscii, 'ascii');

    it(`${v.name}: public key, [k]G, ZA and e`, () => {
      expect(sm2PublicKeyFromPrivateKey(v.privateKey)).toBe(v.publicKey);
      expect(sm2PublicKeyFromPrivateKey(v.k)).toBe(`04${v.x1}${v.y1}`);
      expect(hex(sm2Za(v.publicKey, v.userId))).toBe(v.za);
      expect(hex(sm2SignedDigest(v.publicKey, msg, v.userId))).toBe(v.e);
      expect(hex(sm2SignedDigest(v.publicKey, v.messageAscii, v.userId))).toBe(v.e);
    });

    it(`${v.name}: the wrapper's library options with nonce k give exactly r and s`, () => {
      const options = sm2LibrarySignOptions(v.publicKey.toLowerCase(), v.userId);
      expect(options.hash).toBe(true);
      const pointPool = [{ k: big(v.k), x1: big(v.x1) }];
      const rs = smV2.doSignature(msg, v.privateKey.toLowerCase(), { ...options, pointPool });
      expect(pointPool).toHaveLength(0); // the pool point was used, not a random one
      expect(rs.toUpperCase()).toBe(v.r + v.s);
      expect(hex(sm2SignatureToDer(hexToBytes(rs)))).toBe(v.der);
      const der = smV2.doSignature(msg, v.privateKey.toLowerCase(), {
        ...options,
        der: true,
        pointPool: [{ k: big(v.k), x1: big(v.x1) }],
      });
      expect(der.toUpperCase()).toBe(v.der);
    });

    it(`${v.name}: r and s verify through the wrapper, raw and DER; any change fails`, () => {
      const raw = hexToBytes(v.r + v.s);
      const der = hexToBytes(v.der);
      expect(sm2Verify(v.publicKey, msg, raw, { userId: v.userId })).toBe(true);
      expect(sm2Verify(v.publicKey, msg, der, { userId: v.userId, form: 'der' })).toBe(true);
      expect(sm2Verify(v.publicKey, 'message digesT', raw, { userId: v.userId })).toBe(false);
      expect(sm2Verify(v.publicKey, msg, raw, { userId: '1234567812345679' })).toBe(false);
      expect(sm2Verify(v.publicKey, msg, der, { userId: v.userId })).toBe(false); // wrong form
      const verifier = createSm2Verifier(v.publicKey.toLowerCase(), { userId: v.userId });
      expect(verifier.publicKey).toBe(v.publicKey);
      expect(verifier.verify(msg, raw)).toBe(true);
      expect(verifier.verify(msg, der, 'der')).toBe(true);
      expect(verifier.verify('message digesT', raw)).toBe(false);
      expect(verifier.verify(msg, der)).toBe(false);
      for (let i = 0; i < raw.length; i += 7) {
        const bad = Buffer.from(raw);
        bad[i]! ^= 0x01;
        expect(sm2Verify(v.publicKey, msg, bad, { userId: v.userId })).toBe(false);
      }
    });

    it(`${v.name}: the library without hash:true gives a signature the wrapper refuses`, () => {
      const plain = smV2.doSignature(msg, v.privateKey.toLowerCase(), {
        pointPool: [{ k: big(v.k), x1: big(v.x1) }],
      });
      expect(plain.toUpperCase()).not.toBe(v.r + v.s);
      expect(sm2Verify(v.publicKey, msg, hexToBytes(plain), { userId: v.userId })).toBe(false);
    });
  }
});

describe('SM2 wrapper', () => {
  const kp = sm2GenerateKeyPair();

  it('generates upper-case keys whose public key derives from the private key', () => {
    expect(kp.privateKey).toMatch(/^[0-9A-F]{64}$/);
    expect(kp.publicKey).toMatch(/^04[0-9A-F]{128}$/);
    expect(sm2PublicKeyFromPrivateKey(kp.privateKey)).toBe(kp.publicKey);
    expect(sm2GenerateKeyPair().privateKey).not.toBe(kp.privateKey);
  });

  it('signs with a fresh nonce each time; raw and DER both verify, with the default or a custom id', () => {
    const a = sm2Sign(kp.privateKey, 'EHC 电子健康卡');
    const b = sm2Sign(kp.privateKey, 'EHC 电子健康卡', { publicKey: kp.publicKey });
    expect(a).toHaveLength(64);
    expect(a.equals(b)).toBe(false);
    expect(sm2Verify(kp.publicKey, 'EHC 电子健康卡', a)).toBe(true);
    expect(sm2Verify(kp.publicKey, Buffer.from('EHC 电子健康卡'), b)).toBe(true);
    const der = sm2Sign(kp.privateKey, 'x', { form: 'der', userId: 'ALICE123@YAHOO.COM' });
    expect(der[0]).toBe(0x30);
    expect(sm2Verify(kp.publicKey, 'x', der, { form: 'der', userId: 'ALICE123@YAHOO.COM' })).toBe(true);
    expect(sm2Verify(kp.publicKey, 'x', der, { form: 'der' })).toBe(false);
    expect(sm2Verify(kp.publicKey.slice(2), 'x', der, { form: 'der', userId: 'ALICE123@YAHOO.COM' })).toBe(
      true,
    );
    const compressed = smV2.compressPublicKeyHex(kp.publicKey.toLowerCase());
    expect(sm2Verify(compressed, 'x', der, { form: 'der', userId: 'ALICE123@YAHOO.COM' })).toBe(true);
  });

  it('a precomputed verifier agrees with sm2Verify on good and damaged signatures', () => {
    const verifier = createSm2Verifier(kp.publicKey);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.boolean(), (m, at, damage) => {
        const sig = sm2Sign(kp.privateKey, m, { publicKey: kp.publicKey });
        if (damage) sig[at % 64]! ^= 0x80;
        expect(verifier.verify(m, sig)).toBe(!damage);
        expect(sm2Verify(kp.publicKey, m, sig)).toBe(!damage);
      }),
      { numRuns: 10 },
    );
  });

  it('treats out-of-range r or s and malformed signatures as invalid, never throwing', () => {
    const msg = 'm';
    const sig = sm2Sign(kp.privateKey, msg);
    const r = sig.toString('hex', 0, 32);
    const s = sig.toString('hex', 32, 64);
    for (const [rr, ss] of [
      [to32(0n), s],
      [r, to32(0n)],
      [to32(SM2_N), s],
      [r, to32(SM2_N + 1n)],
      ['f'.repeat(64), s],
    ]) {
      expect(sm2Verify(kp.publicKey, msg, hexToBytes(`${rr}${ss}`))).toBe(false);
    }
    expect(sm2Verify(kp.publicKey, msg, sig.subarray(0, 63))).toBe(false);
    expect(sm2Verify(kp.publicKey, msg, Buffer.concat([sig, Buffer.alloc(1)]))).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, der) => {
        expect(sm2Verify(kp.publicKey, msg, bytes, { form: der ? 'der' : 'raw' })).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses bad keys and user ids with typed errors', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => sm2Sign('00'.repeat(32), 'm')).toThrow(code('CRYPTO_BAD_KEY'));
    expect(() => sm2Sign(to32(SM2_N - 1n), 'm')).toThrow(code('CRYPTO_BAD_KEY'));
    expect(() => sm2Sign('abc', 'm')).toThrow(code('CRYPTO_BAD_KEY'));
    expect(() => sm2PublicKeyFromPrivateKey('zz'.repeat(32))).toThrow(code('CRYPTO_BAD_KEY'));
    const offCurve = `04${'11'.repeat(64)}`;
    expect(() => sm2Verify(offCurve, 'm', Buffer.alloc(64, 1))).toThrow(code('CRYPTO_BAD_KEY'));
    expect(() => sm2Verify('04', 'm', Buffer.alloc(64, 1))).toThrow(code('CRYPTO_BAD_KEY'));
    expect(() => sm2Sign(kp.privateKey, 'm', { userId: 'x'.repeat(8192) })).toThrow(code('CRYPTO_BAD_INPUT'));
  });
});

describe('SM2 interop with sm-crypto 0.5.8 (both directions, raw and DER)', () => {
  const sm = smCrypto.sm2;
  const arbInput = fc.record({
    message: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 20 })),
    userId: fc.constantFrom(SM2_DEFAULT_USER_ID, 'ALICE123@YAHOO.COM', '终端0001'),
    der: fc.boolean(),
  });

  it('our signatures verify in sm-crypto', () => {
    const kp = sm2GenerateKeyPair();
    fc.assert(
      fc.property(arbInput, ({ message, userId, der }) => {
        const sig = sm2Sign(kp.privateKey, message, { userId, form: der ? 'der' : 'raw' });
        const msg = typeof message === 'string' ? message : Array.from(message);
        const pub = kp.publicKey.toLowerCase();
        expect(sm.doVerifySignature(msg, sig.toString('hex'), pub, { hash: true, der, userId })).toBe(true);
        expect(
          sm.doVerifySignature(msg, sig.toString('hex'), pub, { hash: true, der, userId: `${userId}x` }),
        ).toBe(false);
      }),
      { numRuns: 8 },
    );
  });

  it("sm-crypto's signatures verify through the wrapper", () => {
    const kp = sm.generateKeyPairHex();
    expect(sm2PublicKeyFromPrivateKey(kp.privateKey)).toBe(kp.publicKey.toUpperCase());
    fc.assert(
      fc.property(arbInput, ({ message, userId, der }) => {
        const msg = typeof message === 'string' ? message : Array.from(message);
        const sig = sm.doSignature(msg, kp.privateKey, { hash: true, der, userId, publicKey: kp.publicKey });
        const opts = { userId, form: der ? ('der' as const) : ('raw' as const) };
        expect(sm2Verify(kp.publicKey, message, hexToBytes(sig), opts)).toBe(true);
        expect(sm2Verify(kp.publicKey, message, hexToBytes(sig), { ...opts, userId: `${userId}x` })).toBe(
          false,
        );
      }),
      { numRuns: 8 },
    );
  });
});

describe('SM2 DER codec', () => {
  it('raw → DER → raw is the identity, including short r and s', () => {
    const arbRaw = fc
      .tuple(fc.nat({ max: 31 }), fc.nat({ max: 31 }), fc.uint8Array({ minLength: 64, maxLength: 64 }))
      .map(([zr, zs, b]) => {
        const raw = Buffer.from(b);
        raw.fill(0, 0, zr);
        raw.fill(0, 32, 32 + zs);
        return raw;
      });
    fc.assert(
      fc.property(arbRaw, (raw) => {
        const der = sm2SignatureToDer(raw);
        expect(der.length).toBeLessThanOrEqual(72);
        const back = sm2SignatureFromDer(der);
        expect(back.ok && back.value.equals(raw)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects non-canonical DER and never throws on random bytes', () => {
    const good = hexToBytes(vectors.signature[0]!.der);
    const cases = [
      Buffer.concat([good, Buffer.from([0])]), // trailing byte
      Buffer.from([0x31, ...good.subarray(1)]), // not a SEQUENCE
      Buffer.from([0x30, good[1]! - 1, ...good.subarray(2)]), // wrong length
      hexToBytes('300802020001020200 01'.replace(/ /g, '')), // non-minimal INTEGER
      hexToBytes('3006020181020101'), // negative INTEGER
    ];
    for (const c of cases) expect(sm2SignatureFromDer(c).ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const r = sm2SignatureFromDer(b);
        if (!r.ok) expect(['bad-length', 'bad-der']).toContain(r.error.type);
      }),
      { numRuns: 300 },
    );
  });
});
