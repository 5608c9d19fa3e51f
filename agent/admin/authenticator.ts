import { isLoopbackAddress } from './address.js';
import { type AdminContext, inTransaction, mustChangePassword, refuse, remoteOf } from './context.js';
import { AdminError, isWeakPasswordError } from './errors.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { assertStrongPassword } from './password-policy.js';
import type { SessionRecord } from './sessions.js';
import type { LoginResult, SessionInfo } from './types.js';
import type { UserRow } from './user-store.js';

const MAX_NAME = 64;

/**
 * Login, session checks, logout and password change under spec §5.1.1-8. Every outcome, success
 * or refusal, is one audit row written before the method returns.
 */
export class Authenticator {
  readonly #ctx: AdminContext;
  #dummyHash: Promise<string> | undefined;

  constructor(ctx: AdminContext) {
    this.#ctx = ctx;
  }

  /**
   * Checks, in order: the default administrator only from a loopback address (refused before the
   * password is looked at, and not counted as a failure); the account exists and is not locked;
   * the password (a failure counts towards the lockout); the account is enabled and has been used
   * within the unused-account limit. A password older than the maximum age still logs in, but the
   * session is restricted to changing it.
   */
  async login(name: string, password: string, remote: string | undefined): Promise<LoginResult> {
    const ctx = this.#ctx;
    const who = {
      actor: name.slice(0, MAX_NAME),
      action: 'login' as const,
      target: name.slice(0, MAX_NAME),
      ...remoteOf(remote),
    };
    if (name === ctx.policy.defaultAdminName && !isLoopbackAddress(remote)) {
      throw refuse(
        ctx,
        who,
        new AdminError('ADMIN_REMOTE_LOGIN_REFUSED', 'the default administrator may log in only locally'),
      );
    }
    const row = name.length <= MAX_NAME ? ctx.users.get(name) : undefined;
    if (row === undefined) {
      await verifyPassword(password, await this.#dummy()); // same work as a real check
      throw refuse(ctx, who, badCredentials());
    }
    if (row.locked_until !== null && row.locked_until > ctx.now()) {
      throw refuse(ctx, who, locked());
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      throw this.#failure(row.name, who, badCredentials());
    }
    const now = ctx.now();
    if (row.disabled_reason !== null) throw refuse(ctx, who, disabled());
    if (now - row.last_active_at >= ctx.policy.unusedDisableAfterMs) {
      const lastAdmin = row.role === 'admin' && ctx.users.enabledAdminCount() <= 1;
      if (!lastAdmin) {
        inTransaction(ctx, () => {
          ctx.users.update(row.name, { disabled_reason: 'unused' });
          ctx.audit.record({ actor: 'system', action: 'user.auto-disable', outcome: 'ok', target: row.name });
        });
        throw refuse(ctx, who, disabled());
      }
    }
    const restricted = mustChangePassword(ctx, row, now);
    inTransaction(ctx, () => {
      ctx.users.update(row.name, {
        failed_logins: 0,
        locked_until: null,
        last_login_at: now,
        last_active_at: now,
      });
      ctx.audit.record({ ...who, outcome: 'ok', detail: { restricted } });
    });
    const { token, record } = ctx.sessions.create(row.name);
    return { token, session: info(record, row, restricted) };
  }

  /**
   * The live session behind `token`, marked used now. Refuses: an unknown token
   * (ADMIN_SESSION_INVALID), one idle for the idle timeout (ADMIN_SESSION_EXPIRED, audited), a user
   * since disabled or removed (ADMIN_SESSION_INVALID), and the default administrator's session from
   * a non-loopback address (ADMIN_REMOTE_LOGIN_REFUSED). Role and restriction are read fresh.
   */
  authenticate(token: string, remote: string | undefined): SessionInfo {
    const ctx = this.#ctx;
    const found = ctx.sessions.lookup(token);
    if (!found.ok) {
      if (found.reason === 'expired') {
        ctx.audit.record({
          actor: found.user,
          action: 'session.expired',
          outcome: 'ok',
          ...remoteOf(remote),
        });
        throw new AdminError(
          'ADMIN_SESSION_EXPIRED',
          'the session ended after the idle timeout; log in again',
        );
      }
      throw new AdminError('ADMIN_SESSION_INVALID', 'no such session; log in');
    }
    const row = ctx.users.get(found.record.user);
    if (row === undefined || row.disabled_reason !== null) {
      ctx.sessions.end(token);
      throw new AdminError('ADMIN_SESSION_INVALID', 'the session ended; log in');
    }
    if (row.name === ctx.policy.defaultAdminName && !isLoopbackAddress(remote)) {
      throw refuse(
        ctx,
        { actor: row.name, action: 'access.denied', target: 'session', ...remoteOf(remote) },
        new AdminError('ADMIN_REMOTE_LOGIN_REFUSED', 'the default administrator may work only locally'),
      );
    }
    ctx.sessions.seen(found.record);
    return info(found.record, row, mustChangePassword(ctx, row, ctx.now()));
  }

  logout(token: string, remote: string | undefined): void {
    const user = this.#ctx.sessions.end(token);
    if (user === undefined) throw new AdminError('ADMIN_SESSION_INVALID', 'no such session');
    this.#ctx.audit.record({ actor: user, action: 'logout', outcome: 'ok', ...remoteOf(remote) });
  }

  /**
   * Changes the caller's own password: the current one must match (a mismatch counts towards the
   * lockout), the new one must pass the policy and differ from the current one. Ends the user's
   * other sessions; the caller's session is no longer restricted.
   */
  async changePassword(
    token: string,
    current: string,
    next: string,
    remote: string | undefined,
  ): Promise<void> {
    const ctx = this.#ctx;
    const session = this.authenticate(token, remote);
    const who = {
      actor: session.user,
      action: 'password.change' as const,
      target: session.user,
      ...remoteOf(remote),
    };
    const row = ctx.users.get(session.user);
    if (row === undefined) throw new AdminError('ADMIN_SESSION_INVALID', 'the session ended; log in');
    if (!(await verifyPassword(current, row.password_hash))) {
      throw this.#failure(row.name, who, badCredentials());
    }
    try {
      assertStrongPassword(next);
    } catch (error) {
      if (isWeakPasswordError(error)) throw refuse(ctx, { ...who, detail: { rules: error.rules } }, error);
      throw error;
    }
    if (next === current) {
      throw refuse(
        ctx,
        who,
        new AdminError('ADMIN_PASSWORD_REUSED', 'the new password must differ from the current one'),
      );
    }
    const hash = await hashPassword(next, ctx.scryptCost);
    const now = ctx.now();
    inTransaction(ctx, () => {
      ctx.users.update(row.name, {
        password_hash: hash,
        password_changed_at: now,
        must_change: 0,
        last_active_at: now,
      });
      ctx.audit.record({ ...who, outcome: 'ok' });
    });
    ctx.sessions.endAllOf(row.name, token);
  }

  /** Counts a failed password, locking the account (and ending its sessions) at the limit. */
  #failure(name: string, who: Parameters<typeof refuse>[1], error: AdminError): AdminError {
    const ctx = this.#ctx;
    const lockedNow = inTransaction(ctx, () => {
      const fresh = ctx.users.get(name);
      const count = (fresh?.failed_logins ?? 0) + 1;
      const lock = count >= ctx.policy.maxFailedLogins;
      ctx.users.update(
        name,
        lock
          ? { failed_logins: 0, locked_until: ctx.now() + ctx.policy.lockoutMs }
          : { failed_logins: count },
      );
      ctx.audit.record({
        ...who,
        outcome: 'denied',
        code: error.code,
        detail: { failures: count, locked: lock },
      });
      return lock;
    });
    if (lockedNow) ctx.sessions.endAllOf(name);
    return error;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword('dummy-Password-1', this.#ctx.scryptCost);
    return this.#dummyHash;
  }
}

function info(record: SessionRecord, row: UserRow, restricted: boolean): SessionInfo {
  return {
    user: row.name,
    role: row.role,
    restricted,
    createdAtMs: record.createdAtMs,
    lastSeenAtMs: record.lastSeenAtMs,
  };
}

const badCredentials = (): AdminError =>
  new AdminError('ADMIN_BAD_CREDENTIALS', 'wrong user name or password');
const locked = (): AdminError =>
  new AdminError(
    'ADMIN_ACCOUNT_LOCKED',
    'the account is locked after repeated failed logins; try again later',
  );
const disabled = (): AdminError => new AdminError('ADMIN_ACCOUNT_DISABLED', 'the account is disabled');
