import type { FastifyReply, FastifyRequest } from 'fastify';
import { permissionsOf, type SessionInfo } from '../admin/index.js';
import { type Principal, remoteOf, SESSION_COOKIE } from './auth.js';
import { ApiError } from './errors.js';
import type { RouteDeps } from './route-deps.js';

/** POST /admin/login, POST /admin/logout, GET /admin/session, POST /admin/password. */
export function registerAdminSessionRoutes(deps: RouteDeps): void {
  const { app, admin, guard } = deps;

  app.post(
    '/admin/login',
    {
      onRequest: guard.hook({ kind: 'open' }),
      schema: {
        body: {
          type: 'object',
          required: ['name', 'password'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', maxLength: 1024 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body as { name: string; password: string };
      const { token, session } = await admin.auth.login(name, password, remoteOf(request));
      setCookie(reply, token, deps.secureCookie);
      return { token, ...describe(session, admin.policy.idleTimeoutMs) };
    },
  );

  app.post('/admin/logout', { onRequest: guard.hook({ kind: 'session' }) }, async (request, reply) => {
    admin.auth.logout(sessionOf(guard.principal(request)).token, remoteOf(request));
    setCookie(reply, '', deps.secureCookie, true);
    return { loggedOut: true };
  });

  app.get('/admin/session', { onRequest: guard.hook({ kind: 'session' }) }, async (request) =>
    describe(sessionOf(guard.principal(request)).session, admin.policy.idleTimeoutMs),
  );

  app.post(
    '/admin/password',
    {
      onRequest: guard.hook({ kind: 'session' }),
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          properties: {
            currentPassword: { type: 'string', maxLength: 1024 },
            newPassword: { type: 'string', maxLength: 1024 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request: FastifyRequest) => {
      const { currentPassword, newPassword } = request.body as {
        currentPassword: string;
        newPassword: string;
      };
      const { token } = sessionOf(guard.principal(request));
      await admin.auth.changePassword(token, currentPassword, newPassword, remoteOf(request));
      return { changed: true };
    },
  );
}

export function sessionOf(p: Principal): Extract<Principal, { kind: 'session' }> {
  if (p.kind !== 'session') throw new ApiError('API_AUTH_REQUIRED', 'log in as a user');
  return p;
}

function describe(session: SessionInfo, idleTimeoutMs: number) {
  return {
    user: session.user,
    role: session.role,
    mustChangePassword: session.restricted,
    permissions: session.restricted ? [] : permissionsOf(session.role),
    idleTimeoutSeconds: Math.round(idleTimeoutMs / 1000),
  };
}

function setCookie(reply: FastifyReply, token: string, secure: boolean, clear = false): void {
  const attrs = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  if (clear) attrs.push('Max-Age=0');
  void reply.header('set-cookie', attrs.join('; '));
}
