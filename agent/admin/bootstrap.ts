import { randomInt } from 'node:crypto';
import { type AdminContext, inTransaction } from './context.js';
import { hashPassword } from './password-hash.js';
import { assertStrongPassword, passwordRuleViolations } from './password-policy.js';

// No look-alikes (0/O, 1/l/I) so the password can be read off a console and typed.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random 20-character password that passes the policy (about 116 bits). */
export function generateOneTimePassword(length = 20): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
    if (passwordRuleViolations(out).length === 0) return out;
  }
}

export interface BootstrapResult {
  /** True when this call created the default administrator. */
  readonly created: boolean;
  /** The generated one-time password, when one was generated. Show it once; it is not stored. */
  readonly oneTimePassword?: string;
}

/**
 * On a database with no users, creates the default administrator with the configured initial
 * password (which must pass the policy) or a random one, marked must-change either way.
 */
export async function bootstrapAdmin(ctx: AdminContext, initialPassword?: string): Promise<BootstrapResult> {
  if (ctx.users.count() > 0) return { created: false };
  if (initialPassword !== undefined) assertStrongPassword(initialPassword);
  const password = initialPassword ?? generateOneTimePassword();
  const hash = await hashPassword(password, ctx.scryptCost);
  const name = ctx.policy.defaultAdminName;
  const created = inTransaction(ctx, () => {
    if (ctx.users.count() > 0) return false; // another process got there first
    ctx.users.insert({ name, role: 'admin', hash, mustChange: true, now: ctx.now() });
    ctx.audit.record({
      actor: 'system',
      action: 'admin.bootstrap',
      outcome: 'ok',
      target: name,
      detail: { generatedPassword: initialPassword === undefined },
    });
    return true;
  });
  if (!created) return { created: false };
  return initialPassword === undefined ? { created: true, oneTimePassword: password } : { created: true };
}
