import type { AdminAccess } from '../context.js';
import { AdminHttp, show, strongTestPassword, testUserName } from './admin-http.js';
import { bad, type Finding, finding, ok, unverified } from './util.js';

/** One weak password per rule of spec §5.1.1-8, each breaking that rule only. */
export const WEAK_PASSWORDS: readonly { readonly rule: string; readonly password: string }[] = [
  { rule: 'length ≥ 8 (7 characters given)', password: 'Ab1cdeF' },
  { rule: 'an upper-case letter', password: 'abcdefg12' },
  { rule: 'a lower-case letter', password: 'ABCDEFG12' },
  { rule: 'a digit', password: 'Abcdefghij' },
];

const refused = (status: number): boolean => status >= 400 && status < 500 && status !== 401;

/**
 * On the live admin interface: each weak password refused at account creation and at password
 * change, a strong one accepted (control), a disabled account refused at login and its open
 * session ended.
 */
export async function passwordAndDisableFindings(a: AdminAccess): Promise<Finding[]> {
  const http = new AdminHttp(a.url, a.ca);
  const out: Finding[] = [];
  try {
    const admin = await http.login(a.adminName, a.adminPassword);
    if (admin.status !== 200 || admin.token === undefined || admin.mustChange) {
      return [bad(`cannot log in as the configured administrator "${a.adminName}": ${show(admin)}`)];
    }
    const token = admin.token;
    for (const w of WEAK_PASSWORDS) {
      const name = testUserName('cw');
      const r = await http.createUser(token, name, 'operator', w.password);
      out.push(
        finding(
          refused(r.status),
          `new account with a password lacking ${w.rule}: ${refused(r.status) ? 'refused' : 'ACCEPTED'} (${show(r)})`,
        ),
      );
      if (r.status < 300) await http.disable(token, name);
    }
    const name = testUserName('cs');
    const pw = strongTestPassword();
    const created = await http.createUser(token, name, 'operator', pw);
    if (created.status >= 300) {
      out.push(
        bad(`control: an account with a strong password could not be created either (${show(created)})`),
      );
      return out;
    }
    out.push(ok(`control: an account with a password meeting every rule was created (${show(created)})`));
    const user = await http.login(name, pw);
    if (user.token === undefined) {
      out.push(bad(`control: the new account cannot log in (${show(user)})`));
      return out;
    }
    const change = await http.req(
      'POST',
      '/admin/password',
      { currentPassword: pw, newPassword: 'abc12' },
      user.token,
    );
    out.push(
      finding(
        refused(change.status),
        `changing that account's password to "abc12": ${refused(change.status) ? 'refused' : 'ACCEPTED'} (${show(change)})`,
      ),
    );
    const dis = await http.disable(token, name);
    const again = await http.login(name, pw);
    const session = await http.req('GET', '/admin/session', undefined, user.token);
    out.push(
      finding(
        dis.status === 200 && again.status >= 400 && again.token === undefined,
        `disabled account (${show(dis)}) logging in with its correct password: ${again.token === undefined ? 'refused' : 'ACCEPTED'} (${show(again)})`,
      ),
    );
    out.push(
      finding(
        session.status === 401 || session.status === 403,
        `the disabled account's open session: ${session.status === 401 || session.status === 403 ? 'ended' : 'STILL WORKS'} (${show(session)})`,
      ),
    );
    return out;
  } finally {
    http.close();
  }
}

const REMOTE_ADDRESSES = ['192.0.2.10', '::ffff:198.51.100.7', '2001:db8::5'];

/**
 * The default administrator is refused from a non-local address. Embedded: requests injected
 * into the agent's API code with those socket addresses (the agent trusts only the socket
 * address), with the same credentials accepted from 127.0.0.1 as a control, and a session opened
 * locally refused when used remotely. Target: a login over the network from certification's host
 * when the API is reachable remotely.
 */
export async function defaultAdminRemoteFindings(a: AdminAccess): Promise<Finding[]> {
  if (a.adminName !== a.defaultAdminName) {
    return [
      unverified(
        `the configured account "${a.adminName}" is not the default administrator "${a.defaultAdminName}"`,
      ),
    ];
  }
  const body = { name: a.defaultAdminName, password: a.adminPassword };
  if (a.injectFrom) {
    const out: Finding[] = [];
    const local = await a.injectFrom('127.0.0.1', 'POST', '/admin/login', body);
    const token = typeof local.json.token === 'string' ? local.json.token : undefined;
    out.push(
      finding(
        local.status === 200 && token !== undefined,
        `control: the default administrator logs in from 127.0.0.1 (${show(local)})`,
      ),
    );
    for (const addr of REMOTE_ADDRESSES) {
      const r = await a.injectFrom(addr, 'POST', '/admin/login', body);
      out.push(
        finding(
          r.status === 403 && r.json.token === undefined,
          `the default administrator with the correct password from ${addr}: ${r.json.token === undefined ? 'refused' : 'LOGGED IN'} (${show(r)})`,
        ),
      );
    }
    if (token !== undefined) {
      const r = await a.injectFrom('192.0.2.10', 'GET', '/admin/session', undefined, token);
      out.push(
        finding(
          r.status === 401 || r.status === 403,
          `a session opened locally, used from 192.0.2.10: ${r.status === 401 || r.status === 403 ? 'refused' : 'ACCEPTED'} (${show(r)})`,
        ),
      );
    }
    return out;
  }
  const host = new URL(a.url).hostname;
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]') {
    return [
      unverified(
        `the agent API ${a.url} is loopback-only, so this host is local to it; a remote login attempt must be made from another host by the lab engineer`,
      ),
    ];
  }
  const http = new AdminHttp(a.url, a.ca);
  try {
    const r = await http.login(a.defaultAdminName, a.adminPassword);
    return [
      finding(
        r.token === undefined,
        `the default administrator logging in over the network to ${a.url}: ${r.token === undefined ? 'refused' : 'LOGGED IN'} (${show(r)})`,
      ),
    ];
  } finally {
    http.close();
  }
}
