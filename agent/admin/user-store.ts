import type Database from 'better-sqlite3';
import type { Role, UserView } from './types.js';

/** One row of `admin_users`. Times are epoch milliseconds. */
export interface UserRow {
  readonly name: string;
  readonly role: Role;
  readonly password_hash: string;
  readonly password_changed_at: number;
  readonly must_change: 0 | 1;
  readonly disabled_reason: 'manual' | 'unused' | null;
  readonly created_at: number;
  readonly last_login_at: number | null;
  readonly last_active_at: number;
  readonly failed_logins: number;
  readonly locked_until: number | null;
}

/** Plain SQL over `admin_users`; the rules live in the services that call it. */
export class UserStore {
  readonly #get: Database.Statement;
  readonly #all: Database.Statement;
  readonly #count: Database.Statement;
  readonly #enabledAdmins: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM admin_users WHERE name = ?');
    this.#all = db.prepare('SELECT * FROM admin_users ORDER BY name');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM admin_users');
    this.#enabledAdmins = db.prepare(
      "SELECT COUNT(*) AS n FROM admin_users WHERE role = 'admin' AND disabled_reason IS NULL",
    );
    this.#insert = db.prepare(
      `INSERT INTO admin_users (name, role, password_hash, password_changed_at, must_change, created_at, last_active_at)
       VALUES (@name, @role, @hash, @now, @must, @now, @now)`,
    );
  }

  get(name: string): UserRow | undefined {
    return this.#get.get(name) as UserRow | undefined;
  }

  all(): UserRow[] {
    return this.#all.all() as UserRow[];
  }

  count(): number {
    return (this.#count.get() as { n: number }).n;
  }

  enabledAdminCount(): number {
    return (this.#enabledAdmins.get() as { n: number }).n;
  }

  insert(user: { name: string; role: Role; hash: string; mustChange: boolean; now: number }): void {
    this.#insert.run({
      name: user.name,
      role: user.role,
      hash: user.hash,
      now: user.now,
      must: user.mustChange ? 1 : 0,
    });
  }

  /** Updates the named columns of one user. Column names come from this module's callers only. */
  update(name: string, fields: Partial<Omit<UserRow, 'name' | 'created_at'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    this.#db.prepare(`UPDATE admin_users SET ${sets} WHERE name = @name`).run({ ...fields, name });
  }
}

export function toUserView(row: UserRow, mustChange: boolean, nowMs: number): UserView {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    name: row.name,
    role: row.role,
    disabled: row.disabled_reason !== null,
    ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason }),
    mustChangePassword: mustChange,
    createdAt: iso(row.created_at),
    passwordChangedAt: iso(row.password_changed_at),
    ...(row.last_login_at === null ? {} : { lastLoginAt: iso(row.last_login_at) }),
    ...(row.locked_until !== null && row.locked_until > nowMs ? { lockedUntil: iso(row.locked_until) } : {}),
  };
}
