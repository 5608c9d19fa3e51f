import { type Cipher, createCipheriv, createDecipheriv, type Decipher } from 'node:crypto';
import { inspect } from 'node:util';
import type { KeyEntry, KeyType, KeyUse } from './key-file.js';

/**
 * The machine's keys by index. Key bytes live in private fields: they never appear in
 * `util.inspect`, JSON or logs (both show `summary()`). SM4 keys keep one ECB encrypt and one ECB
 * decrypt context each, reused for every block (ECB without padding carries no state between
 * calls), so the validity hot path creates no cipher per request.
 */
export class StoredKey {
  readonly index: number;
  readonly type: KeyType;
  readonly use: KeyUse;
  /** sm2 only. */
  readonly publicKey: string | undefined;
  readonly #value: Buffer;
  #enc: Cipher | undefined;
  #dec: Decipher | undefined;

  constructor(e: KeyEntry) {
    this.index = e.index;
    this.type = e.type;
    this.use = e.use;
    this.publicKey = e.publicKey;
    this.#value = Buffer.from(e.value);
  }

  /** The raw key bytes, for one-off operations (SM4-CBC, EHC-ID derivation). */
  bytes(): Buffer {
    return this.#value;
  }

  /** sm2: the private key as the hex the SM2 wrapper takes. */
  privateKeyHex(): string {
    return this.#value.toString('hex');
  }

  /** SM4-ECB of whole 16-byte blocks through the cached context. */
  ecbEncrypt(blocks: Buffer): Buffer {
    this.#enc ??= createCipheriv('sm4-ecb', this.#value, null).setAutoPadding(false);
    return this.#enc.update(blocks);
  }

  ecbDecrypt(blocks: Buffer): Buffer {
    this.#dec ??= createDecipheriv('sm4-ecb', this.#value, null).setAutoPadding(false);
    return this.#dec.update(blocks);
  }

  /** Overwrites the key bytes (on shutdown). */
  destroy(): void {
    this.#value.fill(0);
    this.#enc = undefined;
    this.#dec = undefined;
  }

  toJSON(): { index: number; type: KeyType; use: KeyUse } {
    return { index: this.index, type: this.type, use: this.use };
  }

  [inspect.custom](): string {
    return `StoredKey(${this.index} ${this.type}/${this.use})`;
  }
}

export type KeyLookup =
  | { readonly ok: true; readonly key: StoredKey }
  | { readonly ok: false; readonly why: 'missing' | 'wrong-type' };

export class KeyStore {
  readonly #byIndex = new Map<number, StoredKey>();
  readonly #defaults = new Map<KeyUse, StoredKey>();

  constructor(entries: readonly KeyEntry[]) {
    const sorted = [...entries].sort((a, b) => a.index - b.index);
    for (const e of sorted) {
      const k = new StoredKey(e);
      this.#byIndex.set(k.index, k);
      if (!this.#defaults.has(k.use)) this.#defaults.set(k.use, k);
    }
  }

  get size(): number {
    return this.#byIndex.size;
  }

  /** Index 0 means the lowest-index key of that use. */
  lookup(index: number, type: KeyType, uses: readonly KeyUse[]): KeyLookup {
    const key = index === 0 ? this.#defaults.get(uses[0]!) : this.#byIndex.get(index);
    if (!key) return { ok: false, why: 'missing' };
    if (key.type !== type || !uses.includes(key.use)) return { ok: false, why: 'wrong-type' };
    return { ok: true, key };
  }

  summary(): { index: number; type: KeyType; use: KeyUse }[] {
    return [...this.#byIndex.values()].map((k) => k.toJSON());
  }

  destroy(): void {
    for (const k of this.#byIndex.values()) k.destroy();
  }

  toJSON(): unknown {
    return this.summary();
  }

  [inspect.custom](): string {
    return `KeyStore(${this.summary()
      .map((k) => `${k.index}:${k.type}/${k.use}`)
      .join(', ')})`;
  }
}
