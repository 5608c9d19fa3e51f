import { defaultAdminRemoteFindings, passwordAndDisableFindings } from './account-live.js';
import { timeRuleFindings } from './account-time.js';
import { AdminHttp, show, strongTestPassword, testUserName } from './admin-http.js';
import { bad, type CertifyCheck, type Finding, finding, judge } from './util.js';

/**
 * 5.1.1-8 — account protection, probed on the agent's admin interface over HTTP: weak passwords
 * refused rule by rule, disabled accounts refused, the default administrator refused from a
 * non-local address, and the time rules (10-minute idle timeout, 90-day forced password change,
 * 90-day unused-account disabling) measured on a movable clock when the mode allows it.
 */
export const accountProtection: CertifyCheck = {
  id: '5.1.1-8',
  timeoutMs: 15 * 60_000,
  async run(ctx) {
    const f: Finding[] = [
      ...(await passwordAndDisableFindings(ctx.admin)),
      ...(await defaultAdminRemoteFindings(ctx.admin)),
      ...(await timeRuleFindings(ctx.admin)),
    ];
    return judge(
      f,
      'Enforce the account policy of spec §5.1.1-8 in the admin interface: passwords of ≥ 8 characters with upper, lower and digits, forced change after 90 days, 10-minute idle timeout, unused accounts disabled, the default administrator local only.',
    );
  },
};

/**
 * 5.2-2 — user and permission management: anonymous access refused; an administrator creates an
 * operator (who must set a password first); the operator may use operator routes but not manage
 * users; the administrator sees the account and the audit trail of what happened.
 */
export const userManagement: CertifyCheck = {
  id: '5.2-2',
  timeoutMs: 60_000,
  async run(ctx) {
    const a = ctx.admin;
    const http = new AdminHttp(a.url, a.ca);
    const f: Finding[] = [];
    try {
      const anon = await http.req('GET', '/admin/users');
      f.push(finding(anon.status === 401, `user list without logging in: ${show(anon)}`));
      const admin = await http.login(a.adminName, a.adminPassword);
      if (!admin.token || admin.mustChange) return judge([...f, bad(`administrator login: ${show(admin)}`)]);
      const name = testUserName('op');
      const first = strongTestPassword();
      const created = await http.createUser(admin.token, name, 'operator', first, true);
      f.push(
        finding(
          created.status === 201 || created.status === 200,
          `administrator creates operator "${name}": ${show(created)}`,
        ),
      );
      const op1 = await http.login(name, first);
      const early = op1.token ? await http.req('GET', '/devices', undefined, op1.token) : undefined;
      f.push(
        finding(
          op1.mustChange === true && early?.status === 403,
          `the operator's first login must set a new password (restricted: ${op1.mustChange === true}); meanwhile /devices: ${early ? show(early) : 'no session'}`,
        ),
      );
      const pw = strongTestPassword();
      if (op1.token)
        await http.req('POST', '/admin/password', { currentPassword: first, newPassword: pw }, op1.token);
      const op = await http.login(name, pw);
      const perms = op.permissions ?? [];
      f.push(
        finding(
          op.token !== undefined &&
            !op.mustChange &&
            perms.includes('devices:view') &&
            !perms.includes('users:manage'),
          `after the change the operator logs in with permissions [${perms.join(', ')}]`,
        ),
      );
      if (op.token) {
        const devices = await http.req('GET', '/devices', undefined, op.token);
        const users = await http.req('GET', '/admin/users', undefined, op.token);
        const audit = await http.req('GET', '/admin/audit', undefined, op.token);
        f.push(finding(devices.status === 200, `operator reads /devices: ${show(devices)}`));
        f.push(finding(users.status === 403, `operator lists users: ${show(users)} (administrators only)`));
        f.push(
          finding(audit.status === 403, `operator reads the audit log: ${show(audit)} (administrators only)`),
        );
      }
      const list = await http.req('GET', '/admin/users', undefined, admin.token);
      const listed = ((list.json.users ?? []) as { name?: string; role?: string }[]).find(
        (u) => u.name === name,
      );
      f.push(
        finding(
          listed?.role === 'operator',
          `administrator's user list shows "${name}" with role ${listed?.role ?? 'MISSING'}`,
        ),
      );
      const audit = await http.req('GET', '/admin/audit?limit=200', undefined, admin.token);
      const entries = (audit.json.entries ?? []) as { action?: string; target?: string; outcome?: string }[];
      const createdRow = entries.some((e) => e.action === 'user.create' && e.target === name);
      const deniedRow = entries.some(
        (e) => e.outcome === 'denied' && (e as { actor?: string }).actor === name,
      );
      f.push(
        finding(
          audit.status === 200 && createdRow && deniedRow,
          `audit log records the creation (${createdRow}) and the operator's refused requests (${deniedRow})`,
        ),
      );
      await http.disable(admin.token, name);
      return judge(
        f,
        'Give the system user accounts with roles: administrators manage users; operators cannot.',
      );
    } finally {
      http.close();
    }
  },
};
