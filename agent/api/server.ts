import type { Server as HttpsServer } from 'node:https';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { pino } from 'pino';
import { TLS_POLICY } from '../../protocol/net/tls-policy.js';
import { SESSION_TOKEN_PREFIX } from '../admin/index.js';
import { Guard } from './auth.js';
import { checkBind } from './bind-policy.js';
import { ApiError, errorHandler, notFoundHandler } from './errors.js';
import { resolveHttpLimits, serverOptions } from './http-limits.js';
import { RequestSourceCheck } from './origin-policy.js';
import type { RouteDeps } from './route-deps.js';
import { registerAdminLogRoutes } from './routes-admin-log.js';
import { registerAdminManageRoutes } from './routes-admin-manage.js';
import { registerAdminSessionRoutes } from './routes-admin-session.js';
import { registerConsoleRoutes } from './routes-console.js';
import { registerEventRoutes } from './routes-events.js';
import { registerKioskRoutes } from './routes-kiosk.js';
import type { ApiServer, ApiServerOptions, KioskToken } from './types.js';

const BODY_LIMIT = 256 * 1024;

/**
 * Builds the local API (see agent/README.md for the routes). Validates the options and the bind
 * policy synchronously (throws `ApiError` API_INVALID_OPTION / API_INSECURE_REMOTE_BIND); nothing
 * listens until `listen()`. The routes are registered once the returned promise from `listen()`
 * or `fastify.ready()` settles; `fastify.inject` works after `await server.fastify.ready()`.
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const tokens = options.tokens.map(
    (t, i): KioskToken => (typeof t === 'string' ? { name: `token-${i + 1}`, token: t } : t),
  );
  validate(tokens, options.maxScans ?? 500, port);
  const warning = checkBind(host, options.tls !== undefined, options.allowInsecureRemote === true);
  const logger = options.logger ?? pino({ level: 'silent' });
  if (warning !== undefined) logger.warn({ host }, warning);
  const limits = resolveHttpLimits(options.limits);
  const sources = new RequestSourceCheck({
    scheme: options.tls === undefined ? 'http' : 'https',
    bindHost: host,
    allowedOrigins: options.allowedOrigins ?? [],
  });

  const base = {
    loggerInstance: logger,
    // no per-request log lines: URLs may carry a token (?token= on WS /events)
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // Fastify sets these two on the server after creating it (its defaults: 72 s and none)
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  };
  const app = (options.tls === undefined
    ? Fastify({ ...base, http: serverOptions(limits) })
    : Fastify<HttpsServer>({
        ...base,
        https: { ...serverOptions(limits), ...TLS_POLICY, ...options.tls },
      })) as unknown as FastifyInstance;
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxHeadersCount = limits.maxHeadersCount;

  app.removeContentTypeParser('text/plain'); // JSON bodies only: no CSRF-able "simple" requests
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request',
    );
  });

  const deps: RouteDeps = {
    app,
    runtime: options.runtime,
    admin: options.admin,
    guard: new Guard(options.admin, tokens),
    configStore: options.configStore,
    logLevel: options.logLevel,
    openHealth: options.open?.health ?? true,
    openMetrics: options.open?.metrics ?? false,
    maxScans: options.maxScans ?? 500,
    maxWsBufferedBytes: options.maxWsBufferedBytes ?? 1024 * 1024,
    secureCookie: options.tls !== undefined,
  };

  void app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  void app.register(async () => {
    // before authentication, on every route, upgrades and 404s included: cross-origin pages and
    // rebound DNS names get nothing. Added after @fastify/websocket's own onRequest hook, which
    // marks upgrade requests so that a refused upgrade's socket is closed after the answer.
    app.addHook('onRequest', sources.hook());
    registerKioskRoutes(deps);
    registerEventRoutes(deps);
    registerConsoleRoutes(deps);
    registerAdminSessionRoutes(deps);
    registerAdminManageRoutes(deps);
    registerAdminLogRoutes(deps);
  });

  let closed = false;
  return {
    fastify: app,
    async listen() {
      await app.listen({ host, port });
      const address = app.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      const url = `${options.tls === undefined ? 'http' : 'https'}://${shown}:${bound}`;
      logger.info({ url }, 'local API listening');
      return { url };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

function validate(tokens: readonly KioskToken[], maxScans: number, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ApiError('API_INVALID_OPTION', 'port must be an integer 0-65535');
  }
  const names = new Set<string>();
  for (const [i, t] of tokens.entries()) {
    if (typeof t.name !== 'string' || t.name.length === 0 || names.has(t.name)) {
      throw new ApiError('API_INVALID_OPTION', `tokens[${i}].name must be a unique non-empty string`);
    }
    names.add(t.name);
    if (typeof t.token !== 'string' || t.token.length < 16 || t.token.startsWith(SESSION_TOKEN_PREFIX)) {
      throw new ApiError(
        'API_INVALID_OPTION',
        `tokens[${i}].token must have at least 16 characters and not start with ${SESSION_TOKEN_PREFIX}`,
      );
    }
  }
  if (!Number.isInteger(maxScans) || maxScans < 1 || maxScans > 10_000) {
    throw new ApiError('API_INVALID_OPTION', 'maxScans must be an integer 1-10000');
  }
}
