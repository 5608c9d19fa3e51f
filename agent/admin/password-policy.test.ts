import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWeakPasswordError, type PasswordRule } from './errors.js';
import { assertStrongPassword, passwordRuleViolations } from './password-policy.js';

function refusal(password: string): PasswordRule[] {
  try {
    assertStrongPassword(password);
  } catch (error) {
    if (isWeakPasswordError(error)) return [...error.rules];
    throw error;
  }
  return [];
}

describe('password policy (spec §5.1.1-8)', () => {
  it.each<[string, PasswordRule[]]>([
    ['Abcdef1', ['min-length']], // 7 characters
    ['abcdefg1', ['upper-case']],
    ['ABCDEFG1', ['lower-case']],
    ['Abcdefgh', ['digit']],
    ['abc', ['min-length', 'upper-case', 'digit']],
    ['', ['min-length', 'upper-case', 'lower-case', 'digit']],
    [`Aa1${'x'.repeat(126)}`, ['max-length']],
  ])('refuses %j naming %j', (password, rules) => {
    expect(refusal(password)).toEqual(rules);
  });

  it('accepts 8 characters with upper, lower and a digit', () => {
    expect(refusal('Abcdefg1')).toEqual([]);
    expect(refusal('Zz9.Zz9.')).toEqual([]);
  });

  it('the error names the rule in its message and has a stable code', () => {
    expect(() => assertStrongPassword('abcdefg1')).toThrowError(/upper-case letter/);
    try {
      assertStrongPassword('short');
    } catch (error) {
      expect(isWeakPasswordError(error) && error.code).toBe('ADMIN_WEAK_PASSWORD');
    }
  });

  it('counts code points: 7 CJK characters plus nothing else is too short', () => {
    expect(passwordRuleViolations('Aa1密码密码')).toContain('min-length');
  });

  it('property: a string is accepted exactly when it has ≥ 8 chars, an upper, a lower and a digit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), (s) => {
        const expected =
          s.length >= 8 && s.length <= 128 && /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
        expect(passwordRuleViolations(s).length === 0).toBe(expected);
      }),
    );
  });
});
