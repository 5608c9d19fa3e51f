import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { type CentralDialect, PROVINCIAL_DIALECT } from '../../protocol/central/dialect.js';
import { TLS_POLICY } from '../../protocol/net/tls-policy.js';
import type { CentralStore } from '../../storage/central/contract.js';
import { registerAdminRoutes } from './admin-routes.js';
import type { CentralConfig } from './config.js';
import type { CentralDispatcher } from './dispatcher.js';
import { unsignedRefusal } from './envelope.js';
import { CENTRAL_ERROR_CODES, CentralError } from './errors.js';

/** The envelope endpoint, the one route terminals and institutions call. */
export const CENTRAL_API_PATH = '/api';
/** The load test's baseline: same server, same HTTP and JSON parsing, no business. */
export const NOOP_PATH = '/noop';
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';
/** Largest request body (a register may carry a Base64 attachment up to 512 KiB). */
export const BODY_LIMIT = 2 * 1024 * 1024;

export interface HttpAppOptions {
  readonly dispatcher: CentralDispatcher;
  readonly store: CentralStore;
  readonly hsm: CipherMachine;
  readonly config: CentralConfig;
  readonly log: Logger;
  readonly now: () => number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly dialect?: CentralDialect;
}

/**
 * The fastify application: `POST /api` (the envelope; replies are HTTP 200 with result code
 * "10"/"00", or 400 with an unsigned refusal when the body is not JSON), `GET /healthz`,
 * `GET /metrics` (Prometheus text), `POST /noop`, and the admin routes when the configuration enables them. No per-request schema
 * compilation: the envelope is checked by hand, replies are plain JSON.
 */
export function buildHttpApp(o: HttpAppOptions): FastifyInstance {
  const dialect = o.dialect ?? PROVINCIAL_DIALECT;
  // No fastify logger (no per-request child loggers on the hot path, no second "listening"
  // line): the dispatcher and the error handler below log what matters, masked.
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
    keepAliveTimeout: 72_000,
    ...(o.tls === undefined ? {} : { https: { cert: o.tls.cert, key: o.tls.key, ...TLS_POLICY } }),
  });

  // Some platform clients send JSON as text/plain: accept it as the same envelope text.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: unknown, _req, reply) => {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      statusCode?: unknown;
      name?: unknown;
      code?: unknown;
    };
    const status = typeof e.statusCode === 'number' && e.statusCode < 500 ? e.statusCode : 500;
    if (status >= 500) o.log.error({ err: { name: e.name, code: e.code } }, 'request failed');
    const refusal = new CentralError(
      status >= 500 ? CENTRAL_ERROR_CODES.INTERNAL : CENTRAL_ERROR_CODES.BAD_ENVELOPE,
      status >= 500 ? 'internal error' : 'the body is not a JSON envelope',
    );
    void reply.code(status).send(unsignedRefusal(undefined, o.now(), refusal, dialect));
  });

  app.post(CENTRAL_API_PATH, (req) => o.dispatcher.handle(req.body));

  app.post(NOOP_PATH, async () => ({ code: dialect.resultCodes.success, msg: 'noop' }));

  app.get(HEALTH_PATH, async (_req, reply) => {
    const hsm = o.hsm.status();
    let db = true;
    try {
      await o.store.counts();
    } catch {
      db = false;
    }
    const ok = hsm.available && db;
    const st = o.store.status();
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'down',
      checks: {
        hsm: { ok: hsm.available, endpoint: hsm.active },
        db: {
          ok: db,
          kind: st.kind,
          state: st.state,
          ...(st.activeHost === undefined ? {} : { host: st.activeHost }),
        },
      },
    });
  });

  // Prometheus text: the service's counters and where its database stands.
  app.get(METRICS_PATH, async (_req, reply) => {
    const st = o.store.status();
    const stats = o.dispatcher.stats();
    const lines = [
      '# TYPE ehc_central_requests_total counter',
      `ehc_central_requests_total ${stats.requests}`,
      '# TYPE ehc_central_successes_total counter',
      `ehc_central_successes_total ${stats.successes}`,
      '# TYPE ehc_central_refusals_total counter',
      ...Object.entries(stats.refusals).map(([code, n]) => `ehc_central_refusals_total{code="${code}"} ${n}`),
      '# HELP ehc_central_db_up 1 while the database answers (state connected), else 0: verify fails closed.',
      '# TYPE ehc_central_db_up gauge',
      `ehc_central_db_up{kind="${st.kind}",state="${st.state}"} ${st.state === 'connected' ? 1 : 0}`,
      '# TYPE ehc_central_db_reconnects_total counter',
      `ehc_central_db_reconnects_total ${st.reconnects}`,
    ];
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });

  if (o.config.admin !== undefined) {
    registerAdminRoutes(app, {
      admin: o.config.admin,
      store: o.store,
      dispatcher: o.dispatcher,
      now: o.now,
    });
  }
  return app;
}
