import Database from 'better-sqlite3';
import { type AccountPolicy, AdminService, type ScryptCost } from '../../../agent/admin/index.js';
import { type ApiServer, type ApiServerOptions, createApiServer } from '../../../agent/api/index.js';
import { FakeRuntime } from './fake-runtime.js';

/** Cheap scrypt for tests (the stored hash records its own cost, so production is unaffected). */
export const TEST_COST: ScryptCost = { N: 1024, r: 8, p: 1 };
export const KIOSK_TOKEN = 'kiosk-token-0123456789abcdef';
export const INITIAL_ADMIN_PASSWORD = 'Initial-Pass-1';
export const ADMIN_PASSWORD = 'Admin-Pass-2025';

export const MINUTE = 60_000;
export const DAY = 24 * 3600_000;

/** A clock that moves only when told to. */
export class ManualClock {
  t = Date.UTC(2025, 0, 1, 8, 0, 0);
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export interface RequestOptions {
  readonly token?: string;
  readonly cookie?: string;
  readonly body?: unknown;
}

export interface Harness {
  readonly url: string;
  readonly api: ApiServer;
  readonly admin: AdminService;
  readonly runtime: FakeRuntime;
  readonly clock: ManualClock;
  readonly db: Database.Database;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Logs in as `name` and returns the session token (throws on a non-200). */
  login(name: string, password: string): Promise<string>;
  /** The default admin, logged in locally with its forced first change done. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly api?: Partial<ApiServerOptions>;
  readonly policy?: Partial<AccountPolicy>;
  readonly listen?: boolean;
}

/** Starts the API on 127.0.0.1:0 over an in-memory database, a fake runtime and a manual clock. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new ManualClock();
  const db = new Database(':memory:');
  const admin = new AdminService({
    database: db,
    now: clock.now,
    scryptCost: TEST_COST,
    sweepIntervalMs: 0,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  await admin.bootstrap(INITIAL_ADMIN_PASSWORD);
  const runtime = new FakeRuntime();
  const api = createApiServer({
    runtime,
    admin,
    tokens: [{ name: 'kiosk-1', token: KIOSK_TOKEN }],
    ...options.api,
  });
  let url = '';
  if (options.listen !== false) url = (await api.listen()).url;
  else await api.fastify.ready();

  const request = async (method: string, path: string, o: RequestOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = {};
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie !== undefined) headers.cookie = o.cookie;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  const login = async (name: string, password: string): Promise<string> => {
    const res = await request('POST', '/admin/login', { body: { name, password } });
    if (res.status !== 200) throw new Error(`login ${name} failed: ${res.status} ${res.text}`);
    return (res.json as { token: string }).token;
  };

  return {
    url,
    api,
    admin,
    runtime,
    clock,
    db,
    request,
    login,
    async adminToken() {
      const token = await login('admin', INITIAL_ADMIN_PASSWORD);
      const res = await request('POST', '/admin/password', {
        token,
        body: { currentPassword: INITIAL_ADMIN_PASSWORD, newPassword: ADMIN_PASSWORD },
      });
      if (res.status !== 200) throw new Error(`password change failed: ${res.status} ${res.text}`);
      return token;
    },
    async close() {
      await api.close();
      admin.close();
      db.close();
    },
  };
}

/** The `error.code` of an error response body. */
export function errorCode(res: HttpResult): string | undefined {
  return (res.json as { error?: { code?: string } } | undefined)?.error?.code;
}
