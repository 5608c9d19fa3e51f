import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CentralStore } from '../../storage/central/contract.js';
import { backupCentral, listBackups, restoreCentral } from './backup.js';
import type { CentralConfig } from './config.js';
import type { CentralDispatcher } from './dispatcher.js';
import { isCentralSetupError } from './errors.js';

export interface AdminContext {
  readonly admin: NonNullable<CentralConfig['admin']>;
  readonly store: CentralStore;
  readonly dispatcher: CentralDispatcher;
  readonly now: () => number;
}

const TERMINAL_RE = /^[\w.-]{1,64}$/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

type Query = Record<string, string | undefined>;

/**
 * Admin routes under `/admin`, behind a bearer token (constant-time compare) and, unless
 * `allowRemote`, loopback callers only:
 * - `POST /admin/backup {name?}` → `{name}`: online backup into `backupDir` (SQLite backup API).
 * - `POST /admin/restore {name}` → `{name, counts}`: replaces all central data with a backup.
 * - `GET /admin/backups` → `{names}`.
 * - `GET /admin/terminals`, `POST /admin/terminals {terminalCode, name?, orgCode?, enabled?}`.
 * - `GET /admin/use-records?after_seq=&limit=&ehc_id=&terminal_code=` → card-use records.
 * - `GET /admin/stats` → store counts and request counters.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const token = Buffer.from(ctx.admin.token);
  const guard = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!ctx.admin.allowRemote && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      await reply.code(403).send({ error: 'ADMIN_REMOTE_DENIED', message: 'admin is loopback only' });
      return;
    }
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7) : '');
    if (given.length !== token.length || !timingSafeEqual(given, token)) {
      await reply.code(401).send({ error: 'ADMIN_UNAUTHORIZED', message: 'bad or missing admin token' });
    }
  };
  const fail = (reply: FastifyReply, e: unknown): FastifyReply => {
    if (isCentralSetupError(e)) return reply.code(400).send({ error: e.code, message: e.message });
    throw e;
  };

  app.register(async (admin) => {
    admin.addHook('onRequest', guard);

    admin.post('/admin/backup', async (req, reply) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      try {
        return { name: await backupCentral(ctx.store, ctx.admin.backupDir, name, ctx.now()) };
      } catch (e) {
        return fail(reply, e);
      }
    });

    admin.post('/admin/restore', async (req, reply) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      try {
        await restoreCentral(ctx.store, ctx.admin.backupDir, name);
        return { name, counts: await ctx.store.counts() };
      } catch (e) {
        return fail(reply, e);
      }
    });

    admin.get('/admin/backups', async () => ({ names: await listBackups(ctx.admin.backupDir) }));

    admin.get('/admin/terminals', async () => ({ terminals: await ctx.store.listTerminals() }));

    admin.post('/admin/terminals', async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const code = b.terminalCode;
      if (typeof code !== 'string' || !TERMINAL_RE.test(code)) {
        return reply.code(400).send({ error: 'ADMIN_BAD_FIELD', message: 'terminalCode is invalid' });
      }
      const text = (v: unknown, d: string): string => (typeof v === 'string' ? v.slice(0, 128) : d);
      const terminal = {
        terminalCode: code,
        name: text(b.name, code),
        orgCode: text(b.orgCode, ''),
        enabled: b.enabled !== false,
      };
      await ctx.store.upsertTerminal(terminal);
      return { terminal };
    });

    admin.get('/admin/use-records', async (req) => {
      const q = req.query as Query;
      const int = (v: string | undefined, d: number, max: number): number => {
        const n = v === undefined ? d : Number(v);
        return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, max) : d;
      };
      const records = await ctx.store.queryUseRecords({
        afterSeq: int(q.after_seq, 0, Number.MAX_SAFE_INTEGER),
        limit: Math.max(1, int(q.limit, 100, 1000)),
        ...(q.ehc_id === undefined ? {} : { ehcId: q.ehc_id.toUpperCase() }),
        ...(q.terminal_code === undefined ? {} : { terminalCode: q.terminal_code }),
      });
      return { records };
    });

    admin.get('/admin/stats', async () => ({
      counts: await ctx.store.counts(),
      requests: ctx.dispatcher.stats(),
    }));
  });
}
