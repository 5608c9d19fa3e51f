import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  DAY,
  errorCode,
  type Harness,
  INITIAL_ADMIN_PASSWORD,
  KIOSK_TOKEN,
  MINUTE,
  startHarness,
} from './support/harness.js';

describe('local API: administration (spec §5.1.1-8, §5.2-2)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** Creates an operator and returns a session with its forced first change done. */
  async function operatorToken(adminToken: string): Promise<string> {
    const created = await h.request('POST', '/admin/users', {
      token: adminToken,
      body: { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' },
    });
    expect(created.status).toBe(201);
    const token = await h.login('nurse01', 'Nurse-Pass-1');
    const changed = await h.request('POST', '/admin/password', {
      token,
      body: { currentPassword: 'Nurse-Pass-1', newPassword: 'Nurse-Pass-2' },
    });
    expect(changed.status).toBe(200);
    return token;
  }

  it('login answers a session token and an HttpOnly SameSite cookie; both authenticate', async () => {
    h = await startHarness();
    const res = await h.request('POST', '/admin/login', {
      body: { name: 'admin', password: INITIAL_ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    const body = res.json as { token: string; mustChangePassword: boolean; idleTimeoutSeconds: number };
    expect(body.token).toMatch(/^ehcs_/);
    expect(body.mustChangePassword).toBe(true);
    expect(body.idleTimeoutSeconds).toBe(600);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ehc_session=ehcs_[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const viaCookie = await h.request('GET', '/admin/session', { cookie: cookie.split(';')[0] ?? '' });
    expect(viaCookie.status).toBe(200);
    expect((viaCookie.json as { user: string }).user).toBe('admin');
  });

  it('wrong password and unknown user give the same 401', async () => {
    h = await startHarness();
    const wrong = await h.request('POST', '/admin/login', {
      body: { name: 'admin', password: 'Wrong-Pass-1' },
    });
    const unknown = await h.request('POST', '/admin/login', {
      body: { name: 'ghost', password: 'Wrong-Pass-1' },
    });
    expect([wrong.status, errorCode(wrong)]).toEqual([401, 'ADMIN_BAD_CREDENTIALS']);
    expect(unknown.json).toEqual(wrong.json);
  });

  it('a must-change session can only change the password or log out', async () => {
    h = await startHarness();
    const token = await h.login('admin', INITIAL_ADMIN_PASSWORD);
    for (const [method, path] of [
      ['GET', '/admin/users'],
      ['GET', '/admin/audit'],
      ['GET', '/admin/config'],
      ['GET', '/devices'],
    ] as const) {
      const res = await h.request(method, path, { token });
      expect([path, res.status, errorCode(res)]).toEqual([path, 403, 'ADMIN_PASSWORD_CHANGE_REQUIRED']);
    }
    const changed = await h.request('POST', '/admin/password', {
      token,
      body: { currentPassword: INITIAL_ADMIN_PASSWORD, newPassword: ADMIN_PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect((await h.request('GET', '/admin/users', { token })).status).toBe(200);
  });

  it.each([
    ['Short1a', 'min-length'],
    ['alllower1', 'upper-case'],
    ['ALLUPPER1', 'lower-case'],
    ['NoDigitsHere', 'digit'],
  ])('refuses the weak password %j naming the rule %s', async (weak, rule) => {
    h = await startHarness();
    const token = await h.adminToken();
    const change = await h.request('POST', '/admin/password', {
      token,
      body: { currentPassword: ADMIN_PASSWORD, newPassword: weak },
    });
    expect(change.status).toBe(400);
    expect(change.json).toEqual({
      error: { code: 'ADMIN_WEAK_PASSWORD', message: expect.any(String), rules: [rule] },
    });
    const create = await h.request('POST', '/admin/users', {
      token,
      body: { name: 'nurse01', role: 'operator', password: weak },
    });
    expect(create.json).toEqual(change.json);
    const [last] = h.admin.audit.list({ limit: 1 });
    expect([last?.action, last?.outcome, last?.detail]).toEqual(['user.create', 'denied', { rules: [rule] }]);
  });

  it('90 days after a change the next login is restricted until the password changes', async () => {
    h = await startHarness();
    await h.adminToken();
    h.clock.advance(90 * DAY);
    const res = await h.request('POST', '/admin/login', {
      body: { name: 'admin', password: ADMIN_PASSWORD },
    });
    expect((res.json as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const token = (res.json as { token: string }).token;
    expect(errorCode(await h.request('GET', '/admin/users', { token }))).toBe(
      'ADMIN_PASSWORD_CHANGE_REQUIRED',
    );
  });

  it('sessions end after 10 idle minutes: 9:59 ok, then 10:01 idle is 401 expired', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    h.clock.advance(9 * MINUTE + 59_000);
    expect((await h.request('GET', '/admin/session', { token })).status).toBe(200);
    h.clock.advance(10 * MINUTE + 1_000);
    const expired = await h.request('GET', '/admin/session', { token });
    expect([expired.status, errorCode(expired)]).toEqual([401, 'ADMIN_SESSION_EXPIRED']);
    expect(errorCode(await h.request('GET', '/admin/session', { token }))).toBe('ADMIN_SESSION_INVALID');
  });

  it('the default admin is refused from a non-local socket address (inject remoteAddress)', async () => {
    h = await startHarness({ listen: false });
    const login = (remoteAddress: string) =>
      h.api.fastify.inject({
        method: 'POST',
        url: '/admin/login',
        remoteAddress,
        payload: { name: 'admin', password: INITIAL_ADMIN_PASSWORD },
      });
    const remote = await login('10.1.2.3');
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toEqual({
      error: { code: 'ADMIN_REMOTE_LOGIN_REFUSED', message: expect.any(String) },
    });
    const spoofed = await h.api.fastify.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
      payload: { name: 'admin', password: INITIAL_ADMIN_PASSWORD },
    });
    expect(spoofed.statusCode).toBe(403); // headers are never trusted
    expect((await login('::ffff:127.0.0.1')).statusCode).toBe(200);
    const local = await login('127.0.0.1');
    const token = (local.json() as { token: string }).token;
    const reuse = await h.api.fastify.inject({
      method: 'GET',
      url: '/admin/session',
      remoteAddress: '10.1.2.3',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reuse.statusCode).toBe(403);
    const [denied] = h.admin.audit.list({ action: 'access.denied', limit: 1 });
    expect([denied?.actor, denied?.remote, denied?.code]).toEqual([
      'admin',
      '10.1.2.3',
      'ADMIN_REMOTE_LOGIN_REFUSED',
    ]);
    const [row] = h.admin.audit.list({ action: 'login', limit: 10 }).filter((r) => r.remote === '10.1.2.3');
    expect([row?.outcome, row?.code]).toEqual(['denied', 'ADMIN_REMOTE_LOGIN_REFUSED']);
  });

  it('other users may log in from a non-local address', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    await h.request('POST', '/admin/users', {
      token,
      body: { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' },
    });
    const res = await h.api.fastify.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: '10.1.2.3',
      payload: { name: 'nurse01', password: 'Nurse-Pass-1' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('user management: create, list, role, disable (refused at login), enable, reset', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    await operatorToken(token);
    const list = await h.request('GET', '/admin/users', { token });
    const users = (list.json as { users: { name: string; role: string }[] }).users;
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ['admin', 'admin'],
      ['nurse01', 'operator'],
    ]);
    expect(list.text).not.toMatch(/scrypt|hash/i);
    const role = await h.request('POST', '/admin/users/nurse01/role', { token, body: { role: 'admin' } });
    expect((role.json as { user: { role: string } }).user.role).toBe('admin');
    const disabled = await h.request('POST', '/admin/users/nurse01/disable', { token });
    expect((disabled.json as { user: { disabled: boolean } }).user.disabled).toBe(true);
    const refused = await h.request('POST', '/admin/login', {
      body: { name: 'nurse01', password: 'Nurse-Pass-2' },
    });
    expect([refused.status, errorCode(refused)]).toEqual([403, 'ADMIN_ACCOUNT_DISABLED']);
    expect((await h.request('POST', '/admin/users/nurse01/enable', { token })).status).toBe(200);
    const reset = await h.request('POST', '/admin/users/nurse01/password', {
      token,
      body: { password: 'Reset-Pass-1' },
    });
    expect((reset.json as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    const again = await h.request('POST', '/admin/login', {
      body: { name: 'nurse01', password: 'Reset-Pass-1' },
    });
    expect((again.json as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const missing = await h.request('POST', '/admin/users/ghost/disable', { token });
    expect([missing.status, errorCode(missing)]).toEqual([404, 'ADMIN_USER_NOT_FOUND']);
    const dup = await h.request('POST', '/admin/users', {
      token,
      body: { name: 'nurse01', role: 'operator', password: 'Nurse-Pass-1' },
    });
    expect([dup.status, errorCode(dup)]).toEqual([409, 'ADMIN_USER_EXISTS']);
  });

  it('operators view and trigger but cannot manage users, read the audit or change config', async () => {
    h = await startHarness({ api: { configStore: { get: () => ({ a: 1 }), put: async (c) => c } } });
    const op = await operatorToken(await h.adminToken());
    expect((await h.request('GET', '/devices', { token: op })).status).toBe(200);
    expect((await h.request('GET', '/scans', { token: op })).status).toBe(200);
    expect((await h.request('GET', '/admin/config', { token: op })).status).toBe(200);
    const trig = await h.request('POST', '/devices/scanner-1/trigger', { token: op, body: { on: false } });
    expect(trig.status).toBe(200);
    expect(h.admin.audit.list({ limit: 1 })[0]?.actor).toBe('nurse01');
    for (const [method, path, body] of [
      ['GET', '/admin/users', undefined],
      ['POST', '/admin/users', { name: 'evil01', role: 'admin', password: 'Evil-Pass-1' }],
      ['POST', '/admin/users/admin/disable', undefined],
      ['POST', '/admin/users/nurse01/role', { role: 'admin' }],
      ['GET', '/admin/audit', undefined],
      ['PUT', '/admin/config', { config: { a: 2 } }],
    ] as const) {
      const res = await h.request(method, path, { token: op, ...(body === undefined ? {} : { body }) });
      expect([path, res.status, errorCode(res)]).toEqual([path, 403, 'ADMIN_FORBIDDEN']);
    }
    expect(h.admin.audit.list({ action: 'access.denied' })).toHaveLength(6);
  });

  it('kiosk tokens cannot administer', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/admin/users', { token: KIOSK_TOKEN });
    expect([res.status, errorCode(res)]).toEqual([401, 'API_AUTH_REQUIRED']);
  });

  it('locks out after 5 failures with 423', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) {
      await h.request('POST', '/admin/login', { body: { name: 'admin', password: `Wrong-Pass-${i}` } });
    }
    const locked = await h.request('POST', '/admin/login', {
      body: { name: 'admin', password: INITIAL_ADMIN_PASSWORD },
    });
    expect([locked.status, errorCode(locked)]).toEqual([423, 'ADMIN_ACCOUNT_LOCKED']);
  });

  it('logout ends the session and clears the cookie', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    const out = await h.request('POST', '/admin/logout', { token });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(errorCode(await h.request('GET', '/admin/session', { token }))).toBe('ADMIN_SESSION_INVALID');
  });

  it('GET /admin/audit lists every action newest first, present right after each call', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    await h.request('POST', '/devices/scanner-1/beep', { token, body: { kind: 'good' } });
    const res = await h.request('GET', '/admin/audit?limit=3', { token });
    const entries = (res.json as { entries: { action: string; actor: string }[] }).entries;
    expect(entries.map((e) => `${e.action}/${e.actor}`)).toEqual([
      'device.beep/admin',
      'password.change/admin',
      'login/admin',
    ]);
    const filtered = await h.request('GET', '/admin/audit?action=admin.bootstrap', { token });
    expect((filtered.json as { entries: unknown[] }).entries).toHaveLength(1);
  });
});
