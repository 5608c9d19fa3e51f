import { readFileSync, statSync } from 'node:fs';
import { sm2PublicKeyFromPrivateKey } from '../../protocol/crypto/sm2.js';
import { CipherMachineError } from './errors.js';
import { type MasterKey, unwrapKey, wrapKey } from './key-wrap.js';

/**
 * The key file: `{"keys":[{"index":1,"type":"sm4","use":"protect","value":"<32 hex>"}, …]}`.
 * - `type` `sm4` (16-byte key, `use` `protect` 保护密钥 | `security` 安全密钥 | `data`, default `data`)
 *   or `sm2` (`value` = 64-hex private key, `use` `sign`, optional `publicKey` checked against it);
 * - `wrapped` instead of `value`: the value wrapped under the master key (key-wrap.ts);
 * - `index` 1–65535, unique. Other fields are ignored (room for more).
 */
export type KeyUse = 'protect' | 'security' | 'data' | 'sign';
export type KeyType = 'sm4' | 'sm2';

export interface KeyEntry {
  readonly index: number;
  readonly type: KeyType;
  readonly use: KeyUse;
  /** sm4: the 16 key bytes; sm2: the 32 private-key bytes. */
  readonly value: Buffer;
  /** sm2 only: `04‖x‖y` upper-case hex. */
  readonly publicKey?: string;
}

export interface KeyFileEntryJson {
  index: number;
  type: KeyType;
  use: KeyUse;
  value?: string;
  wrapped?: string;
  publicKey?: string;
}

export interface KeyFileJson {
  version: 1;
  keys: KeyFileEntryJson[];
}

const SM4_USES: readonly KeyUse[] = ['protect', 'security', 'data'];
const invalid = (why: string): CipherMachineError => new CipherMachineError('KEYFILE_INVALID', why);

function parseEntry(raw: unknown, pos: number, master: MasterKey | undefined): KeyEntry {
  if (typeof raw !== 'object' || raw === null) throw invalid(`keys[${pos}] is not an object`);
  const e = raw as Record<string, unknown>;
  const index = e.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > 0xffff) {
    throw invalid(`keys[${pos}].index must be an integer in 1..65535`);
  }
  const type = e.type;
  if (type !== 'sm4' && type !== 'sm2') throw invalid(`key ${index}: type must be "sm4" or "sm2"`);
  const use = e.use ?? (type === 'sm4' ? 'data' : 'sign');
  if (type === 'sm4' ? !SM4_USES.includes(use as KeyUse) : use !== 'sign') {
    throw invalid(`key ${index}: use must be ${type === 'sm4' ? 'protect, security or data' : 'sign'}`);
  }
  let value: Buffer;
  if (typeof e.wrapped === 'string') {
    if (!master) {
      throw new CipherMachineError(
        'KEYFILE_NO_MASTER_KEY',
        `key ${index} is wrapped but no master key was given`,
      );
    }
    value = unwrapKey(master, index, e.wrapped);
  } else if (typeof e.value === 'string' && /^(?:[0-9a-fA-F]{2})+$/.test(e.value)) {
    value = Buffer.from(e.value, 'hex');
  } else {
    throw invalid(`key ${index}: needs a hex "value" or a "wrapped" value`);
  }
  const want = type === 'sm4' ? 16 : 32;
  if (value.length !== want) throw invalid(`key ${index}: ${type} key must be ${want} bytes`);
  if (type === 'sm4') return { index, type, use: use as KeyUse, value };
  let publicKey: string;
  try {
    publicKey = sm2PublicKeyFromPrivateKey(value.toString('hex'));
  } catch {
    throw invalid(`key ${index}: not a valid SM2 private key`);
  }
  if (e.publicKey !== undefined) {
    const given = typeof e.publicKey === 'string' ? e.publicKey.toUpperCase() : '';
    if (given !== publicKey && `04${given}` !== publicKey) {
      throw invalid(`key ${index}: publicKey does not match the private key`);
    }
  }
  return { index, type, use: 'sign', value, publicKey };
}

/** Validates a parsed key file; unwraps wrapped values with `master`. */
export function parseKeyFile(json: unknown, master?: MasterKey): KeyEntry[] {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) {
    throw invalid('key file must be an object with a "keys" array');
  }
  const list = (json as { keys: unknown[] }).keys;
  if (list.length === 0) throw invalid('key file has no keys');
  const seen = new Set<number>();
  return list.map((raw, pos) => {
    const k = parseEntry(raw, pos, master);
    if (seen.has(k.index)) throw invalid(`key index ${k.index} appears twice`);
    seen.add(k.index);
    return k;
  });
}

export interface LoadKeyFileOptions {
  readonly master?: MasterKey;
  /** Refuse a file readable or writable by others (default true; ignored on Windows). */
  readonly checkPermissions?: boolean;
}

export function loadKeyFile(path: string, opts: LoadKeyFileOptions = {}): KeyEntry[] {
  let text: string;
  try {
    if ((opts.checkPermissions ?? true) && process.platform !== 'win32') {
      const mode = statSync(path).mode;
      if ((mode & 0o006) !== 0) {
        throw new CipherMachineError(
          'KEYFILE_PERMISSIONS',
          `key file ${path} is accessible to others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        );
      }
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CipherMachineError) throw e;
    throw new CipherMachineError('KEYFILE_UNREADABLE', `cannot read key file ${path}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the file's text (key material): neither it nor the error is kept.
    throw invalid(`key file ${path} is not valid JSON`);
  }
  return parseKeyFile(json, opts.master);
}

/** The JSON form of entries, values in clear or wrapped under `master`. */
export function toKeyFileJson(entries: readonly KeyEntry[], master?: MasterKey): KeyFileJson {
  return {
    version: 1,
    keys: entries.map((k) => ({
      index: k.index,
      type: k.type,
      use: k.use,
      ...(master
        ? { wrapped: wrapKey(master, k.index, k.value) }
        : { value: k.value.toString('hex').toUpperCase() }),
      ...(k.publicKey === undefined ? {} : { publicKey: k.publicKey }),
    })),
  };
}
