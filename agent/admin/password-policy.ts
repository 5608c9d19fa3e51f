import { type PasswordRule, WeakPasswordError } from './errors.js';

export const MIN_PASSWORD_LENGTH = 8;
/** Bounds the work one login costs (scrypt hashes the whole string). */
export const MAX_PASSWORD_LENGTH = 128;

const RULE_TEXT: Readonly<Record<PasswordRule, string>> = {
  'min-length': `at least ${MIN_PASSWORD_LENGTH} characters`,
  'max-length': `at most ${MAX_PASSWORD_LENGTH} characters`,
  'upper-case': 'an upper-case letter (A-Z)',
  'lower-case': 'a lower-case letter (a-z)',
  digit: 'a digit (0-9)',
};

/**
 * The rules of spec §5.1.1-8 a password breaks: length ≥ 8 and at least one upper-case letter,
 * one lower-case letter and one digit. An empty list means the password is acceptable.
 * Length counts Unicode code points, not UTF-16 units.
 */
export function passwordRuleViolations(password: string): PasswordRule[] {
  const out: PasswordRule[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) out.push('min-length');
  if (length > MAX_PASSWORD_LENGTH) out.push('max-length');
  if (!/[A-Z]/.test(password)) out.push('upper-case');
  if (!/[a-z]/.test(password)) out.push('lower-case');
  if (!/[0-9]/.test(password)) out.push('digit');
  return out;
}

/** Throws `WeakPasswordError` naming every broken rule; returns quietly for an acceptable one. */
export function assertStrongPassword(password: string): void {
  const rules = passwordRuleViolations(password);
  if (rules.length === 0) return;
  const needs = rules.map((r) => RULE_TEXT[r]).join('; ');
  throw new WeakPasswordError(rules, `password refused: it needs ${needs}`);
}
