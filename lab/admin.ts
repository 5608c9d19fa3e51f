import { randomBytes } from 'node:crypto';
import type { AdminService } from '../agent/admin/index.js';
import type { Agent } from '../agent/agent.js';
import { type ApiServer, createApiServer } from '../agent/api/index.js';
import { EhcError } from '../protocol/errors.js';
import type { MovableClock } from './clock.js';

/** A password that satisfies spec §5.1.1-8 (length, upper, lower, digit), random per call. */
export function strongPassword(): string {
  return `Ce${randomBytes(6).toString('hex')}Rt7`;
}

const LOCAL = '127.0.0.1';

/**
 * First login of the default administrator after installation: the bootstrap password must be
 * changed before anything else (the agent's rule); the lab does it as the installer would.
 */
export async function firstAdminLogin(admin: AdminService, initial: string, final: string): Promise<void> {
  const { token } = await admin.auth.login(admin.policy.defaultAdminName, initial, LOCAL);
  await admin.auth.changePassword(token, initial, final, LOCAL);
}

/** The admin interface on a clock the caller moves (the 90-day and 10-minute rules). */
export interface LabTimeTravelAdmin {
  readonly url: string;
  /** What it runs against, for evidence. */
  readonly subject: string;
  readonly adminName: string;
  readonly adminPassword: string;
  advance(ms: number): void;
  /** Sets the clock back to real time. */
  close(): Promise<void>;
}

/** An agent's administration interface, as checks reach it (certify's `AdminAccess`, and `close`). */
export interface LabAdmin {
  readonly url: string;
  readonly adminName: string;
  readonly adminPassword: string;
  readonly defaultAdminName: string;
  readonly policy: {
    readonly passwordMaxAgeMs: number;
    readonly idleTimeoutMs: number;
    readonly unusedDisableAfterMs: number;
  };
  timeTravel(): Promise<LabTimeTravelAdmin>;
  /** Sends one request to the agent's admin routes as if from `remoteAddress` (socket address). */
  injectFrom(
    remoteAddress: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * An agent's administration interface as checks reach it: its local API over HTTP, its
 * declared account policy, time travel on that same live API (the agent is built with `clock` as
 * its account clock; the check moves it forward and `close` sets it back), and a second API server
 * on the agent's own live `AdminService` that takes injected requests with any socket address
 * (fastify `inject` sets `remoteAddress`; the agent trusts no header, only that address).
 */
export function labAdmin(
  agent: Agent,
  clock: MovableClock,
  adminPassword: string,
  agentName: string,
): LabAdmin {
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
    async timeTravel(): Promise<LabTimeTravelAdmin> {
      if (travelling) throw new EhcError('LAB_CLOCK_BUSY', 'the agent clock is already being moved');
      travelling = true;
      return {
        url,
        subject: `the running ${agentName} agent's admin API (its account clock moved by the check)`,
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
