import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

interface User {
  password: string;
  role: 'admin' | 'operator';
  disabled: boolean;
}

/**
 * A deliberately broken admin interface for certification tests: the agent's admin routes and
 * answers, with roles and disabling, but no password rules at all — any password is accepted.
 */
export async function startWeakAdmin(
  adminPassword: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const users = new Map<string, User>([
    ['admin', { password: adminPassword, role: 'admin', disabled: false }],
  ]);
  const sessions = new Map<string, string>();
  const app: FastifyInstance = Fastify();
  const who = (req: FastifyRequest): string | undefined => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const name = token ? sessions.get(token) : undefined;
    return name !== undefined && users.get(name)?.disabled === false ? name : undefined;
  };
  const denied = { error: { code: 'ADMIN_FORBIDDEN', message: 'no' } };

  app.post('/admin/login', async (req, reply) => {
    const { name, password } = req.body as { name: string; password: string };
    const u = users.get(name);
    if (!u || u.password !== password)
      return reply.code(401).send({ error: { code: 'ADMIN_BAD_CREDENTIALS' } });
    if (u.disabled) return reply.code(403).send({ error: { code: 'ADMIN_ACCOUNT_DISABLED' } });
    const token = randomBytes(16).toString('hex');
    sessions.set(token, name);
    return {
      token,
      user: name,
      role: u.role,
      mustChangePassword: false,
      permissions: [],
      idleTimeoutSeconds: 600,
    };
  });
  app.get('/admin/session', async (req, reply) => {
    const name = who(req);
    return name ? { user: name } : reply.code(401).send({ error: { code: 'ADMIN_SESSION_INVALID' } });
  });
  app.post('/admin/users', async (req, reply) => {
    if (users.get(who(req) ?? '')?.role !== 'admin') return reply.code(403).send(denied);
    const b = req.body as { name: string; role: 'admin' | 'operator'; password: string };
    users.set(b.name, { password: b.password, role: b.role, disabled: false });
    return reply.code(201).send({ user: { name: b.name, role: b.role } });
  });
  app.post('/admin/users/:name/disable', async (req, reply) => {
    if (users.get(who(req) ?? '')?.role !== 'admin') return reply.code(403).send(denied);
    const u = users.get((req.params as { name: string }).name);
    if (u) u.disabled = true;
    return { user: {} };
  });
  app.post('/admin/password', async (req, reply) => {
    const name = who(req);
    if (!name) return reply.code(401).send({ error: { code: 'ADMIN_SESSION_INVALID' } });
    users.get(name)!.password = (req.body as { newPassword: string }).newPassword;
    return { changed: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, close: () => app.close() };
}
