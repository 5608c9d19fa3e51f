import type { FastifyRequest } from 'fastify';
import { isEhcError } from '../../protocol/errors.js';
import type { AuditAction, Caller, Role } from '../admin/index.js';
import { remoteOf } from './auth.js';
import { ApiError } from './errors.js';
import type { RouteDeps } from './route-deps.js';
import { sessionOf } from './routes-admin-session.js';

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
const roleSchema = { type: 'string', enum: ['admin', 'operator'] } as const;
const AUDIT_ACTIONS: readonly AuditAction[] = [
  'admin.bootstrap',
  'login',
  'logout',
  'session.expired',
  'password.change',
  'password.reset',
  'user.create',
  'user.disable',
  'user.enable',
  'user.role',
  'user.auto-disable',
  'config.change',
  'device.trigger',
  'device.beep',
  'access.denied',
];

/** /admin/users…, /admin/audit, /admin/config: session-only, permission-checked, audited. */
export function registerAdminManageRoutes(deps: RouteDeps): void {
  const { app, admin, guard } = deps;
  const caller = (request: FastifyRequest): Caller => ({
    session: sessionOf(guard.principal(request)).session,
    remote: remoteOf(request),
  });
  const manage = { onRequest: guard.hook({ kind: 'session', permission: 'users:manage' }) };

  app.get('/admin/users', manage, async (request) => ({ users: admin.users.list(caller(request)) }));

  app.post(
    '/admin/users',
    {
      ...manage,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'role', 'password'],
          properties: {
            name: { type: 'string', maxLength: 64 },
            role: roleSchema,
            password: { type: 'string', maxLength: 1024 },
            mustChangePassword: { type: 'boolean' },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        name: string;
        role: Role;
        password: string;
        mustChangePassword?: boolean;
      };
      const user = await admin.users.create(caller(request), body);
      return reply.code(201).send({ user });
    },
  );

  app.post('/admin/users/:name/disable', { ...manage, schema: { params: nameParams } }, async (request) => ({
    user: admin.users.disable(caller(request), (request.params as { name: string }).name),
  }));

  app.post('/admin/users/:name/enable', { ...manage, schema: { params: nameParams } }, async (request) => ({
    user: admin.users.enable(caller(request), (request.params as { name: string }).name),
  }));

  app.post(
    '/admin/users/:name/role',
    {
      ...manage,
      schema: {
        params: nameParams,
        body: {
          type: 'object',
          required: ['role'],
          properties: { role: roleSchema },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({
      user: admin.users.setRole(
        caller(request),
        (request.params as { name: string }).name,
        (request.body as { role: Role }).role,
      ),
    }),
  );

  app.post(
    '/admin/users/:name/password',
    {
      ...manage,
      schema: {
        params: nameParams,
        body: {
          type: 'object',
          required: ['password'],
          properties: { password: { type: 'string', maxLength: 1024 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const { password } = request.body as { password: string };
      return { user: await admin.users.resetPassword(caller(request), name, password) };
    },
  );

  app.get(
    '/admin/audit',
    {
      onRequest: guard.hook({ kind: 'session', permission: 'audit:view' }),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            before: { type: 'integer', minimum: 1 },
            action: { type: 'string', enum: [...AUDIT_ACTIONS] },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const q = request.query as { limit: number; before?: number; action?: AuditAction };
      const query = {
        limit: q.limit,
        ...(q.before === undefined ? {} : { beforeId: q.before }),
        ...(q.action === undefined ? {} : { action: q.action }),
      };
      return { entries: admin.users.auditLog(caller(request), query) };
    },
  );

  app.get(
    '/admin/config',
    { onRequest: guard.hook({ kind: 'session', permission: 'config:view' }) },
    async () => ({
      config: deps.configStore?.get() ?? deps.runtime.publicConfig(),
    }),
  );

  app.put(
    '/admin/config',
    {
      onRequest: guard.hook({ kind: 'session', permission: 'config:edit' }),
      schema: { body: { type: 'object', required: ['config'], properties: { config: { type: 'object' } } } },
    },
    async (request) => {
      const next = (request.body as { config: Record<string, unknown> }).config;
      const remote = remoteOf(request);
      const base = {
        actor: sessionOf(guard.principal(request)).session.user,
        action: 'config.change' as const,
        detail: { keys: Object.keys(next).slice(0, 50) },
        ...(remote === undefined ? {} : { remote }),
      };
      const store = deps.configStore;
      if (store === undefined) {
        admin.audit.record({ ...base, outcome: 'denied', code: 'API_CONFIG_READ_ONLY' });
        throw new ApiError('API_CONFIG_READ_ONLY', 'the configuration cannot be changed through the API');
      }
      let config: Readonly<Record<string, unknown>>;
      try {
        config = await store.put(next);
      } catch (cause) {
        const code = isEhcError(cause) ? cause.code : 'UNKNOWN';
        admin.audit.record({ ...base, outcome: isEhcError(cause) ? 'denied' : 'error', code });
        if (isEhcError(cause)) throw new ApiError('API_CONFIG_INVALID', cause.message, { cause });
        throw cause;
      }
      admin.audit.record({ ...base, outcome: 'ok' });
      return { config };
    },
  );
}
