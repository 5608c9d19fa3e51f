import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AdminService } from '../../agent/admin/index.js';
import type { Agent } from '../../agent/agent.js';
import { type ApiServer, createApiServer } from '../../agent/api/index.js';
import type { AdminAccess, TimeTravelAdmin } from '../context.js';

/** A password that satisfies spec §5.1.1-8 (length, upper, lower, digit), random per call. */
export function strongPassword(): string {
  return `Ce${randomBytes(6).toString('hex')}Rt7`;
}

const LOCAL = '127.0.0.1';
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

/**
 * First login of the default administrator after installation: the bootstrap password must be
 * changed before anything else (the agent's rule); the embedded run does it as the installer would.
 */
export async function firstAdminLogin(admin: AdminService, initial: string, final: string): Promise<void> {
  const { token } = await admin.auth.login(admin.policy.defaultAdminName, initial, LOCAL);
  await admin.auth.changePassword(token, initial, final, LOCAL);
}

export interface EmbeddedAdmin extends AdminAccess {
  close(): Promise<void>;
}

/**
 * The front agent's administration interface as checks reach it: its local API over HTTP, its
 * declared account policy, a time-travel copy (the same `AdminService` and API code with the
 * agent's policy, on a scratch database and a clock the check moves), and a second API server on
 * the agent's own live `AdminService` that takes injected requests with any socket address
 * (fastify `inject` sets `remoteAddress`; the agent trusts no header, only that address).
 */
export function embeddedAdmin(agent: Agent, dir: string, adminPassword: string): EmbeddedAdmin {
  let injector: ApiServer | undefined;
  const twins = new Set<() => Promise<void>>();
  let n = 0;
  const policy = agent.admin.policy;
  return {
    url: agent.apiUrl ?? '',
    adminName: policy.defaultAdminName,
    adminPassword,
    defaultAdminName: policy.defaultAdminName,
    policy: {
      passwordMaxAgeMs: policy.passwordMaxAgeMs,
      idleTimeoutMs: policy.idleTimeoutMs,
      unusedDisableAfterMs: policy.unusedDisableAfterMs,
    },
    async timeTravel(): Promise<TimeTravelAdmin> {
      const file = join(dir, `admin-timetravel-${++n}.db`);
      let t = Date.now();
      const admin = new AdminService({
        database: file,
        policy,
        now: () => t,
        scryptCost: FAST_SCRYPT,
        sweepIntervalMs: 0,
      });
      const initial = strongPassword();
      const final = strongPassword();
      await admin.bootstrap(initial);
      await firstAdminLogin(admin, initial, final);
      const api = createApiServer({ runtime: agent.runtime, admin, tokens: [] });
      const { url } = await api.listen();
      const close = async (): Promise<void> => {
        twins.delete(close);
        await api.close();
        admin.close();
        rmSync(file, { force: true });
        rmSync(`${file}-wal`, { force: true });
        rmSync(`${file}-shm`, { force: true });
      };
      twins.add(close);
      return {
        url,
        adminName: policy.defaultAdminName,
        adminPassword: final,
        advance: (ms) => {
          t += ms;
        },
        close,
      };
    },
    async injectFrom(remoteAddress, method, path, body, token) {
      if (!injector) {
        injector = createApiServer({ runtime: agent.runtime, admin: agent.admin, tokens: [] });
        await injector.fastify.ready();
      }
      const res = await injector.fastify.inject({
        method,
        url: path,
        remoteAddress,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      let json: Record<string, unknown> = {};
      try {
        json = res.json() as Record<string, unknown>;
      } catch {
        json = {};
      }
      return { status: res.statusCode, json };
    },
    async close() {
      for (const c of [...twins]) await c();
      await injector?.close();
    },
  };
}
