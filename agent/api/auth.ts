import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AdminService,
  type Permission,
  SESSION_TOKEN_PREFIX,
  type SessionInfo,
} from '../admin/index.js';
import { ApiError } from './errors.js';
import type { KioskToken } from './types.js';

export const SESSION_COOKIE = 'ehc_session';

/** Who made a request: a kiosk application (by token name) or a logged-in user. */
export type Principal =
  | { readonly kind: 'kiosk'; readonly name: string }
  | { readonly kind: 'session'; readonly session: SessionInfo; readonly token: string };

/**
 * What a route needs:
 * - `open`: nothing;
 * - `kiosk`: a kiosk token, or a session whose role has `permission`;
 * - `session`: a session; with `permission`, its role must have it and the session must not be
 *   restricted; without one, a restricted session (password change due) is enough.
 * `queryToken` also accepts the credential as `?token=` (browsers cannot set WebSocket headers).
 */
export type Access =
  | { readonly kind: 'open' }
  | { readonly kind: 'kiosk'; readonly permission: Permission; readonly queryToken?: boolean }
  | { readonly kind: 'session'; readonly permission?: Permission };

const sha = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * The name of the kiosk token equal to `given`, compared in constant time: every configured token
 * is compared (no early exit), on SHA-256 digests so lengths do not leak either.
 */
export function matchKioskToken(given: string, tokens: readonly KioskToken[]): string | undefined {
  const g = sha(given);
  let found: string | undefined;
  for (const t of tokens) {
    if (timingSafeEqual(g, sha(t.token)) && found === undefined) found = t.name;
  }
  return found;
}

/** The value of one cookie in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The socket's remote address. Never a header: the API does not trust proxies. */
export const remoteOf = (request: FastifyRequest): string | undefined =>
  request.socket.remoteAddress ?? undefined;

function credentialOf(request: FastifyRequest, queryToken: boolean): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1];
  }
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (cookie !== undefined && cookie.length > 0) return cookie;
  if (queryToken) {
    const q = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q.length > 0) return q;
  }
  return undefined;
}

/** Resolves and authorizes requests; remembers each request's principal. */
export class Guard {
  readonly #admin: AdminService;
  readonly #tokens: readonly KioskToken[];
  readonly #principals = new WeakMap<FastifyRequest, Principal>();

  constructor(admin: AdminService, tokens: readonly KioskToken[]) {
    this.#admin = admin;
    this.#tokens = tokens;
  }

  /** An `onRequest` hook enforcing `access`. */
  hook(access: Access): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    return async (request) => {
      if (access.kind === 'open') return;
      const principal = this.#resolve(request, access);
      const remote = remoteOf(request);
      if (principal.kind === 'session') {
        const permission = access.permission;
        if (permission !== undefined) {
          this.#admin.authorize(
            { session: principal.session, remote },
            permission,
            request.routeOptions.url ?? '',
          );
        }
      } else if (access.kind === 'session') {
        throw new ApiError('API_AUTH_REQUIRED', 'log in as a user: kiosk tokens cannot administer');
      }
      this.#principals.set(request, principal);
    };
  }

  /** The principal the hook accepted for `request`. */
  principal(request: FastifyRequest): Principal {
    const p = this.#principals.get(request);
    if (p === undefined) throw new ApiError('API_AUTH_REQUIRED', 'not authenticated');
    return p;
  }

  /** The audit actor for a principal: the user name, or `token:<name>`. */
  static actor(p: Principal): string {
    return p.kind === 'session' ? p.session.user : `token:${p.name}`;
  }

  #resolve(request: FastifyRequest, access: Exclude<Access, { kind: 'open' }>): Principal {
    const queryToken = access.kind === 'kiosk' && access.queryToken === true;
    const credential = credentialOf(request, queryToken);
    if (credential === undefined)
      throw new ApiError('API_AUTH_REQUIRED', 'a bearer token or a session is required');
    if (credential.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = this.#admin.auth.authenticate(credential, remoteOf(request));
      return { kind: 'session', session, token: credential };
    }
    const name = matchKioskToken(credential, this.#tokens);
    if (name === undefined) throw new ApiError('API_AUTH_REQUIRED', 'unknown token');
    return { kind: 'kiosk', name };
  }
}
