import Database from 'better-sqlite3';
import { AdminService } from '../../../agent/admin/index.js';
import { type ApiServer, type ApiServerOptions, createApiServer } from '../../../agent/api/index.js';
import { FakeRuntime } from '../../agent-api/support/fake-runtime.js';
import { INITIAL_ADMIN_PASSWORD, KIOSK_TOKEN, TEST_COST } from '../../agent-api/support/harness.js';

export { INITIAL_ADMIN_PASSWORD, KIOSK_TOKEN };

export interface SecurityApi {
  readonly url: string;
  readonly api: ApiServer;
  readonly admin: AdminService;
  readonly runtime: FakeRuntime;
  /** Every route fastify registered, as `METHOD /url`. */
  readonly routes: readonly string[];
  close(): Promise<void>;
}

/**
 * The real local API on 127.0.0.1:0 over a fake runtime and an in-memory database, or the
 * accounts database file `file` (kept across restarts; bootstrapped only when new).
 */
export async function startApi(extra: Partial<ApiServerOptions> = {}, file?: string): Promise<SecurityApi> {
  const db = new Database(file ?? ':memory:');
  const admin = new AdminService({ database: db, scryptCost: TEST_COST, sweepIntervalMs: 0 });
  await admin.bootstrap(INITIAL_ADMIN_PASSWORD);
  const runtime = new FakeRuntime();
  const api = createApiServer({
    runtime,
    admin,
    tokens: [{ name: 'kiosk-1', token: KIOSK_TOKEN }],
    ...extra,
  });
  const routes: string[] = [];
  api.fastify.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push(`${m} ${r.url}`);
  });
  const { url } = await api.listen();
  return {
    url,
    api,
    admin,
    runtime,
    routes,
    async close() {
      await api.close();
      admin.close();
      db.close();
    },
  };
}
