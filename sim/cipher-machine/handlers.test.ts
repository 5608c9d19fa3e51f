import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sm2GenerateKeyPair, sm2SignedDigest, sm2Verify } from '../../protocol/crypto/sm2.js';
import { sm3 } from '../../protocol/crypto/sm3.js';
import { sm4CbcEncrypt } from '../../protocol/crypto/sm4.js';
import { decodeReply, decodeRequest, encodeRequest } from '../../protocol/hsm/codec.js';
import { type HsmCommand, type RequestInputs, USE_SERVER_DEFAULT } from '../../protocol/hsm/commands.js';
import { resolveConfig } from './config.js';
import type { HsmFaults } from './faults.js';
import { handleRequest } from './handlers.js';
import type { KeyEntry } from './key-file.js';
import { KeyStore } from './key-store.js';

const kp = sm2GenerateKeyPair();
const ENTRIES: KeyEntry[] = [
  { index: 1, type: 'sm4', use: 'protect', value: Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex') },
  { index: 2, type: 'sm4', use: 'security', value: Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex') },
  { index: 3, type: 'sm4', use: 'data', value: Buffer.alloc(16, 3) },
  { index: 4, type: 'sm2', use: 'sign', value: Buffer.from(kp.privateKey, 'hex'), publicKey: kp.publicKey },
];
const NOW = Date.UTC(2025, 0, 1, 4, 0, 0);

function machine(faultControl = false) {
  const set: HsmFaults[] = [];
  const ctx = {
    keys: new KeyStore(ENTRIES),
    config: resolveConfig({ keys: [], now: () => NOW, faultControl }),
    logger: pino({ level: 'silent' }),
    setFaults: (f: HsmFaults) => set.push(f),
  };
  /** Runs one command through encode → handle → decode. */
  const call = <C extends HsmCommand>(cmd: C, fields: RequestInputs<C>) => {
    const req = encodeRequest(7, cmd, fields).subarray(2);
    const d = decodeRequest(req);
    if (!d.ok) throw new Error(d.error.message);
    const r = decodeReply(handleRequest(ctx, d.value).subarray(2), cmd);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.id).toBe(7);
    return r.value;
  };
  return { call, set };
}

const fieldsOf = <T>(r: { success: boolean; code: string; fields?: T }): T => {
  if (!r.success) throw new Error(`error code ${r.code}`);
  return r.fields!;
};

describe('cipher-machine commands', () => {
  const { call } = machine();

  it('NC reports the identity and the machine clock', () => {
    expect(fieldsOf(call('NC', {}))).toEqual({
      vendor: 'ehc-terminal',
      model: 'EHC-SOFT-HSM',
      serial: 'SOFT-0000000001',
      firmware: '1.0.0',
      timeMs: NOW,
    });
  });

  it('RA returns the requested number of bytes and refuses 0', () => {
    expect(fieldsOf(call('RA', { length: 33 })).bytes).toHaveLength(33);
    expect(call('RA', { length: 0 }).code).toBe('29');
  });

  it('HA hashes plainly, or with ZA for a public key', () => {
    const data = Buffer.from('message digest');
    expect(fieldsOf(call('HA', { publicKey: Buffer.alloc(0), userId: '', data })).digest).toEqual(sm3(data));
    const withZa = call('HA', {
      publicKey: Buffer.from(kp.publicKey, 'hex'),
      userId: 'ALICE123@YAHOO.COM',
      data,
    });
    expect(fieldsOf(withZa).digest).toEqual(sm2SignedDigest(kp.publicKey, data, 'ALICE123@YAHOO.COM'));
    expect(call('HA', { publicKey: Buffer.alloc(65, 4), userId: '1', data }).code).toBe('29');
  });

  it('SA signs with the indexed key (hash and user id) and SC verifies; a wrong signature is SDR_VERIFYERR', () => {
    const data = Buffer.from('abc');
    const sig = fieldsOf(call('SA', { keyIndex: 4, userId: '1234567812345678', data })).signature;
    expect(sm2Verify(kp.publicKey, data, sig, { userId: '1234567812345678' })).toBe(true);
    expect(call('SC', { keyIndex: 4, userId: '1234567812345678', data, signature: sig }).code).toBe('00');
    expect(call('SC', { keyIndex: 4, userId: 'other', data, signature: sig }).code).toBe('14');
    expect(call('SA', { keyIndex: 1, userId: '1', data }).code).toBe('20');
  });

  it('EA/EC run SM4 ECB and CBC with data keys only', () => {
    const data = Buffer.from('sixteen byte msg and more');
    const iv = Buffer.alloc(16, 9);
    const base = { keyIndex: 3, padding: 1, iv: Buffer.alloc(0), data };
    const ecb = fieldsOf(call('EA', { ...base, mode: 0 })).data;
    expect(fieldsOf(call('EC', { ...base, mode: 0, data: ecb })).data).toEqual(data);
    const cbc = fieldsOf(call('EA', { ...base, mode: 1, iv })).data;
    expect(cbc).toEqual(sm4CbcEncrypt(ENTRIES[2]!.value, iv, data));
    expect(fieldsOf(call('EC', { ...base, mode: 1, iv, data: cbc })).data).toEqual(data);
    // A ciphertext whose padding does not check: SDR_ENCDATAERR.
    expect(call('EC', { ...base, mode: 0, data: Buffer.alloc(16) }).code).toBe('22');
    expect(call('EA', { ...base, mode: 2 }).code).toBe('10');
    expect(call('EA', { ...base, mode: 0, iv })).toMatchObject({ code: '29' });
    expect(call('EA', { ...base, keyIndex: 1, mode: 0 }).code).toBe('20');
    expect(call('EA', { ...base, keyIndex: 9, mode: 0 }).code).toBe('08');
  });

  it('KA derives the EHC-ID of the spec vector with the default security key', () => {
    const r = call('KA', {
      keyIndex: 0,
      mainIndex: Buffer.from('ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E', 'hex'),
      idType: '01',
      idNo: '11010020171225006X',
    });
    expect(fieldsOf(r).ehcId.toString('hex').toUpperCase()).toBe(
      '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
    );
    expect(call('KA', { keyIndex: 0, mainIndex: Buffer.alloc(8), idType: '01', idNo: '张三' }).code).toBe(
      '29',
    );
    expect(call('KA', { keyIndex: 1, mainIndex: Buffer.alloc(8), idType: '01', idNo: '1' }).code).toBe('20');
  });

  it('VA/VC make and check validity blocks in the window, with per-request parameters', () => {
    const made = fieldsOf(call('VA', { keyIndex: 0, instantMs: 0, timeZone: '' }));
    expect(made.digits).toBe('20250101120000');
    const vc = (nowMs: number, lifetimeS = USE_SERVER_DEFAULT, timeZone = '') =>
      fieldsOf(
        call('VC', { keyIndex: 0, block: made.block, nowMs, lifetimeS, skewS: USE_SERVER_DEFAULT, timeZone }),
      );
    expect(vc(0)).toEqual({ verdict: 0, generatedMs: NOW, digits: '20250101120000' });
    expect(vc(NOW + 65_001).verdict).toBe(1);
    expect(vc(NOW + 65_001, 600).verdict).toBe(0);
    expect(vc(NOW - 5_001).verdict).toBe(2);
    // Read in another zone, the same digits are another instant.
    expect(vc(0, USE_SERVER_DEFAULT, 'UTC')).toMatchObject({ verdict: 2, generatedMs: NOW + 8 * 3_600_000 });
    expect(
      call('VC', { keyIndex: 0, block: made.block, nowMs: 0, lifetimeS: 1, skewS: 1, timeZone: 'Nowhere/X' })
        .code,
    ).toBe('29');
    const garbage = fieldsOf(
      call('VC', { keyIndex: 0, block: Buffer.alloc(16), nowMs: 0, lifetimeS: 1, skewS: 1, timeZone: '' }),
    );
    expect(garbage.verdict).toBeGreaterThanOrEqual(3);
    expect(garbage).toMatchObject({ generatedMs: 0, digits: '' });
    expect(call('VA', { keyIndex: 2, instantMs: 0, timeZone: '' }).code).toBe('20');
  });

  it('ZF is refused unless fault control is on', () => {
    expect(call('ZF', { faults: '{}' }).code).toBe('02');
    const m = machine(true);
    expect(m.call('ZF', { faults: '{"latencyMs":5}' }).code).toBe('00');
    expect(m.set).toEqual([{ latencyMs: 5 }]);
    expect(m.call('ZF', { faults: '{"bogus":1}' }).code).toBe('29');
    expect(m.call('ZF', { faults: 'not json' }).code).toBe('29');
  });
});
