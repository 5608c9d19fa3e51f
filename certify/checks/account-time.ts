import type { AdminAccess, TimeTravelAdmin } from '../context.js';
import { AdminHttp, show, strongTestPassword, testUserName } from './admin-http.js';
import { bad, type Finding, finding, unverified } from './util.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Spec §5.1.1-8 limits. */
export const IDLE_LIMIT_MS = 10 * MIN;
export const PASSWORD_AGE_LIMIT_MS = 90 * DAY;
export const UNUSED_LIMIT_MS = 90 * DAY;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type TestUsers = { readonly idle: string; readonly age: string; readonly unused: string };

/**
 * The time rules, on an admin interface whose clock the check moves: a session idle for 10
 * minutes is gone; a password 90 days old must be changed before anything else (and 89 days old
 * need not); an account unused for 90 days is disabled. The clock is then set back and the test
 * accounts disabled (which also ends their sessions, last seen at the moved time).
 */
async function timeTravelFindings(a: AdminAccess): Promise<Finding[]> {
  const tt = await a.timeTravel!();
  const http = new AdminHttp(tt.url, a.ca);
  const users = { idle: testUserName('ti'), age: testUserName('ta'), unused: testUserName('tu') };
  try {
    let out: Finding[];
    try {
      out = await travel(tt, http, users);
    } finally {
      await tt.close();
    }
    out.push(await tidyUp(tt, http, users));
    return out;
  } finally {
    http.close();
  }
}

async function travel(tt: TimeTravelAdmin, http: AdminHttp, users: TestUsers): Promise<Finding[]> {
  const out: Finding[] = [];
  const admin = await http.token(tt.adminName, tt.adminPassword);
  const pw = strongTestPassword();
  for (const name of Object.values(users)) {
    const r = await http.createUser(admin, name, 'operator', pw);
    if (r.status >= 300) return [bad(`time travel: cannot create test account (${show(r)})`)];
  }
  out.push(finding(true, `over HTTP on ${tt.subject} at ${tt.url}:`));

  const idle = await http.token(users.idle, pw);
  const fresh = await http.req('GET', '/admin/session', undefined, idle);
  tt.advance(IDLE_LIMIT_MS);
  const late = await http.req('GET', '/admin/session', undefined, idle);
  out.push(
    finding(
      fresh.status === 200 && late.status === 401,
      `idle timeout: a session answered at once (${show(fresh)}) and, after 10 minutes without a request, ${late.status === 401 ? 'was gone' : 'STILL WORKED'} (${show(late)})`,
    ),
  );

  const day0 = await http.login(users.age, pw);
  tt.advance(89 * DAY - IDLE_LIMIT_MS);
  const day89 = await http.login(users.age, pw);
  tt.advance(DAY + MIN);
  const day90 = await http.login(users.age, pw);
  const blocked = day90.token
    ? await http.req('GET', '/devices', undefined, day90.token)
    : { status: 0, json: {} };
  out.push(
    finding(
      day0.mustChange === false &&
        day89.mustChange === false &&
        day90.mustChange === true &&
        blocked.status === 403,
      `password age: login at day 0 and day 89 unrestricted (${day0.mustChange === false && day89.mustChange === false ? 'yes' : 'NO'}), at day 90 + 1 min ${day90.mustChange ? 'forced to change the password' : 'NOT FORCED'}; its other requests ${show(blocked)}`,
    ),
  );
  if (day90.token) {
    const npw = strongTestPassword();
    const changed = await http.req(
      'POST',
      '/admin/password',
      { currentPassword: pw, newPassword: npw },
      day90.token,
    );
    const after = await http.login(users.age, npw);
    out.push(
      finding(
        changed.status === 200 && after.mustChange === false,
        `after the forced change (${show(changed)}) the account works normally again (${after.mustChange === false ? 'unrestricted' : show(after)})`,
      ),
    );
  }
  const unused = await http.login(users.unused, pw);
  out.push(
    finding(
      unused.token === undefined && unused.status === 403,
      `an account not used for 90 days + 1 min, with its correct password: ${unused.token === undefined ? 'disabled' : 'STILL LOGS IN'} (${show(unused)})`,
    ),
  );
  return out;
}

/** After the clock is set back: the test accounts disabled, their sessions (and ours) ended. */
async function tidyUp(tt: TimeTravelAdmin, http: AdminHttp, users: TestUsers): Promise<Finding> {
  const login = await http.login(tt.adminName, tt.adminPassword);
  if (login.token === undefined || login.mustChange) {
    return bad(
      `clock set back, but the administrator cannot log in to disable the test accounts (${show(login)})`,
    );
  }
  const names = [users.idle, users.age];
  const disabled = await Promise.all(names.map((n) => http.disable(login.token!, n)));
  await http.req('POST', '/admin/logout', {}, login.token);
  const failed = disabled.filter((r) => r.status >= 300);
  return finding(
    failed.length === 0,
    failed.length === 0
      ? `clock set back to real time; test accounts ${names.join(', ')} disabled (their sessions ended), ${users.unused} stays disabled; audit rows written meanwhile carry the moved time`
      : `clock set back, but disabling the test accounts was refused (${failed.map((r) => show(r)).join(', ')})`,
  );
}

/** Target mode: what the live interface declares, and the idle timeout waited out if asked to. */
async function liveTimeFindings(a: AdminAccess): Promise<Finding[]> {
  const http = new AdminHttp(a.url, a.ca);
  const out: Finding[] = [];
  try {
    const login = await http.login(a.adminName, a.adminPassword);
    const declared = login.idleTimeoutSeconds;
    if (declared !== undefined) {
      out.push(
        finding(
          declared * 1000 <= IDLE_LIMIT_MS,
          `the agent declares an idle timeout of ${declared} s (limit 600 s)`,
        ),
      );
    }
    if (a.waitIdleTimeout && login.token) {
      const wait = (declared ?? 600) * 1000 + 2000;
      await sleep(wait);
      const late = await http.req('GET', '/admin/session', undefined, login.token);
      out.push(
        finding(
          late.status === 401,
          `after ${Math.round(wait / 1000)} s idle the session ${late.status === 401 ? 'was gone' : 'STILL WORKED'} (${show(late)})`,
        ),
      );
    } else {
      out.push(
        unverified('the idle timeout was not waited out (set admin.waitIdleTimeout to measure it, ~10 min)'),
      );
    }
    if (a.policy) {
      out.push(
        finding(
          a.policy.passwordMaxAgeMs <= PASSWORD_AGE_LIMIT_MS &&
            a.policy.unusedDisableAfterMs <= UNUSED_LIMIT_MS,
          `declared policy: password change after ${a.policy.passwordMaxAgeMs / DAY} days, unused accounts disabled after ${a.policy.unusedDisableAfterMs / DAY} days`,
        ),
      );
    }
    out.push(
      unverified(
        '90-day password expiry and unused-account disabling need 90 days or a movable clock: inspect the configuration',
      ),
    );
    return out;
  } finally {
    http.close();
  }
}

export function timeRuleFindings(a: AdminAccess): Promise<Finding[]> {
  return a.timeTravel ? timeTravelFindings(a) : liveTimeFindings(a);
}
