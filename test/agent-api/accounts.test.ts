import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AdminErrorCode,
  AdminService,
  adminSchemaVersion,
  type Caller,
  isAdminError,
  passwordRuleViolations,
} from '../../agent/admin/index.js';
import { DAY, INITIAL_ADMIN_PASSWORD, ManualClock, MINUTE, TEST_COST } from './support/harness.js';

const LOCAL = '127.0.0.1';
const REMOTE = '192.168.10.20';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<AdminErrorCode | 'none'> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (error) {
    if (isAdminError(error)) return error.code;
    throw error;
  }
  return 'none';
}

describe('AdminService (spec §5.1.1-8, §5.2-2)', () => {
  let clock: ManualClock;
  let db: Database.Database;
  let admin: AdminService;

  beforeEach(async () => {
    clock = new ManualClock();
    db = new Database(':memory:');
    admin = new AdminService({ database: db, now: clock.now, scryptCost: TEST_COST, sweepIntervalMs: 0 });
    await admin.bootstrap(INITIAL_ADMIN_PASSWORD);
  });

  afterEach(() => {
    admin.close();
    db.close();
  });

  /** Logs the default admin in and completes the forced first change. */
  async function adminCaller(): Promise<Caller> {
    const { token } = await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
    await admin.auth.changePassword(token, INITIAL_ADMIN_PASSWORD, 'Admin-Pass-2025', LOCAL);
    return { session: admin.auth.authenticate(token, LOCAL), remote: LOCAL };
  }

  it('bootstraps the default admin once, must-change, with a generated password when none is given', async () => {
    const fresh = new Database(':memory:');
    const svc = new AdminService({
      database: fresh,
      now: clock.now,
      scryptCost: TEST_COST,
      sweepIntervalMs: 0,
    });
    try {
      const first = await svc.bootstrap();
      expect(first.created).toBe(true);
      const otp = first.oneTimePassword ?? '';
      expect(passwordRuleViolations(otp)).toEqual([]);
      expect(await svc.bootstrap()).toEqual({ created: false });
      const { session } = await svc.auth.login('admin', otp, LOCAL);
      expect(session.restricted).toBe(true);
      expect(svc.audit.list({ action: 'admin.bootstrap' })).toHaveLength(1);
      expect(adminSchemaVersion(fresh)).toBe(1);
    } finally {
      svc.close();
      fresh.close();
    }
  });

  it('refuses a weak configured initial password', async () => {
    const fresh = new Database(':memory:');
    const svc = new AdminService({
      database: fresh,
      now: clock.now,
      scryptCost: TEST_COST,
      sweepIntervalMs: 0,
    });
    try {
      expect(await codeOf(svc.bootstrap('password'))).toBe('ADMIN_WEAK_PASSWORD');
    } finally {
      svc.close();
      fresh.close();
    }
  });

  it('restricts a new session to changing the password until it is changed', async () => {
    const { token, session } = await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
    expect(session.restricted).toBe(true);
    const caller = { session, remote: LOCAL };
    expect(await codeOf(() => admin.users.list(caller))).toBe('ADMIN_PASSWORD_CHANGE_REQUIRED');
    await admin.auth.changePassword(token, INITIAL_ADMIN_PASSWORD, 'Admin-Pass-2025', LOCAL);
    expect(admin.auth.authenticate(token, LOCAL).restricted).toBe(false);
  });

  it('forces a change 90 days after the last one (login works, session restricted)', async () => {
    await adminCaller();
    clock.advance(89 * DAY);
    expect((await admin.auth.login('admin', 'Admin-Pass-2025', LOCAL)).session.restricted).toBe(false);
    clock.advance(1 * DAY);
    const { token, session } = await admin.auth.login('admin', 'Admin-Pass-2025', LOCAL);
    expect(session.restricted).toBe(true);
    expect(await codeOf(() => admin.users.list({ session, remote: LOCAL }))).toBe(
      'ADMIN_PASSWORD_CHANGE_REQUIRED',
    );
    expect(await codeOf(admin.auth.changePassword(token, 'Admin-Pass-2025', 'Admin-Pass-2025', LOCAL))).toBe(
      'ADMIN_PASSWORD_REUSED',
    );
    await admin.auth.changePassword(token, 'Admin-Pass-2025', 'Admin-Pass-2026', LOCAL);
    expect(admin.auth.authenticate(token, LOCAL).restricted).toBe(false);
  });

  it('ends a session after 10 idle minutes: 9:59 is fine, 10:01 is expired', async () => {
    await adminCaller();
    const { token } = await admin.auth.login('admin', 'Admin-Pass-2025', LOCAL);
    clock.advance(9 * MINUTE + 59_000);
    expect(admin.auth.authenticate(token, LOCAL).user).toBe('admin'); // use restarts the idle clock
    clock.advance(9 * MINUTE + 59_000);
    expect(admin.auth.authenticate(token, LOCAL).user).toBe('admin');
    clock.advance(10 * MINUTE + 1_000);
    expect(await codeOf(() => admin.auth.authenticate(token, LOCAL))).toBe('ADMIN_SESSION_EXPIRED');
    expect(await codeOf(() => admin.auth.authenticate(token, LOCAL))).toBe('ADMIN_SESSION_INVALID');
    expect(admin.audit.list({ action: 'session.expired' })).toHaveLength(1);
  });

  it('the idle timeout is configurable', async () => {
    const fresh = new Database(':memory:');
    const svc = new AdminService({
      database: fresh,
      now: clock.now,
      scryptCost: TEST_COST,
      sweepIntervalMs: 0,
      policy: { idleTimeoutMs: 2 * MINUTE },
    });
    try {
      await svc.bootstrap(INITIAL_ADMIN_PASSWORD);
      const { token } = await svc.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
      clock.advance(2 * MINUTE + 1);
      expect(await codeOf(() => svc.auth.authenticate(token, LOCAL))).toBe('ADMIN_SESSION_EXPIRED');
    } finally {
      svc.close();
      fresh.close();
    }
  });

  it('refuses the default admin from a non-local address, before checking the password', async () => {
    expect(await codeOf(admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, REMOTE))).toBe(
      'ADMIN_REMOTE_LOGIN_REFUSED',
    );
    expect(await codeOf(admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, undefined))).toBe(
      'ADMIN_REMOTE_LOGIN_REFUSED',
    );
    for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect((await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, local)).session.user).toBe('admin');
    }
    // a local session cannot be used from elsewhere either
    const { token } = await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
    expect(await codeOf(() => admin.auth.authenticate(token, REMOTE))).toBe('ADMIN_REMOTE_LOGIN_REFUSED');
    // remote refusals do not count towards the lockout
    for (let i = 0; i < 6; i++) await codeOf(admin.auth.login('admin', 'wrong', REMOTE));
    expect((await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL)).session.user).toBe('admin');
  });

  it('lets other users log in remotely', async () => {
    const caller = await adminCaller();
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    expect((await admin.auth.login('nurse01', 'Nurse-Pass-1', REMOTE)).session.role).toBe('operator');
  });

  it('locks an account after 5 failures for 15 minutes, even against the right password', async () => {
    const caller = await adminCaller();
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(admin.auth.login('nurse01', `Wrong-Pass-${i}`, REMOTE))).toBe(
        'ADMIN_BAD_CREDENTIALS',
      );
    }
    expect(await codeOf(admin.auth.login('nurse01', 'Nurse-Pass-1', REMOTE))).toBe('ADMIN_ACCOUNT_LOCKED');
    clock.advance(15 * MINUTE - 1);
    expect(await codeOf(admin.auth.login('nurse01', 'Nurse-Pass-1', REMOTE))).toBe('ADMIN_ACCOUNT_LOCKED');
    clock.advance(1);
    expect((await admin.auth.login('nurse01', 'Nurse-Pass-1', REMOTE)).session.user).toBe('nurse01');
  });

  it('refuses disabled accounts and ends their sessions; enabling restores access', async () => {
    const caller = await adminCaller();
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    const { token } = await admin.auth.login('nurse01', 'Nurse-Pass-1', LOCAL);
    admin.users.disable(caller, 'nurse01');
    expect(await codeOf(() => admin.auth.authenticate(token, LOCAL))).toBe('ADMIN_SESSION_INVALID');
    expect(await codeOf(admin.auth.login('nurse01', 'Nurse-Pass-1', LOCAL))).toBe('ADMIN_ACCOUNT_DISABLED');
    expect(await codeOf(admin.auth.login('nurse01', 'Wrong-Pass-1', LOCAL))).toBe('ADMIN_BAD_CREDENTIALS');
    admin.users.enable(caller, 'nurse01');
    expect((await admin.auth.login('nurse01', 'Nurse-Pass-1', LOCAL)).session.user).toBe('nurse01');
  });

  it('disables accounts unused for 90 days (sweep and at login), never the last admin', async () => {
    const caller = await adminCaller();
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    await admin.users.create(caller, { name: 'nurse02', role: 'operator', password: 'Nurse-Pass-2' });
    clock.advance(89 * DAY);
    expect(admin.sweep().disabled).toEqual([]);
    clock.advance(1 * DAY);
    expect(await codeOf(admin.auth.login('nurse02', 'Nurse-Pass-2', LOCAL))).toBe('ADMIN_ACCOUNT_DISABLED');
    expect(admin.sweep().disabled).toEqual(['nurse01']); // admin is the last admin; nurse02 already done
    const rows = admin.audit.list({ action: 'user.auto-disable' });
    expect(rows.map((r) => r.target).sort()).toEqual(['nurse01', 'nurse02']);
    expect(rows.every((r) => r.actor === 'system')).toBe(true);
  });

  it('operators cannot manage users or read the audit; refusals are audited', async () => {
    const caller = await adminCaller();
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    const { token } = await admin.auth.login('nurse01', 'Nurse-Pass-1', LOCAL);
    await admin.auth.changePassword(token, 'Nurse-Pass-1', 'Nurse-Pass-9', LOCAL);
    const op = { session: admin.auth.authenticate(token, LOCAL), remote: LOCAL };
    expect(await codeOf(() => admin.users.list(op))).toBe('ADMIN_FORBIDDEN');
    expect(
      await codeOf(admin.users.create(op, { name: 'evil01', role: 'admin', password: 'Evil-Pass-1' })),
    ).toBe('ADMIN_FORBIDDEN');
    expect(await codeOf(() => admin.users.disable(op, 'admin'))).toBe('ADMIN_FORBIDDEN');
    expect(await codeOf(() => admin.users.auditLog(op, {}))).toBe('ADMIN_FORBIDDEN');
    expect(admin.audit.list({ action: 'access.denied' }).filter((r) => r.actor === 'nurse01')).toHaveLength(
      4,
    );
  });

  it('will not leave the system without an enabled admin', async () => {
    const caller = await adminCaller();
    expect(await codeOf(() => admin.users.disable(caller, 'admin'))).toBe('ADMIN_LAST_ADMIN');
    expect(await codeOf(() => admin.users.setRole(caller, 'admin', 'operator'))).toBe('ADMIN_LAST_ADMIN');
  });

  it('validates new users: name, duplicate, weak password', async () => {
    const caller = await adminCaller();
    const create = (name: string, password: string) =>
      codeOf(admin.users.create(caller, { name, role: 'operator', password }));
    expect(await create('x', 'Good-Pass-1')).toBe('ADMIN_INVALID_USERNAME');
    expect(await create('1abc', 'Good-Pass-1')).toBe('ADMIN_INVALID_USERNAME');
    expect(await create('nurse01', 'weakpass')).toBe('ADMIN_WEAK_PASSWORD');
    expect(await create('nurse01', 'Good-Pass-1')).toBe('none');
    expect(await create('nurse01', 'Good-Pass-1')).toBe('ADMIN_USER_EXISTS');
  });

  it('writes an audit row for every action, readable immediately after the call', async () => {
    const expectLast = (action: string, outcome: string) => {
      const [last] = admin.audit.list({ limit: 1 });
      expect([last?.action, last?.outcome]).toEqual([action, outcome]);
    };
    await codeOf(admin.auth.login('admin', 'wrong', LOCAL));
    expectLast('login', 'denied');
    const { token } = await admin.auth.login('admin', INITIAL_ADMIN_PASSWORD, LOCAL);
    expectLast('login', 'ok');
    await admin.auth.changePassword(token, INITIAL_ADMIN_PASSWORD, 'Admin-Pass-2025', LOCAL);
    expectLast('password.change', 'ok');
    const caller = { session: admin.auth.authenticate(token, LOCAL), remote: LOCAL };
    await admin.users.create(caller, { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' });
    expectLast('user.create', 'ok');
    admin.users.setRole(caller, 'nurse01', 'admin');
    expectLast('user.role', 'ok');
    admin.users.disable(caller, 'nurse01');
    expectLast('user.disable', 'ok');
    admin.users.enable(caller, 'nurse01');
    expectLast('user.enable', 'ok');
    await admin.users.resetPassword(caller, 'nurse01', 'Nurse-Pass-2');
    expectLast('password.reset', 'ok');
    admin.auth.logout(token, LOCAL);
    expectLast('logout', 'ok');
    const all = admin.audit.list({ limit: 1000 });
    expect(JSON.stringify(all)).not.toMatch(/Pass-|wrong/); // no password ever reaches the log
  });

  it('the audit log is append-only', async () => {
    await codeOf(admin.auth.login('admin', 'wrong', LOCAL));
    expect(() => db.prepare('DELETE FROM admin_audit').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE admin_audit SET actor = 'x'").run()).toThrow(/append-only/);
  });
});
