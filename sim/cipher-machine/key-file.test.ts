import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sm2GenerateKeyPair } from '../../protocol/crypto/sm2.js';
import { parseFaults } from './faults.js';
import { loadKeyFile, parseKeyFile } from './key-file.js';
import { KeyStore } from './key-store.js';
import { MASTER_KEY_ENV, masterKeyFromEnv, parseMasterKey, unwrapKey, wrapKey } from './key-wrap.js';
import { writeNewKeyFile } from './keygen.js';

const PROTECT = '00112233445566778899AABBCCDDEEFF';
const MASTER = parseMasterKey('0F1E2D3C4B5A69788796A5B4C3D2E1F0');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-keys-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as { code: string }).code;
  }
};
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('key file', () => {
  it('loads the issue’s shape and defaults', () => {
    const keys = parseKeyFile({
      keys: [
        { index: 1, type: 'sm4', use: 'protect', value: PROTECT },
        { index: 2, type: 'sm4', use: 'security', value: PROTECT.toLowerCase() },
        { index: 5, type: 'sm4', value: PROTECT, note: 'extra fields are ignored' },
      ],
    });
    expect(keys.map((k) => [k.index, k.use])).toEqual([
      [1, 'protect'],
      [2, 'security'],
      [5, 'data'],
    ]);
    expect(keys[0]!.value.toString('hex').toUpperCase()).toBe(PROTECT);
  });

  it('rejects malformed entries without quoting key material', () => {
    const secret = 'ABCDEF0123456789ABCDEF01234567';
    const cases: unknown[] = [
      {},
      { keys: [] },
      { keys: [{ index: 0, type: 'sm4', value: PROTECT }] },
      { keys: [{ index: 1, type: 'aes', value: PROTECT }] },
      { keys: [{ index: 1, type: 'sm4', use: 'sign', value: PROTECT }] },
      { keys: [{ index: 1, type: 'sm4', value: secret }] },
      { keys: [{ index: 1, type: 'sm4', value: `${secret}ZZ` }] },
      {
        keys: [
          { index: 1, type: 'sm4', value: PROTECT },
          { index: 1, type: 'sm4', value: PROTECT },
        ],
      },
      { keys: [{ index: 1, type: 'sm2', value: 'F'.repeat(64) }] },
    ];
    for (const c of cases) {
      expect(codeOf(() => parseKeyFile(c))).toBe('KEYFILE_INVALID');
      expect(messageOf(() => parseKeyFile(c))).not.toContain(secret);
    }
  });

  it('checks an SM2 key pair', () => {
    const kp = sm2GenerateKeyPair();
    const [k] = parseKeyFile({
      keys: [{ index: 4, type: 'sm2', value: kp.privateKey, publicKey: kp.publicKey }],
    });
    expect(k!.publicKey).toBe(kp.publicKey);
    const other = sm2GenerateKeyPair().publicKey;
    expect(
      codeOf(() =>
        parseKeyFile({ keys: [{ index: 4, type: 'sm2', value: kp.privateKey, publicKey: other }] }),
      ),
    ).toBe('KEYFILE_INVALID');
  });

  it('refuses a file others can read, and says nothing of its content when it is not JSON', () => {
    const f = join(dir, 'keys.json');
    writeFileSync(f, JSON.stringify({ keys: [{ index: 1, type: 'sm4', use: 'protect', value: PROTECT }] }));
    chmodSync(f, 0o644);
    expect(codeOf(() => loadKeyFile(f))).toBe('KEYFILE_PERMISSIONS');
    chmodSync(f, 0o600);
    expect(loadKeyFile(f)).toHaveLength(1);
    writeFileSync(f, `{"keys":[{"value":"${PROTECT}"`);
    expect(codeOf(() => loadKeyFile(f))).toBe('KEYFILE_INVALID');
    expect(messageOf(() => loadKeyFile(f))).not.toContain(PROTECT);
    expect(codeOf(() => loadKeyFile(join(dir, 'missing.json')))).toBe('KEYFILE_UNREADABLE');
  });

  it('wraps keys under a master key, bound to their index', () => {
    const value = Buffer.from(PROTECT, 'hex');
    const w = wrapKey(MASTER, 1, value);
    expect(w).not.toContain(PROTECT);
    expect(unwrapKey(MASTER, 1, w)).toEqual(value);
    expect(codeOf(() => unwrapKey(MASTER, 2, w))).toBe('KEYFILE_UNWRAP_FAILED');
    expect(codeOf(() => unwrapKey(parseMasterKey('00'.repeat(16)), 1, w))).toBe('KEYFILE_UNWRAP_FAILED');
    const flipped = w.slice(0, 40) + (w[40] === '0' ? '1' : '0') + w.slice(41);
    expect(codeOf(() => unwrapKey(MASTER, 1, flipped))).toBe('KEYFILE_UNWRAP_FAILED');
    const file = { keys: [{ index: 1, type: 'sm4', use: 'protect', wrapped: w }] };
    expect(parseKeyFile(file, MASTER)[0]!.value).toEqual(value);
    expect(codeOf(() => parseKeyFile(file))).toBe('KEYFILE_NO_MASTER_KEY');
    expect(masterKeyFromEnv({})).toBeUndefined();
    expect(codeOf(() => masterKeyFromEnv({ [MASTER_KEY_ENV]: 'short' }))).toBe('KEYFILE_BAD_MASTER_KEY');
  });

  it('keygen writes a fresh owner-only file that loads back, wrapped or not, and refuses to overwrite', () => {
    const f = join(dir, 'k.json');
    const written = writeNewKeyFile(f);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const loaded = loadKeyFile(f);
    expect(loaded.map((k) => `${k.index}:${k.type}/${k.use}`)).toEqual([
      '1:sm4/protect',
      '2:sm4/security',
      '3:sm4/data',
      '4:sm2/sign',
    ]);
    expect(written.keys[0]!.value).toBe(loaded[0]!.value.toString('hex').toUpperCase());
    expect(codeOf(() => writeNewKeyFile(f))).toBe('KEYFILE_EXISTS');
    chmodSync(f, 0o644);
    writeNewKeyFile(f, { master: MASTER, force: true });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain('"value"');
    const unwrapped = loadKeyFile(f, { master: MASTER });
    expect(unwrapped).toHaveLength(4);
    expect(unwrapped[0]!.value).not.toEqual(loaded[0]!.value);
  });

  it('never shows key bytes through inspect or JSON', () => {
    const store = new KeyStore(
      parseKeyFile({ keys: [{ index: 1, type: 'sm4', use: 'protect', value: PROTECT }] }),
    );
    const k = store.lookup(0, 'sm4', ['protect']);
    expect(k.ok).toBe(true);
    for (const shown of [inspect(store, { depth: 10 }), JSON.stringify(store), inspect(k, { depth: 10 })]) {
      expect(shown.toUpperCase()).not.toContain(PROTECT);
      expect(shown.toLowerCase()).not.toContain('00 11 22 33');
    }
    expect(store.lookup(0, 'sm4', ['security'])).toEqual({ ok: false, why: 'missing' });
    expect(store.lookup(1, 'sm2', ['sign'])).toEqual({ ok: false, why: 'wrong-type' });
  });
});

describe('fault settings', () => {
  it('accepts known faults and rejects the rest', () => {
    expect(
      parseFaults({
        latencyMs: 5,
        jitterMs: 2,
        hang: false,
        corrupt: true,
        errorCode: '08',
        commands: ['VC'],
      }),
    ).toEqual({
      ok: true,
      value: { latencyMs: 5, jitterMs: 2, hang: false, corrupt: true, errorCode: '08', commands: ['VC'] },
    });
    for (const bad of [
      null,
      [],
      { x: 1 },
      { latencyMs: -1 },
      { hang: 'yes' },
      { errorCode: '00' },
      { errorCode: 'A1' },
      { commands: ['VCX'] },
    ]) {
      expect(parseFaults(bad).ok).toBe(false);
    }
  });
});
