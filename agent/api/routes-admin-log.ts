import type { FastifyRequest } from 'fastify';
import { LOG_LEVELS } from '../log/logger.js';
import { remoteOf } from './auth.js';
import { ApiError } from './errors.js';
import type { RouteDeps } from './route-deps.js';
import { sessionOf } from './routes-admin-session.js';

/**
 * `GET /admin/log-level` (config:view) and `PUT /admin/log-level {"level"}` (config:edit, audited
 * as a config change): turn on debug logging on a running kiosk without a restart, and back.
 */
export function registerAdminLogRoutes(deps: RouteDeps): void {
  const { app, admin, guard } = deps;
  const control = () => {
    if (!deps.logLevel)
      throw new ApiError('API_CONFIG_READ_ONLY', 'this agent has no run-time log level control');
    return deps.logLevel;
  };
  app.get(
    '/admin/log-level',
    { onRequest: guard.hook({ kind: 'session', permission: 'config:view' }) },
    async () => ({
      level: control().get(),
    }),
  );
  app.put(
    '/admin/log-level',
    {
      onRequest: guard.hook({ kind: 'session', permission: 'config:edit' }),
      schema: {
        body: {
          type: 'object',
          required: ['level'],
          properties: { level: { type: 'string', enum: [...LOG_LEVELS] } },
          additionalProperties: false,
        },
      },
    },
    async (request: FastifyRequest) => {
      const { level } = request.body as { level: (typeof LOG_LEVELS)[number] };
      const c = control();
      const from = c.get();
      c.set(level);
      const remote = remoteOf(request);
      admin.audit.record({
        actor: sessionOf(guard.principal(request)).session.user,
        action: 'config.change',
        detail: { logLevel: { from, to: level } },
        outcome: 'ok',
        ...(remote === undefined ? {} : { remote }),
      });
      return { level: c.get() };
    },
  );
}
