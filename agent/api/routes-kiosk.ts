import type { FastifyRequest } from 'fastify';
import { isEhcError } from '../../protocol/errors.js';
import type { AuditAction } from '../admin/index.js';
import { Guard, remoteOf } from './auth.js';
import { ApiError } from './errors.js';
import { publicEvent } from './masking.js';
import type { RouteDeps } from './route-deps.js';

const deviceParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/** GET /health, /metrics, /devices, /scans; POST /devices/:id/trigger and /beep. */
export function registerKioskRoutes(deps: RouteDeps): void {
  const { app, runtime, guard } = deps;

  app.get(
    '/health',
    { onRequest: guard.hook(deps.openHealth ? { kind: 'open' } : kiosk('metrics:view')) },
    async (_req, reply) => {
      const report = await runtime.health();
      return reply.code(report.status === 'down' ? 503 : 200).send(report);
    },
  );

  app.get(
    '/metrics',
    { onRequest: guard.hook(deps.openMetrics ? { kind: 'open' } : kiosk('metrics:view')) },
    async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(runtime.metricsText()),
  );

  app.get('/devices', { onRequest: guard.hook(kiosk('devices:view')) }, async () => ({
    devices: runtime.devices(),
  }));

  app.get(
    '/scans',
    {
      onRequest: guard.hook(kiosk('scans:view')),
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: deps.maxScans, default: 50 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit: number };
      return { scans: runtime.recentScans(limit).slice(0, limit).map(publicEvent) };
    },
  );

  app.post(
    '/devices/:id/trigger',
    {
      onRequest: guard.hook(kiosk('devices:command')),
      schema: {
        params: deviceParams,
        body: {
          type: 'object',
          required: ['on'],
          properties: { on: { type: 'boolean' } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { on } = request.body as { on: boolean };
      await command(deps, request, 'device.trigger', id, { on }, () => runtime.trigger(id, on));
      return { deviceId: id, on };
    },
  );

  app.post(
    '/devices/:id/beep',
    {
      onRequest: guard.hook(kiosk('devices:command')),
      schema: {
        params: deviceParams,
        body: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: ['good', 'bad'] } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { kind } = request.body as { kind: 'good' | 'bad' };
      await command(deps, request, 'device.beep', id, { kind }, () => runtime.beep(id, kind));
      return { deviceId: id, kind };
    },
  );
}

function kiosk(permission: 'devices:view' | 'devices:command' | 'scans:view' | 'metrics:view') {
  return { kind: 'kiosk', permission } as const;
}

/** Runs a device command and writes its audit row (ok, denied for an unknown device, or error). */
async function command(
  deps: RouteDeps,
  request: FastifyRequest,
  action: AuditAction,
  deviceId: string,
  detail: Record<string, unknown>,
  run: () => Promise<void>,
): Promise<void> {
  const remote = remoteOf(request);
  const base = {
    actor: Guard.actor(deps.guard.principal(request)),
    action,
    target: deviceId,
    detail,
    ...(remote === undefined ? {} : { remote }),
  };
  if (!deps.runtime.devices().some((d) => d.id === deviceId)) {
    deps.admin.audit.record({ ...base, outcome: 'denied', code: 'API_DEVICE_NOT_FOUND' });
    throw new ApiError('API_DEVICE_NOT_FOUND', 'no such device');
  }
  try {
    await run();
  } catch (cause) {
    const code = isEhcError(cause) ? cause.code : 'UNKNOWN';
    deps.admin.audit.record({ ...base, outcome: 'error', code });
    throw new ApiError('API_DEVICE_COMMAND_FAILED', `the device did not accept the command (${code})`, {
      cause,
    });
  }
  deps.admin.audit.record({ ...base, outcome: 'ok' });
}
