import type Database from 'better-sqlite3';
import type { AuditLog } from './audit-log.js';
import { AdminError, isAdminError } from './errors.js';
import type { ScryptCost } from './password-hash.js';
import { roleHasPermission } from './permissions.js';
import type { SessionStore } from './sessions.js';
import type { AccountPolicy, AuditInput, Clock, Permission, SessionInfo } from './types.js';
import type { UserRow, UserStore } from './user-store.js';

/** What the admin services share. Internal to agent/admin. */
export interface AdminContext {
  readonly db: Database.Database;
  readonly users: UserStore;
  readonly audit: AuditLog;
  readonly sessions: SessionStore;
  readonly now: Clock;
  readonly policy: AccountPolicy;
  readonly scryptCost: ScryptCost;
}

/** Who asks: a live session and the socket's remote address. */
export interface Caller {
  readonly session: SessionInfo;
  readonly remote: string | undefined;
}

/** The password must be changed: set by someone else, or older than the maximum age. */
export function mustChangePassword(ctx: AdminContext, row: UserRow, nowMs: number): boolean {
  return row.must_change === 1 || nowMs - row.password_changed_at >= ctx.policy.passwordMaxAgeMs;
}

/** Records a refused action, then returns the error for the caller to throw. */
export function refuse(
  ctx: AdminContext,
  input: Omit<AuditInput, 'outcome' | 'code'>,
  error: AdminError,
): AdminError {
  ctx.audit.record({ ...input, outcome: 'denied', code: error.code });
  return error;
}

/** Runs `fn` and its audit rows in one transaction; a database failure becomes ADMIN_STORE_FAILED. */
export function inTransaction<T>(ctx: AdminContext, fn: () => T): T {
  try {
    return ctx.db.transaction(fn)();
  } catch (cause) {
    if (isAdminError(cause)) throw cause;
    throw new AdminError('ADMIN_STORE_FAILED', 'the admin database refused the change', { cause });
  }
}

/**
 * Allows the caller to use `permission`, or records the refusal and throws: a restricted session
 * (password change due) gets ADMIN_PASSWORD_CHANGE_REQUIRED, a role without it ADMIN_FORBIDDEN.
 */
export function requirePermission(
  ctx: AdminContext,
  caller: Caller,
  permission: Permission,
  what: string,
): void {
  const base = {
    actor: caller.session.user,
    action: 'access.denied' as const,
    target: what,
    ...(caller.remote === undefined ? {} : { remote: caller.remote }),
  };
  if (caller.session.restricted) {
    throw refuse(
      ctx,
      { ...base, detail: { permission } },
      new AdminError('ADMIN_PASSWORD_CHANGE_REQUIRED', 'the password must be changed before anything else'),
    );
  }
  if (!roleHasPermission(caller.session.role, permission)) {
    throw refuse(
      ctx,
      { ...base, detail: { permission } },
      new AdminError('ADMIN_FORBIDDEN', `the ${caller.session.role} role may not do this`),
    );
  }
}

export const remoteOf = (remote: string | undefined): { remote?: string } =>
  remote === undefined ? {} : { remote };
