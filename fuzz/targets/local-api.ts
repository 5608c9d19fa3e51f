/**
 * The agent's local API (kiosk app and console), through fastify's in-process `inject`: any
 * method on its routes and on made-up paths, with no token, the kiosk token, a wrong one or an
 * admin session, JSON bodies that are valid, damaged or of the wrong shape, odd content types.
 * A 5xx is a defect (bad input is refused with a 4xx); so is any 2xx without a valid credential
 * on a route that is not public.
 */
import fc from 'fast-check';
import { type Harness, KIOSK_TOKEN, startHarness } from '../../test/agent-api/support/harness.js';
import { damagedText } from '../mutate.js';
import { FuzzDefect, type FuzzTarget } from '../target.js';

const ROUTES = [
  '/health',
  '/metrics',
  '/scans',
  '/events',
  '/console',
  '/console/state',
  '/devices',
  '/devices/kiosk-1/beep',
  '/devices/%00/trigger',
  '/admin/login',
  '/admin/logout',
  '/admin/session',
  '/admin/password',
  '/admin/users',
  '/admin/users/admin/disable',
  '/admin/users/__proto__/role',
  '/admin/users/x/password',
  '/admin/audit',
  '/admin/config',
  '/admin/log-level',
];
/** Answer 200 with no credential (probed at setup, GET only). */
let PUBLIC = new Set<string>();
let h: Harness | undefined;
let adminSession = '';

type Auth = 'none' | 'kiosk' | 'wrong' | 'admin';
interface Input {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly auth: Auth;
  readonly contentType: string;
  readonly body: string | undefined;
}

const validBody = fc.oneof(
  fc.record({ name: fc.constantFrom('admin', 'op1'), password: fc.string({ maxLength: 20 }) }),
  fc.record({ level: fc.constantFrom('info', 'debug', 'trace', 'fatal', 'nope') }),
  fc.record({ role: fc.constantFrom('admin', 'auditor', 'operator', '') }),
  fc.record({ config: fc.jsonValue({ maxDepth: 2 }) }),
);
const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  validBody.map((b) => JSON.stringify(b)),
  damagedText(validBody.map((b) => JSON.stringify(b))),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const credential = (auth: Auth): Record<string, string> =>
  auth === 'none'
    ? {}
    : {
        authorization: `Bearer ${auth === 'kiosk' ? KIOSK_TOKEN : auth === 'admin' ? adminSession : 'x'.repeat(28)}`,
      };

export const localApi: FuzzTarget<Input> = {
  name: 'local-api',
  what: 'agent local API: routes, tokens, JSON bodies',
  cost: 4,
  async setup() {
    // Listening (loopback) because the admin login helper speaks HTTP; the inputs go through inject.
    h = await startHarness();
    adminSession = await h.adminToken();
    PUBLIC = new Set();
    for (const path of ROUTES) {
      const r = await h.api.fastify.inject({ method: 'GET', url: path });
      if (r.statusCode === 200) PUBLIC.add(path);
    }
  },
  async teardown() {
    await h?.close();
    h = undefined;
  },
  input: fc.record({
    method: fc.constantFrom(
      'GET' as const,
      'POST' as const,
      'PUT' as const,
      'DELETE' as const,
      'PATCH' as const,
    ),
    path: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...ROUTES) },
      fc
        .tuple(fc.constantFrom(...ROUTES), fc.string({ maxLength: 12 }))
        .map(([r, s]) => r + encodeURIComponent(s)),
    ),
    auth: fc.constantFrom<Auth>('none', 'kiosk', 'wrong', 'admin'),
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=gbk', ''),
    body: bodyArb,
  }),
  async run(input) {
    if (!h) throw new Error('local-api target used before setup');
    // Never log the admin out or lock its account: later inputs need the session.
    if (input.auth === 'admin' && /logout|disable|password|role/.test(input.path))
      return 'skipped-admin-write';
    const r = await h.api.fastify.inject({
      method: input.method,
      url: input.path,
      headers: {
        ...credential(input.auth),
        ...(input.contentType ? { 'content-type': input.contentType } : {}),
      },
      ...(input.body === undefined || input.method === 'GET' ? {} : { payload: input.body }),
    });
    if (r.statusCode >= 500)
      throw new FuzzDefect(`${input.method} ${input.path} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
    const credentialed = input.auth === 'kiosk' || input.auth === 'admin';
    const publicRoute = input.method === 'GET' && PUBLIC.has(input.path);
    if (r.statusCode < 300 && !credentialed && !publicRoute && input.path !== '/admin/login') {
      throw new FuzzDefect(`${input.method} ${input.path} answered ${r.statusCode} without a credential`);
    }
    return r.statusCode < 300 ? 'ok' : `http-${r.statusCode}`;
  },
};
