import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CipherMachineError } from './errors.js';

/**
 * Keys at rest wrapped under a master key (from the `EHC_HSM_MASTER_KEY` environment variable,
 * 32 hex). Wrapped value = IV (16) ‖ SM4-CBC-PKCS#7(kEnc, IV, key) ‖ HMAC-SM3(kMac, index ‖ IV ‖ ct)
 * with kEnc, kMac derived from the master key by HMAC-SM3. The MAC binds the key to its index, so
 * wrapped values cannot be swapped between slots.
 */
export const MASTER_KEY_ENV = 'EHC_HSM_MASTER_KEY';
const MAC_BYTES = 32;
const IV_BYTES = 16;

export interface MasterKey {
  readonly enc: Buffer;
  readonly mac: Buffer;
}

export function parseMasterKey(hex: string): MasterKey {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new CipherMachineError('KEYFILE_BAD_MASTER_KEY', `${MASTER_KEY_ENV} must be 32 hex characters`);
  }
  const master = Buffer.from(hex, 'hex');
  const enc = createHmac('sm3', master).update('ehc-hsm key wrap: enc').digest().subarray(0, 16);
  const mac = createHmac('sm3', master).update('ehc-hsm key wrap: mac').digest();
  master.fill(0);
  return { enc, mac };
}

/** The master key from the environment, or undefined when the variable is unset or empty. */
export function masterKeyFromEnv(env: Readonly<Record<string, string | undefined>>): MasterKey | undefined {
  const v = env[MASTER_KEY_ENV];
  return v === undefined || v === '' ? undefined : parseMasterKey(v);
}

function mac(master: MasterKey, index: number, iv: Buffer, ct: Buffer): Buffer {
  const idx = Buffer.alloc(4);
  idx.writeUInt32BE(index);
  return createHmac('sm3', master.mac).update(idx).update(iv).update(ct).digest();
}

export function wrapKey(master: MasterKey, index: number, value: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('sm4-cbc', master.enc, iv);
  const ct = Buffer.concat([c.update(value), c.final()]);
  return Buffer.concat([iv, ct, mac(master, index, iv, ct)])
    .toString('hex')
    .toUpperCase();
}

export function unwrapKey(master: MasterKey, index: number, wrappedHex: string): Buffer {
  const fail = (): CipherMachineError =>
    new CipherMachineError(
      'KEYFILE_UNWRAP_FAILED',
      `key ${index}: wrapped value does not verify under the master key`,
    );
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(wrappedHex)) throw fail();
  const all = Buffer.from(wrappedHex, 'hex');
  if (all.length < IV_BYTES + 16 + MAC_BYTES || (all.length - IV_BYTES - MAC_BYTES) % 16 !== 0) throw fail();
  const iv = all.subarray(0, IV_BYTES);
  const ct = all.subarray(IV_BYTES, all.length - MAC_BYTES);
  const tag = all.subarray(all.length - MAC_BYTES);
  if (!timingSafeEqual(tag, mac(master, index, iv, ct))) throw fail();
  try {
    const d = createDecipheriv('sm4-cbc', master.enc, iv);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    throw fail();
  }
}
