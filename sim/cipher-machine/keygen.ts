import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { sm2GenerateKeyPair } from '../../protocol/crypto/sm2.js';
import { CipherMachineError } from './errors.js';
import { type KeyEntry, type KeyFileJson, toKeyFileJson } from './key-file.js';
import type { MasterKey } from './key-wrap.js';

/**
 * A fresh key set: 1 protect key (保护密钥, validity blocks), 2 security key (安全密钥, EHC-IDs),
 * 3 data key (SM4 encrypt/decrypt by index), 4 SM2 signing key pair.
 */
export function generateKeys(): KeyEntry[] {
  const kp = sm2GenerateKeyPair();
  return [
    { index: 1, type: 'sm4', use: 'protect', value: randomBytes(16) },
    { index: 2, type: 'sm4', use: 'security', value: randomBytes(16) },
    { index: 3, type: 'sm4', use: 'data', value: randomBytes(16) },
    { index: 4, type: 'sm2', use: 'sign', value: Buffer.from(kp.privateKey, 'hex'), publicKey: kp.publicKey },
  ];
}

export interface WriteKeyFileOptions {
  /** Wrap every value under this master key. */
  readonly master?: MasterKey;
  /** Replace an existing file (default false: refuse). */
  readonly force?: boolean;
}

/** Writes a fresh key file readable by its owner only (mode 600). Returns what was written. */
export function writeNewKeyFile(path: string, opts: WriteKeyFileOptions = {}): KeyFileJson {
  const json = toKeyFileJson(generateKeys(), opts.master);
  try {
    writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: opts.force ? 'w' : 'wx' });
    // An existing file keeps its mode when overwritten.
    if (process.platform !== 'win32') chmodSync(path, 0o600);
  } catch (e) {
    const exists = (e as { code?: unknown }).code === 'EEXIST';
    throw new CipherMachineError(
      exists ? 'KEYFILE_EXISTS' : 'KEYFILE_UNWRITABLE',
      exists ? `${path} exists (use --force to replace it)` : `cannot write key file ${path}`,
      { cause: e },
    );
  }
  return json;
}
