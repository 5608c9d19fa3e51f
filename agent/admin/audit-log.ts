import type Database from 'better-sqlite3';
import { AdminError } from './errors.js';
import type { AuditAction, AuditEntry, AuditInput, AuditOutcome, Clock } from './types.js';

interface AuditRow {
  id: number;
  at_ms: number;
  actor: string;
  action: string;
  outcome: string;
  target: string | null;
  remote: string | null;
  code: string | null;
  detail: string | null;
}

export interface AuditQuery {
  /** At most this many rows, newest first (default 100, capped at 1000). */
  readonly limit?: number;
  /** Only rows with an id below this one (paging backwards). */
  readonly beforeId?: number;
  readonly action?: AuditAction;
}

const MAX_FIELD = 200;
const clip = (s: string | undefined): string | null => (s === undefined ? null : s.slice(0, MAX_FIELD));

function detailJson(detail: AuditInput['detail']): string | null {
  if (detail === undefined) return null;
  const json = JSON.stringify(detail);
  return json.length > 2000 ? '{"truncated":true}' : json;
}

/**
 * The append-only audit log (table `admin_audit`; UPDATE and DELETE are refused by triggers).
 * `record` is a synchronous INSERT: when it returns, the row is committed to the WAL.
 * Called inside a `db.transaction`, it commits together with the change it records.
 */
export class AuditLog {
  readonly #insert: Database.Statement;
  readonly #db: Database.Database;
  readonly #now: Clock;

  constructor(db: Database.Database, now: Clock) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO admin_audit (at_ms, actor, action, outcome, target, remote, code, detail)
       VALUES (@at_ms, @actor, @action, @outcome, @target, @remote, @code, @detail)`,
    );
  }

  record(input: AuditInput): number {
    try {
      const info = this.#insert.run({
        at_ms: this.#now(),
        actor: input.actor.slice(0, MAX_FIELD),
        action: input.action,
        outcome: input.outcome,
        target: clip(input.target),
        remote: clip(input.remote),
        code: clip(input.code),
        detail: detailJson(input.detail),
      });
      return Number(info.lastInsertRowid);
    } catch (cause) {
      throw new AdminError('ADMIN_STORE_FAILED', 'cannot write the audit log', { cause });
    }
  }

  list(query: AuditQuery = {}): AuditEntry[] {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
    const where: string[] = [];
    const params: Record<string, unknown> = { limit };
    if (query.beforeId !== undefined) {
      where.push('id < @before');
      params.before = query.beforeId;
    }
    if (query.action !== undefined) {
      where.push('action = @action');
      params.action = query.action;
    }
    const sql = `SELECT * FROM admin_audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT @limit`;
    const rows = this.#db.prepare(sql).all(params) as AuditRow[];
    return rows.map(toEntry);
  }
}

function toEntry(row: AuditRow): AuditEntry {
  let detail: Record<string, unknown> | undefined;
  if (row.detail !== null) {
    try {
      detail = JSON.parse(row.detail) as Record<string, unknown>;
    } catch {
      detail = { unparsable: true };
    }
  }
  return {
    id: row.id,
    at: new Date(row.at_ms).toISOString(),
    actor: row.actor,
    action: row.action as AuditAction,
    outcome: row.outcome as AuditOutcome,
    ...(row.target === null ? {} : { target: row.target }),
    ...(row.remote === null ? {} : { remote: row.remote }),
    ...(row.code === null ? {} : { code: row.code }),
    ...(detail === undefined ? {} : { detail }),
  };
}
