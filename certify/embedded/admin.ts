import { randomBytes } from 'node:crypto';
import type { AdminService } from '../../agent/admin/index.js';
import type { Agent } from '../../agent/agent.js';
import { type ApiServer, createApiServer } from '../../agent/api/index.js';
import type { AdminAccess, TimeTravelAdmin } from '../context.js';
import { CertifyError } from '../errors.js';
import type { MovableClock } from './clock.js';

/** A password that satisfies spec §5.1.1-8 (length, upper, lower, digit), random per call. */
export function strongPassword(): string {
  return `Ce${randomBytes(6).toString('hex')}Rt7`;
}

const LOCAL = '127.0.0.1';

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
 * declared account policy, time travel on that same live API (the agent is built with `clock` as
 * its account clock; the check moves it forward and `close` sets it back), and a second API server
 * on the agent's own live `AdminService` that takes injected requests with any socket address
 * (fastify `inject` sets `remoteAddress`; the agent trusts no header, only that address).
 */
export function embeddedAdmin(agent: Agent, clock: MovableClock, adminPassword: string): EmbeddedAdmin {
  let injector: ApiServer | undefined;
  let travelling = false;
  const policy = agent.admin.policy;
  const url = agent.apiUrl ?? '';
  return {
    url,
    adminName: policy.defaultAdminName,
    adminPassword,
    defaultAdminName: policy.defaultAdminName,
    policy: {
      passwordMaxAgeMs: policy.passwordMaxAgeMs,
      idleTimeoutMs: policy.idleTimeoutMs,
      unusedDisableAfterMs: policy.unusedDisableAfterMs,
    },
    async timeTravel(): Promise<TimeTravelAdmin> {
      if (travelling) throw new CertifyError('CERTIFY_PROBE', 'the agent clock is already being moved');
      travelling = true;
      return {
        url,
        subject: "the running front agent's admin API (its account clock moved by the check)",
        adminName: policy.defaultAdminName,
        adminPassword,
        advance: (ms) => clock.advance(ms),
        close: async () => {
          clock.reset();
          travelling = false;
        },
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
      clock.reset();
      await injector?.close();
    },
  };
}
