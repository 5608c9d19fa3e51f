import type { AuditQuery } from './audit-log.js';
import {
  type AdminContext,
  type Caller,
  inTransaction,
  mustChangePassword,
  refuse,
  remoteOf,
  requirePermission,
} from './context.js';
import { AdminError, isWeakPasswordError } from './errors.js';
import { hashPassword } from './password-hash.js';
import { assertStrongPassword } from './password-policy.js';
import { isRole } from './permissions.js';
import type { AuditAction, AuditEntry, AuditInput, Role, UserView } from './types.js';
import { toUserView, type UserRow } from './user-store.js';

type Who = Omit<AuditInput, 'outcome' | 'code'>;

/** 3–32 characters: a letter, then letters, digits, `.`, `_` or `-`. */
const USER_NAME = /^[A-Za-z][A-Za-z0-9._-]{2,31}$/;

export interface NewUser {
  readonly name: string;
  readonly role: Role;
  readonly password: string;
  /** Default true: a password someone else chose must be changed at the first login. */
  readonly mustChangePassword?: boolean;
}

/**
 * User management (spec §5.2-2): needs the `users:manage` permission (the `admin` role); the
 * audit log needs `audit:view`. Refusals are audited as well as changes. No change may leave the
 * system without an enabled administrator.
 */
export class UserAdmin {
  readonly #ctx: AdminContext;

  constructor(ctx: AdminContext) {
    this.#ctx = ctx;
  }

  list(caller: Caller): UserView[] {
    requirePermission(this.#ctx, caller, 'users:manage', 'users');
    const now = this.#ctx.now();
    return this.#ctx.users.all().map((row) => toUserView(row, mustChangePassword(this.#ctx, row, now), now));
  }

  async create(caller: Caller, user: NewUser): Promise<UserView> {
    const ctx = this.#ctx;
    requirePermission(ctx, caller, 'users:manage', user.name);
    const who = this.#who(caller, 'user.create', user.name);
    if (!USER_NAME.test(user.name)) {
      throw refuse(
        ctx,
        who,
        new AdminError(
          'ADMIN_INVALID_USERNAME',
          'a user name is 3-32 letters, digits, . _ -, starting with a letter',
        ),
      );
    }
    if (!isRole(user.role))
      throw refuse(ctx, who, new AdminError('ADMIN_INVALID_ROLE', 'the role must be admin or operator'));
    if (ctx.users.get(user.name) !== undefined) throw refuse(ctx, who, exists(user.name));
    this.#checkPassword(who, user.password);
    const hash = await hashPassword(user.password, ctx.scryptCost);
    const mustChange = user.mustChangePassword ?? true;
    const now = ctx.now();
    inTransaction(ctx, () => {
      if (ctx.users.get(user.name) !== undefined) throw refuse(ctx, who, exists(user.name));
      ctx.users.insert({ name: user.name, role: user.role, hash, mustChange, now });
      ctx.audit.record({
        ...who,
        outcome: 'ok',
        detail: { role: user.role, mustChangePassword: mustChange },
      });
    });
    return this.#view(user.name);
  }

  disable(caller: Caller, name: string): UserView {
    const ctx = this.#ctx;
    requirePermission(ctx, caller, 'users:manage', name);
    const who = this.#who(caller, 'user.disable', name);
    const row = this.#existing(who, name);
    if (row.disabled_reason === null && row.role === 'admin' && ctx.users.enabledAdminCount() <= 1) {
      throw refuse(ctx, who, lastAdmin());
    }
    inTransaction(ctx, () => {
      ctx.users.update(name, { disabled_reason: 'manual' });
      ctx.audit.record({ ...who, outcome: 'ok' });
    });
    ctx.sessions.endAllOf(name);
    return this.#view(name);
  }

  /** Enables the account, clears a lockout, and restarts its unused-account clock. */
  enable(caller: Caller, name: string): UserView {
    const ctx = this.#ctx;
    requirePermission(ctx, caller, 'users:manage', name);
    const who = this.#who(caller, 'user.enable', name);
    this.#existing(who, name);
    inTransaction(ctx, () => {
      ctx.users.update(name, {
        disabled_reason: null,
        failed_logins: 0,
        locked_until: null,
        last_active_at: ctx.now(),
      });
      ctx.audit.record({ ...who, outcome: 'ok' });
    });
    return this.#view(name);
  }

  setRole(caller: Caller, name: string, role: Role): UserView {
    const ctx = this.#ctx;
    requirePermission(ctx, caller, 'users:manage', name);
    const who = this.#who(caller, 'user.role', name);
    if (!isRole(role))
      throw refuse(ctx, who, new AdminError('ADMIN_INVALID_ROLE', 'the role must be admin or operator'));
    const row = this.#existing(who, name);
    const demotesLastAdmin =
      row.role === 'admin' &&
      role !== 'admin' &&
      row.disabled_reason === null &&
      ctx.users.enabledAdminCount() <= 1;
    if (demotesLastAdmin) throw refuse(ctx, who, lastAdmin());
    inTransaction(ctx, () => {
      ctx.users.update(name, { role });
      ctx.audit.record({ ...who, outcome: 'ok', detail: { from: row.role, to: role } });
    });
    return this.#view(name);
  }

  /** Sets a new password chosen by an administrator: it must be changed at the next login. */
  async resetPassword(caller: Caller, name: string, password: string): Promise<UserView> {
    const ctx = this.#ctx;
    requirePermission(ctx, caller, 'users:manage', name);
    const who = this.#who(caller, 'password.reset', name);
    this.#existing(who, name);
    this.#checkPassword(who, password);
    const hash = await hashPassword(password, ctx.scryptCost);
    const now = ctx.now();
    inTransaction(ctx, () => {
      ctx.users.update(name, {
        password_hash: hash,
        password_changed_at: now,
        must_change: 1,
        failed_logins: 0,
        locked_until: null,
      });
      ctx.audit.record({ ...who, outcome: 'ok' });
    });
    ctx.sessions.endAllOf(name);
    return this.#view(name);
  }

  auditLog(caller: Caller, query: AuditQuery): AuditEntry[] {
    requirePermission(this.#ctx, caller, 'audit:view', 'audit');
    return this.#ctx.audit.list(query);
  }

  /**
   * Disables every enabled account unused (no login, creation, enabling or password change) for
   * the policy's limit, except the last enabled administrator. Returns the names disabled.
   */
  sweepUnused(): string[] {
    const ctx = this.#ctx;
    const now = ctx.now();
    const disabled: string[] = [];
    for (const row of ctx.users.all()) {
      if (row.disabled_reason !== null || now - row.last_active_at < ctx.policy.unusedDisableAfterMs)
        continue;
      if (row.role === 'admin' && ctx.users.enabledAdminCount() <= 1) continue;
      inTransaction(ctx, () => {
        ctx.users.update(row.name, { disabled_reason: 'unused' });
        ctx.audit.record({
          actor: 'system',
          action: 'user.auto-disable',
          outcome: 'ok',
          target: row.name,
          detail: { unusedDays: Math.floor((now - row.last_active_at) / 86_400_000) },
        });
      });
      ctx.sessions.endAllOf(row.name);
      disabled.push(row.name);
    }
    return disabled;
  }

  #who(caller: Caller, action: AuditAction, target: string): Who {
    return { actor: caller.session.user, action, target: target.slice(0, 64), ...remoteOf(caller.remote) };
  }

  #existing(who: Who, name: string): UserRow {
    const row = this.#ctx.users.get(name);
    if (row === undefined)
      throw refuse(this.#ctx, who, new AdminError('ADMIN_USER_NOT_FOUND', 'no such user'));
    return row;
  }

  #checkPassword(who: Who, password: string): void {
    try {
      assertStrongPassword(password);
    } catch (error) {
      if (isWeakPasswordError(error))
        throw refuse(this.#ctx, { ...who, detail: { rules: error.rules } }, error);
      throw error;
    }
  }

  #view(name: string): UserView {
    const row = this.#ctx.users.get(name);
    if (row === undefined) throw new AdminError('ADMIN_USER_NOT_FOUND', 'no such user');
    const now = this.#ctx.now();
    return toUserView(row, mustChangePassword(this.#ctx, row, now), now);
  }
}

const exists = (name: string): AdminError => new AdminError('ADMIN_USER_EXISTS', `the user ${name} exists`);
const lastAdmin = (): AdminError =>
  new AdminError('ADMIN_LAST_ADMIN', 'the change would leave no enabled administrator');
