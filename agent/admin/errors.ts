import { EhcError, isEhcError } from '../../protocol/errors.js';

/** Stable codes of the administration layer. Kiosk apps and the certification runner switch on them. */
export type AdminErrorCode =
  | 'ADMIN_BAD_CREDENTIALS' // unknown user or wrong password (deliberately the same)
  | 'ADMIN_ACCOUNT_LOCKED' // too many failed logins; retry after the lock ends
  | 'ADMIN_ACCOUNT_DISABLED' // disabled by an administrator or the unused-account sweep
  | 'ADMIN_REMOTE_LOGIN_REFUSED' // the default administrator from a non-loopback address
  | 'ADMIN_SESSION_INVALID' // no such session (never issued, logged out, revoked)
  | 'ADMIN_SESSION_EXPIRED' // idle for the idle timeout or longer
  | 'ADMIN_PASSWORD_CHANGE_REQUIRED' // restricted session: change the password first
  | 'ADMIN_FORBIDDEN' // the role lacks the permission
  | 'ADMIN_WEAK_PASSWORD' // see `WeakPasswordError.rules`
  | 'ADMIN_PASSWORD_REUSED' // the new password equals the current one
  | 'ADMIN_INVALID_USERNAME'
  | 'ADMIN_INVALID_ROLE'
  | 'ADMIN_USER_EXISTS'
  | 'ADMIN_USER_NOT_FOUND'
  | 'ADMIN_LAST_ADMIN' // the change would leave no enabled administrator
  | 'ADMIN_INVALID_OPTION' // a policy or constructor option out of range
  | 'ADMIN_STORE_FAILED'; // the database refused a write (the action did not happen)

export class AdminError extends EhcError {
  declare readonly code: AdminErrorCode;

  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A password rule, as named in the spec: length ≥ 8, upper case, lower case, digits. */
export type PasswordRule = 'min-length' | 'max-length' | 'upper-case' | 'lower-case' | 'digit';

/** A password refused by the policy; `rules` lists every rule it breaks. */
export class WeakPasswordError extends AdminError {
  readonly rules: readonly PasswordRule[];

  constructor(rules: readonly PasswordRule[], message: string) {
    super('ADMIN_WEAK_PASSWORD', message);
    this.rules = rules;
  }

  override toJSON(): { name: string; code: string; message: string; rules: readonly PasswordRule[] } {
    return { ...super.toJSON(), rules: this.rules };
  }
}

export function isAdminError(x: unknown): x is AdminError {
  return isEhcError(x) && x.code.startsWith('ADMIN_');
}

export function isWeakPasswordError(x: unknown): x is WeakPasswordError {
  return (
    isAdminError(x) && x.code === 'ADMIN_WEAK_PASSWORD' && Array.isArray((x as { rules?: unknown }).rules)
  );
}
