// Kiosk tokens are compared in constant time: every configured token is compared with
// crypto.timingSafeEqual on equal-length digests, with no early exit on a match or a length
// difference. A timing measurement would be flaky on a shared machine, so this counts the
// comparisons the real matchKioskToken makes (node:crypto wrapped, not replaced).
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: { a: number; b: number }[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push({ a: a.byteLength, b: b.byteLength });
      return real.timingSafeEqual(a, b);
    },
  };
});

const { matchKioskToken } = await import('../../agent/api/auth.js');

const TOKENS = [
  { name: 'a', token: 'kiosk-token-aaaaaaaaaaaaaaaa' },
  { name: 'b', token: 'kiosk-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
  { name: 'c', token: 'kiosk-token-cccccccccccccccc' },
];

beforeEach(() => {
  calls.length = 0;
});

describe('matchKioskToken', () => {
  it.each([
    ['the first token', TOKENS[0]!.token, 'a'],
    ['the last token', TOKENS[2]!.token, 'c'],
    ['a wrong token of another length', 'x', undefined],
    ['a prefix of a token', TOKENS[1]!.token.slice(0, 20), undefined],
  ])('compares every token, equal lengths, for %s', (_what, given, expected) => {
    expect(matchKioskToken(given, TOKENS)).toBe(expected);
    expect(calls).toHaveLength(TOKENS.length);
    for (const c of calls) expect(c.a).toBe(c.b);
  });
});
