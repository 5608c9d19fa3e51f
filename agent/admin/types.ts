/**
 * Contracts of the administration layer: user accounts under spec part 6 §5.1.1-8 (account
 * protection) and §5.2-2 (user management). Types only; behaviour is in the doc comments.
 *
 * Guarantees every implementation keeps:
 * - passwords are stored only as salted scrypt hashes and compared in constant time;
 * - every admin action, allowed or refused, is one row in the audit log, inserted synchronously
 *   (a committed SQLite WAL transaction: it survives a crash of the process) before the call
 *   returns, in the same transaction as the change it records;
 * - nothing here reads a clock directly: `Clock` is injected.
 */

/** Wall-clock milliseconds since the epoch. Injected so tests control time. */
export type Clock = () => number;

export type Role = 'admin' | 'operator';

export const ROLES: readonly Role[] = ['admin', 'operator'];

/**
 * What a role may do. `admin` may do everything; `operator` may view and trigger devices, scans,
 * metrics and the configuration, but not manage users, change the configuration or read the audit.
 */
export type Permission =
  | 'devices:view'
  | 'devices:command'
  | 'scans:view'
  | 'metrics:view'
  | 'config:view'
  | 'config:edit'
  | 'users:manage'
  | 'audit:view';

/** A user as the API shows it: never the hash. Times are ISO 8601. */
export interface UserView {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** Why it is disabled: by an administrator, or by the unused-account sweep. */
  readonly disabledReason?: 'manual' | 'unused';
  readonly mustChangePassword: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  readonly lastLoginAt?: string;
  readonly lockedUntil?: string;
}

/** The account rules. Every field has the spec's value as its default. */
export interface AccountPolicy {
  /** Forced password change after this long (default 90 days). */
  readonly passwordMaxAgeMs: number;
  /** A session ends after this long without a request (default 10 minutes). */
  readonly idleTimeoutMs: number;
  /** Accounts not used for this long are disabled (default 90 days). */
  readonly unusedDisableAfterMs: number;
  /** Consecutive failed logins that lock an account (default 5). */
  readonly maxFailedLogins: number;
  /** How long a lock lasts (default 15 minutes). */
  readonly lockoutMs: number;
  /** The built-in administrator: may log in only from a loopback address (default `admin`). */
  readonly defaultAdminName: string;
}

export const DEFAULT_POLICY: AccountPolicy = {
  passwordMaxAgeMs: 90 * 24 * 3600_000,
  idleTimeoutMs: 10 * 60_000,
  unusedDisableAfterMs: 90 * 24 * 3600_000,
  maxFailedLogins: 5,
  lockoutMs: 15 * 60_000,
  defaultAdminName: 'admin',
};

/** A live session. `restricted` sessions may only change the password or log out. */
export interface SessionInfo {
  readonly user: string;
  readonly role: Role;
  /** The password is older than the policy allows, or was set by someone else: change it first. */
  readonly restricted: boolean;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
}

export interface LoginResult {
  /** The bearer secret. Shown once; only its hash is kept. */
  readonly token: string;
  readonly session: SessionInfo;
}

export type AuditAction =
  | 'admin.bootstrap'
  | 'login'
  | 'logout'
  | 'session.expired'
  | 'password.change'
  | 'password.reset'
  | 'user.create'
  | 'user.disable'
  | 'user.enable'
  | 'user.role'
  | 'user.auto-disable'
  | 'config.change'
  | 'device.trigger'
  | 'device.beep'
  | 'access.denied';

export type AuditOutcome = 'ok' | 'denied' | 'error';

export interface AuditInput {
  /** Who: a user name, `token:<name>` for a kiosk token, or `system`. */
  readonly actor: string;
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  /** What: a user name, a device id. */
  readonly target?: string;
  /** The client's socket address. */
  readonly remote?: string;
  /** The stable error code when refused or failed. */
  readonly code?: string;
  /** Small structured facts (never a password, never personal data). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry extends AuditInput {
  readonly id: number;
  readonly at: string;
}
