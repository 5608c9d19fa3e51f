import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.js';

const COST = { N: 1024, r: 8, p: 1 };

describe('scrypt password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('Correct-Horse-1', COST);
    expect(await verifyPassword('Correct-Horse-1', stored)).toBe(true);
    expect(await verifyPassword('Correct-Horse-2', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('is salted: the same password hashes differently each time', async () => {
    const a = await hashPassword('Same-Password-1', COST);
    const b = await hashPassword('Same-Password-1', COST);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('records its cost, so a hash made at one cost verifies after the default changes', async () => {
    const stored = await hashPassword('Cost-Change-1', { N: 2048, r: 8, p: 1 });
    expect(stored.startsWith('scrypt$2048$8$1$')).toBe(true);
    expect(await verifyPassword('Cost-Change-1', stored)).toBe(true);
  });

  it('a tampered or malformed stored hash is false, never an exception', async () => {
    const stored = await hashPassword('Tamper-Proof-1', COST);
    const parts = stored.split('$');
    const key = Buffer.from(parts[5] ?? '', 'base64');
    key[0] = (key[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 5), key.toString('base64')].join('$');
    expect(await verifyPassword('Tamper-Proof-1', tampered)).toBe(false);
    for (const bad of ['', 'plain', 'scrypt$1024$8$1$$', 'scrypt$1000$8$1$AAAA$AAAA', 'bcrypt$x$y$z$a$b']) {
      expect(await verifyPassword('Tamper-Proof-1', bad)).toBe(false);
    }
  });

  it('refuses an out-of-range cost when hashing', async () => {
    await expect(hashPassword('Whatever-1', { N: 1000, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});
