import type Database from 'better-sqlite3';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './authenticator.js';
import { type BootstrapResult, bootstrapAdmin } from './bootstrap.js';
import { type AdminContext, type Caller, requirePermission } from './context.js';
import { AdminError } from './errors.js';
import { DEFAULT_SCRYPT_COST, type ScryptCost } from './password-hash.js';
import { openAdminDatabase } from './schema.js';
import { SessionStore } from './sessions.js';
import { type AccountPolicy, type Clock, DEFAULT_POLICY, type Permission } from './types.js';
import { UserAdmin } from './user-admin.js';
import { UserStore } from './user-store.js';

export interface AdminServiceOptions {
  /** An open better-sqlite3 handle (the caller closes it) or a file path (the service closes it). */
  readonly database: Database.Database | string;
  /** Default `Date.now`. */
  readonly now?: Clock;
  /** Overrides of the spec's defaults (90-day expiry, 10-minute idle, 90-day unused, 5 → 15 min). */
  readonly policy?: Partial<AccountPolicy>;
  /** Default N 2^14, r 8, p 1. Tests may lower it; stored hashes keep their own cost. */
  readonly scryptCost?: ScryptCost;
  /**
   * How often to disable unused accounts and drop idle sessions (default one hour; 0 = never,
   * call `sweep()` yourself). The timer does not keep the process alive.
   */
  readonly sweepIntervalMs?: number;
}

/**
 * The account system: `auth` (login, sessions, password change), `users` (management, audit
 * reading) and `audit` (writing rows for actions outside this module: config, device commands).
 */
export class AdminService {
  readonly auth: Authenticator;
  readonly users: UserAdmin;
  readonly audit: AuditLog;
  readonly policy: AccountPolicy;
  readonly #ctx: AdminContext;
  readonly #owned: boolean;
  readonly #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: AdminServiceOptions) {
    const policy: AccountPolicy = { ...DEFAULT_POLICY, ...options.policy };
    validatePolicy(policy);
    const now = options.now ?? Date.now;
    const { db, owned } = openAdminDatabase(options.database);
    this.#owned = owned;
    const audit = new AuditLog(db, now);
    this.#ctx = {
      db,
      users: new UserStore(db),
      audit,
      sessions: new SessionStore(now, policy.idleTimeoutMs),
      now,
      policy,
      scryptCost: options.scryptCost ?? DEFAULT_SCRYPT_COST,
    };
    this.policy = policy;
    this.audit = audit;
    this.auth = new Authenticator(this.#ctx);
    this.users = new UserAdmin(this.#ctx);
    const every = options.sweepIntervalMs ?? 3600_000;
    this.#timer = every > 0 ? setInterval(() => this.sweep(), every).unref() : undefined;
  }

  /** See `bootstrapAdmin`: creates the default administrator on an empty database. */
  bootstrap(initialPassword?: string): Promise<BootstrapResult> {
    return bootstrapAdmin(this.#ctx, initialPassword);
  }

  /**
   * Allows `caller` to use `permission` or throws (audited): ADMIN_PASSWORD_CHANGE_REQUIRED for a
   * restricted session, ADMIN_FORBIDDEN for a role without it. `what` names the resource.
   */
  authorize(caller: Caller, permission: Permission, what: string): void {
    requirePermission(this.#ctx, caller, permission, what);
  }

  /** Disables unused accounts and drops idle sessions (each audited). */
  sweep(): { disabled: string[]; expiredSessions: number } {
    if (this.#closed) return { disabled: [], expiredSessions: 0 };
    const expired = this.#ctx.sessions.sweep();
    for (const user of expired) {
      this.#ctx.audit.record({ actor: user, action: 'session.expired', outcome: 'ok' });
    }
    return { disabled: this.users.sweepUnused(), expiredSessions: expired.length };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#owned) this.#ctx.db.close();
  }
}

function validatePolicy(p: AccountPolicy): void {
  const positive: (keyof AccountPolicy)[] = [
    'passwordMaxAgeMs',
    'idleTimeoutMs',
    'unusedDisableAfterMs',
    'maxFailedLogins',
    'lockoutMs',
  ];
  for (const key of positive) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new AdminError('ADMIN_INVALID_OPTION', `policy.${key} must be a positive number`);
    }
  }
  if (p.defaultAdminName.length === 0) {
    throw new AdminError('ADMIN_INVALID_OPTION', 'policy.defaultAdminName must not be empty');
  }
}
