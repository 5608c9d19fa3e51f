import { randomInt } from 'node:crypto';
import {
  errorCodeOf,
  type FetchHandle,
  httpsFetch,
  type JsonReply,
  requestJson,
} from '../../clients/central/https-fetch.js';
import { CertifyError } from '../errors.js';

export interface LoginReply {
  readonly status: number;
  readonly token?: string;
  readonly mustChange?: boolean;
  readonly idleTimeoutSeconds?: number;
  readonly permissions?: readonly string[];
  readonly code?: string;
}

/** A password meeting every rule of spec §5.1.1-8, unique per call. */
export function strongTestPassword(): string {
  return `Pw${randomInt(10_000_000, 99_999_999)}xQ`;
}

/** A user name the agent accepts, unique per run. */
export function testUserName(prefix: string): string {
  return `${prefix}${randomInt(100_000, 999_999)}`;
}

/**
 * The agent's admin routes over HTTP(S), as an administrator's browser uses them (see
 * agent/README.md): login, session, users, password. Statuses and error codes are returned, never
 * thrown, so the checks can judge refusals.
 */
export class AdminHttp {
  private readonly handle: FetchHandle;

  constructor(
    private readonly url: string,
    ca?: Buffer,
  ) {
    this.handle = httpsFetch(ca === undefined ? {} : { ca });
  }

  req(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<JsonReply> {
    return requestJson(this.handle.fetch, method, `${this.url}${path}`, body, token);
  }

  async login(name: string, password: string): Promise<LoginReply> {
    const r = await this.req('POST', '/admin/login', { name, password });
    const j = r.json;
    const code = errorCodeOf(r);
    return {
      status: r.status,
      ...(typeof j.token === 'string' ? { token: j.token } : {}),
      ...(typeof j.mustChangePassword === 'boolean' ? { mustChange: j.mustChangePassword } : {}),
      ...(typeof j.idleTimeoutSeconds === 'number' ? { idleTimeoutSeconds: j.idleTimeoutSeconds } : {}),
      ...(Array.isArray(j.permissions) ? { permissions: j.permissions as string[] } : {}),
      ...(code === undefined ? {} : { code }),
    };
  }

  /** Logs in and returns the token, or throws with the refusal (for the check's own accounts). */
  async token(name: string, password: string): Promise<string> {
    const r = await this.login(name, password);
    if (r.status !== 200 || r.token === undefined) {
      throw new CertifyError(
        'CERTIFY_PROBE',
        `login as ${name} refused: HTTP ${r.status} ${r.code ?? ''}`.trim(),
      );
    }
    if (r.mustChange)
      throw new CertifyError('CERTIFY_PROBE', `login as ${name} must change its password first`);
    return r.token;
  }

  createUser(token: string, name: string, role: 'admin' | 'operator', password: string, mustChange = false) {
    return this.req('POST', '/admin/users', { name, role, password, mustChangePassword: mustChange }, token);
  }

  disable(token: string, name: string) {
    return this.req('POST', `/admin/users/${encodeURIComponent(name)}/disable`, {}, token);
  }

  close(): void {
    this.handle.close();
  }
}

/** `HTTP 403 ADMIN_FORBIDDEN`-style text for evidence. */
export function show(r: { status: number; json?: Record<string, unknown>; code?: string }): string {
  const code = r.code ?? (r.json ? errorCodeOf(r as JsonReply) : undefined);
  return `HTTP ${r.status}${code ? ` ${code}` : ''}`;
}
